# Reports what the function sees of its execution environment (contract §4); with
# event {"write": PATH} it writes PATH and lets any error escape to the runtime.
import os

ENV_KEYS = [
    "_HANDLER", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_REGION",
    "AWS_DEFAULT_REGION", "TZ", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "AWS_LAMBDA_RUNTIME_API",
    "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_EXECUTION_ENV", "PROBE_VAR",
]


def try_write(path):
    try:
        with open(path, "w") as f:
            f.write("x")
        with open(path) as f:
            return "ok:" + f.read()
    except OSError as e:
        return "error:%s" % type(e).__name__


def mount_options():
    """The options of the last mount on /, /var/task and /tmp (later mounts hide earlier ones)."""
    found = {}
    with open("/proc/self/mounts") as f:
        for line in f:
            fields = line.split()
            if fields[1] in ("/", "/var/task", "/tmp"):
                found[fields[1]] = fields[3]
    return found


def lambda_handler(event, context):
    if "write" in event:
        with open(event["write"], "w") as f:
            f.write("x")
        return {"wrote": event["write"]}
    return {
        "uid": os.getuid(),
        "gid": os.getgid(),
        "cwd": os.getcwd(),
        "env": {k: os.environ.get(k) for k in ENV_KEYS},
        "task": sorted(os.listdir("/var/task")),
        "write_task": try_write("/var/task/x"),
        "write_root": try_write("/probe-x"),
        "write_tmp": try_write("/tmp/probe-x"),
        "mounts": mount_options(),
        "context": {
            "function_name": context.function_name,
            "function_version": context.function_version,
            "memory_limit_in_mb": context.memory_limit_in_mb,
            "invoked_function_arn": context.invoked_function_arn,
            "aws_request_id": context.aws_request_id,
            "log_group_name": context.log_group_name,
            "remaining_ms": context.get_remaining_time_in_millis(),
        },
    }
