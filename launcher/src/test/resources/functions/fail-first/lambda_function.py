# For ServeAsyncIT: fails the first attempt of each event and succeeds on its retry. The memory
# of "seen" is a marker file per event id in this env's /tmp, so the test runs every attempt in
# one warm env (one async worker): a second env would not know the first one's markers.
import os


def lambda_handler(event, context):
    marker = "/tmp/seen-%s" % event["id"]
    if not os.path.exists(marker):
        open(marker, "w").close()
        print("FAIL-FIRST fail %s" % event["id"])
        raise RuntimeError("first attempt of event %s fails" % event["id"])
    print("FAIL-FIRST ok %s" % event["id"])
    return {"id": event["id"], "ok": True}
