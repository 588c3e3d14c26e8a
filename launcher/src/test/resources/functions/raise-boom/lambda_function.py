# An unhandled exception: the runtime posts /error with the exception's type and message.
def lambda_handler(event, context):
    raise ValueError("boom")
