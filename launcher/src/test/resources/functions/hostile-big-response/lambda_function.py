# Returns a string of event["bytes"] bytes (default 7 MB): over the 6 MB response limit.
def lambda_handler(event, context):
    return "z" * event.get("bytes", 7 * 1024 * 1024)
