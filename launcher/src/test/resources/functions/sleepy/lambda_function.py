# Sleeps event["sleep"] seconds (default 5): with a 1 s timeout the first invoke times out.
import time


def lambda_handler(event, context):
    seconds = event.get("sleep", 5)
    print("sleeping %s s" % seconds)
    time.sleep(seconds)
    return {"slept": seconds}
