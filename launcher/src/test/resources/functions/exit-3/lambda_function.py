# The runtime process dies mid-invoke with status 3 (no response, no error posted).
import os


def lambda_handler(event, context):
    print("about to exit 3")
    os._exit(3)
