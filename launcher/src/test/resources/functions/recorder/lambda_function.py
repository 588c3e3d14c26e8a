# A destination for ServeAsyncIT: prints each record it receives as one log line "DEST <json>",
# which the test reads from the daemon's log sink.
import json


def lambda_handler(event, context):
    print("DEST " + json.dumps(event, separators=(",", ":")))
    return {"recorded": True}
