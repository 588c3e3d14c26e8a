# For ServeAsyncIT: every attempt of every event fails (and says so in the log).
def lambda_handler(event, context):
    print("ALWAYS-FAIL attempt %s" % event["id"])
    raise RuntimeError("event %s always fails" % event["id"])
