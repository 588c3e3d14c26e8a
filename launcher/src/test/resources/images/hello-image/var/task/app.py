# An image function's handler: reports what it sees of the image and the environment.
import os


def handler(event, context):
    def writable(path):
        try:
            with open(path, "w") as f:
                f.write("x")
            return True
        except OSError:
            return False

    return {
        "hello": event.get("name", "world"),
        "handler": os.environ.get("_HANDLER"),
        "cwd": os.getcwd(),
        "uid": os.getuid(),
        "image_env": os.environ.get("IMG_VAR"),
        "runtime_api": os.environ.get("AWS_LAMBDA_RUNTIME_API"),
        "function": os.environ.get("AWS_LAMBDA_FUNCTION_NAME"),
        "skel": sorted(os.listdir("/etc/skel")),
        "doc_exists": os.path.exists("/usr/share/doc"),
        "root_writable": writable("/var/task/x"),
        "tmp_writable": writable("/tmp/x"),
        "request_id": context.aws_request_id,
    }
