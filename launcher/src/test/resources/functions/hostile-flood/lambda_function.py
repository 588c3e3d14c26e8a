# Floods stdout: event["mb"] MB of 100-byte lines, or with event["newline"] false one endless
# line without a newline. The supervisor must keep its memory bounded.
import sys


def lambda_handler(event, context):
    mb = event.get("mb", 50)
    newline = event.get("newline", True)
    line = ("x" * 99 + "\n") if newline else ("y" * 100)
    block = line * 10000  # ~1 MB
    out = sys.stdout
    for _ in range(mb):
        out.write(block)
    out.flush()
    if not newline:
        out.write("\n")
        out.flush()
    print("flood done")
    return {"flooded_mb": mb}
