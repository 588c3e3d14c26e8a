"""flint's Python runtime interface client (stdlib only).

Speaks the Lambda Runtime API at $AWS_LAMBDA_RUNTIME_API the way AWS's awslambdaric does, so
handlers see the same errors, error bodies, log lines and context object:

  init:  import $_HANDLER's module from $LAMBDA_TASK_ROOT; on failure POST /runtime/init/error
         (header Lambda-Runtime-Function-Error-Type) and exit 1
  snap:  only with AWS_LAMBDA_INITIALIZATION_TYPE=snap-start (SnapStart), as awslambdaric does:
         before-snapshot hooks (newest first), then GET /runtime/restore/next, which the
         supervisor answers only in an environment restored from the snapshot; there: reseed
         `random`, after-restore hooks (oldest first). Hooks come from snapshot_restore_py.
         A failing hook (or restore/next) -> POST /runtime/init/error (Runtime.BeforeSnapshotError),
         exit 64; a failing after-restore hook -> POST /runtime/restore/error
         (Runtime.AfterRestoreError), exit 65
  loop:  GET /runtime/invocation/next -> handler(event, context)
         -> POST /runtime/invocation/{id}/response   (json.dumps of the result; bytes as-is)
         or POST /runtime/invocation/{id}/error      (header ...-Error-Type: Unhandled)

One persistent HTTP/1.1 connection is reused for every call. It is a minimal client over a plain
socket: http.client pulls in the email package and ssl, which cost ~45 ms of every cold start
(measured with -X importtime in the sandbox at 1 vCPU), longer than the rest of Init.
"""

import importlib
import json
import logging
import os
import socket
import sys
import time
import traceback

ERROR_LOG_LINE_TERMINATE = "\r"
ERROR_LOG_IDENT = "\u00a0"  # AWS indents traceback lines with NO-BREAK SPACE
API_PREFIX = "/2018-06-01/runtime"
INIT_TYPE_SNAP_START = "snap-start"
BEFORE_SNAPSHOT_ERROR = "Runtime.BeforeSnapshotError"
AFTER_RESTORE_ERROR = "Runtime.AfterRestoreError"
EXIT_BEFORE_SNAPSHOT_ERROR = 64
EXIT_AFTER_RESTORE_ERROR = 65
HOOKS_MODULE = "snapshot_restore_py"
UNHANDLED_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. "
    "However, in rare cases, a Lambda runtime update can cause unexpected function behavior. "
    "For functions using managed runtimes, runtime updates can be triggered by a function change, "
    "or can be applied automatically. To determine if the runtime has been updated, check the "
    "runtime version in the INIT_START log entry. If this error correlates with a change in the "
    "runtime version, you may be able to mitigate this error by temporarily rolling back to the "
    "previous runtime version. For more information, see "
    "https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html"
)

_THIS_FILE = os.path.abspath(__file__)
_request_id = ""


class Fault(Exception):
    """An error the runtime itself names (Runtime.*), as awslambdaric's FaultException."""

    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace


# ---- Runtime API client ---------------------------------------------------------------------

class _Headers(dict):
    """Response headers; get() ignores case, as HTTP does."""

    def get(self, name, default=None):
        return dict.get(self, name.lower(), default)


class _Connection:
    """HTTP/1.1 keep-alive client for the one server it talks to (the Runtime API)."""

    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self.host_header = address
        self.sock = socket.create_connection((host or "127.0.0.1", int(port)))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.rfile = self.sock.makefile("rb")

    def close(self):
        try:
            self.rfile.close()
            self.sock.close()
        except OSError:
            pass

    def request(self, method, path, body, headers):
        if isinstance(body, str):
            body = body.encode("utf-8")
        lines = ["%s %s HTTP/1.1" % (method, path), "Host: " + self.host_header]
        for k, v in headers.items():
            lines.append("%s: %s" % (k, v))
        if body is not None or method == "POST":
            lines.append("Content-Length: %d" % len(body or b""))
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.sock.sendall(head + body if body else head)
        return self._response()

    def _response(self):
        status_line = self.rfile.readline(65537)
        if not status_line:
            raise ConnectionError("runtime api closed the connection")
        parts = status_line.split(None, 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/"):
            raise ConnectionError("malformed status line: %r" % status_line)
        status = int(parts[1])
        headers = _Headers()
        while True:
            line = self.rfile.readline(65537)
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline(65537).split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self._read_exact(size))
                self.rfile.readline(65537)
            data = b"".join(chunks)
        elif headers.get("Content-Length") is not None:
            data = self._read_exact(int(headers.get("Content-Length")))
        else:
            data = self.rfile.read()
        return status, headers, data

    def _read_exact(self, n):
        data = self.rfile.read(n)
        if len(data) != n:
            raise ConnectionError("runtime api closed the connection mid-body")
        return data


class RuntimeApi:
    def __init__(self, address):
        self.address = address
        self.conn = None

    def _request(self, method, path, body=None, headers=None):
        # A dropped keep-alive connection is retried once on a fresh one.
        for attempt in (0, 1):
            try:
                if self.conn is None:
                    self.conn = _Connection(self.address)
                return self.conn.request(method, API_PREFIX + path, body, headers or {})
            except (ConnectionError, OSError, ValueError):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise

    def next(self):
        status, headers, body = self._request("GET", "/invocation/next")
        if status != 200:
            raise RuntimeError("runtime api: invocation/next answered %d: %r" % (status, body))
        return headers, body

    def post_response(self, request_id, body, content_type):
        status, _, data = self._request(
            "POST", "/invocation/%s/response" % request_id, body, {"Content-Type": content_type})
        if status != 202:
            # 413 and friends: the platform has already told the caller; log what it said.
            sys.stdout.write(
                "[ERROR] LAMBDA_RUNTIME Failed to post handler success response. Http response code: %d. %s\n"
                % (status, data.decode("utf-8", "replace").rstrip("\n")))

    def post_error(self, request_id, error, xray_cause):
        headers = {"Content-Type": "application/json",
                   "Lambda-Runtime-Function-Error-Type": "Unhandled"}
        if xray_cause and len(xray_cause) < 1024 * 1024:
            headers["Lambda-Runtime-Function-XRay-Error-Cause"] = xray_cause
        self._request("POST", "/invocation/%s/error" % request_id, to_json(error), headers)

    def post_init_error(self, error, error_type=None):
        headers = {"Content-Type": "application/json",
                   "Lambda-Runtime-Function-Error-Type": error_type or error["errorType"]}
        self._request("POST", "/init/error", to_json(error), headers)

    def restore_next(self):
        """SnapStart: a plain GET (no body) that returns only once this env was restored."""
        status, _, body = self._request("GET", "/restore/next")
        if status != 200:
            raise RuntimeError("runtime api: restore/next answered %d: %r" % (status, body))

    def post_restore_error(self, error):
        headers = {"Content-Type": "application/json",
                   "Lambda-Runtime-Function-Error-Type": AFTER_RESTORE_ERROR}
        self._request("POST", "/restore/error", to_json(error), headers)


# ---- errors, as awslambdaric renders them ---------------------------------------------------

def make_error(message, error_type, stack_trace, request_id=None):
    return {
        "errorMessage": message if message else "",
        "errorType": error_type if error_type else "",
        "requestId": request_id if request_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def user_frames(tb):
    """Traceback frames from the first frame outside this file on (AWS drops its bootstrap frames)."""
    frames = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]
    for i, frame in enumerate(frames):
        if os.path.abspath(frame[0]) != _THIS_FILE:
            return frames[i:]
    return frames


def fault_from_exception(exc, request_id=None):
    frames = user_frames(exc.__traceback__)
    error = make_error(str(exc), type(exc).__name__, traceback.format_list(frames), request_id)
    return error, xray_cause(type(exc).__name__, str(exc), frames)


def xray_cause(error_type, message, frames):
    return to_json({
        "working_directory": os.getcwd(),
        "exceptions": [{"message": message, "type": error_type,
                        "stack": [{"label": f[2], "path": f[0], "line": f[1]} for f in frames]}],
        "paths": sorted({f[0] for f in frames}),
    })


def _indent(line):
    n = len(line) - len(line.lstrip(" "))
    return ERROR_LOG_IDENT * n + line[n:]


def log_error(error):
    """`[ERROR] Type: message` + traceback, lines joined by CR, as AWS's text log sink writes it."""
    description = "[ERROR]"
    if error.get("errorType"):
        description += " " + error["errorType"]
    if error.get("errorMessage"):
        if error.get("errorType"):
            description += ":"
        description += " " + error["errorMessage"]
    lines = [description]
    stack = error.get("stackTrace")
    if stack is not None:
        lines.append("Traceback (most recent call last):")
        for element in stack:
            if element == "":
                lines.append("")
            else:
                lines.extend(_indent(line) for line in element.splitlines())
    sys.stdout.write(ERROR_LOG_LINE_TERMINATE.join(lines) + "\n")


def to_json(value):
    return json.dumps(value)


# ---- the handler ----------------------------------------------------------------------------

def load_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise Fault("Runtime.MalformedHandlerName", "Bad handler '{}': {}".format(handler, e))
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise Fault("Runtime.BuiltInModuleConflict",
                        "Cannot use built-in module {} as a handler module".format(modname))
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise Fault("Runtime.ImportModuleError", "Unable to import module '{}': {}".format(modname, e))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise Fault("Runtime.UserCodeSyntaxError", "Syntax error in module '{}': {}".format(modname, e), trace)
    try:
        return getattr(module, fname)
    except AttributeError:
        raise Fault("Runtime.HandlerNotFound", "Handler '{}' missing on module '{}'".format(fname, modname))


class CognitoIdentity:
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]


class Client:
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]


class ClientContext:
    __slots__ = ["custom", "env", "client"]


def _from_dict(cls, data):
    if data is None:
        return None
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, data.get(field))
    return obj


class LambdaContext:
    def __init__(self, request_id, client_context, cognito_identity, deadline_ms, invoked_function_arn):
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.client_context = _from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = _from_dict(Client, self.client_context.client)
        self.identity = _from_dict(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        remaining = self._deadline_ms - int(time.time() * 1000)
        return remaining if remaining > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return ("LambdaContext([aws_request_id={},log_group_name={},log_stream_name={},function_name={},"
                "memory_limit_in_mb={},function_version={},invoked_function_arn={},client_context={},"
                "identity={}])").format(
            self.aws_request_id, self.log_group_name, self.log_stream_name, self.function_name,
            self.memory_limit_in_mb, self.function_version, self.invoked_function_arn,
            self.client_context, self.identity)


def _parse_json_header(value, name):
    try:
        return json.loads(value)
    except Exception as e:
        raise Fault("Runtime.LambdaContextUnmarshalError", "Unable to parse {} JSON: {}".format(name, e))


def handle(api, handler, headers, body):
    global _request_id
    request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
    _request_id = request_id
    trace_id = headers.get("Lambda-Runtime-Trace-Id")
    if trace_id is not None:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    error = None
    try:
        client_context = headers.get("Lambda-Runtime-Client-Context")
        cognito = headers.get("Lambda-Runtime-Cognito-Identity")
        context = LambdaContext(
            request_id,
            _parse_json_header(client_context, "Client Context") if client_context else None,
            _parse_json_header(cognito, "Cognito Identity") if cognito else None,
            int(headers.get("Lambda-Runtime-Deadline-Ms") or 0),
            headers.get("Lambda-Runtime-Invoked-Function-Arn"))
        content_type = headers.get("Content-Type") or "application/json"
        if content_type == "application/json":
            try:
                event = json.loads(body)
            except Exception as e:
                raise Fault("Runtime.UnmarshalError", "Unable to unmarshal input: {}".format(e))
        else:
            event = body
        result = handler(event, context)
        if isinstance(result, bytes):
            payload, result_type = result, "application/unknown"
        else:
            try:
                payload, result_type = to_json(result).encode("utf-8"), "application/json"
            except Exception as e:
                raise Fault("Runtime.MarshalError", "Unable to marshal response: {}".format(e))
    except Fault as f:
        error = make_error(f.message, f.error_type, f.trace, request_id)
        cause = xray_cause("LambdaValidationError", f.message, [])
    except Exception as e:
        error, cause = fault_from_exception(e, request_id)
    if error is not None:
        log_error(error)
        api.post_error(request_id, error, cause)
    else:
        api.post_response(request_id, payload, result_type)


# ---- SnapStart ------------------------------------------------------------------------------

def run_before_snapshot(hooks):
    """Newest registration first, each removed as it runs (as awslambdaric's hooks runner)."""
    entries = hooks.get_before_snapshot()
    while entries:
        func, args, kwargs = entries.pop()
        func(*args, **kwargs)


def run_after_restore(hooks):
    for func, args, kwargs in hooks.get_after_restore():
        func(*args, **kwargs)


def reseed_random():
    """Give the `random` module fresh state from the kernel after a restore.

    Every env restored from one snapshot starts with the same copy of the interpreter, so the
    module-level Mersenne Twister seeded during Init would hand out the same "random" numbers in
    each of them (the reason CPython reseeds it in a forked child). os.urandom comes from the
    kernel, which is not part of the snapshot, so it differs per env. Only the module's shared
    instance is reseeded: random.Random() objects made by the function keep their state, and
    `secrets`, uuid.uuid4 and random.SystemRandom read os.urandom anyway. AWS's runtime does not
    promise this; portable code reseeds in its own after-restore hook.
    """
    module = sys.modules.get("random")
    if module is not None:
        module.seed(os.urandom(32))


def _snap_start_failed(exc, error_type, report, exit_code):
    error, _ = fault_from_exception(exc)
    log_error(error)
    try:
        report(error)
    except Exception as e:  # the exit status still tells the supervisor
        sys.stdout.write("[ERROR] LAMBDA_RUNTIME could not report %s: %s\n" % (error_type, e))
    sys.exit(exit_code)


def snap_start(api):
    """Before-snapshot hooks, the parked restore/next, then (restored) the after-restore hooks.

    Hooks are those registered in snapshot_restore_py, if the function imported it (the module
    object in sys.modules, so a copy bundled in the function's code works too). Any exception,
    BaseException included (as awslambdaric's bare except), fails the phase.
    """
    hooks = sys.modules.get(HOOKS_MODULE)
    try:
        if hooks is not None:
            run_before_snapshot(hooks)
        api.restore_next()
    except BaseException as e:
        _snap_start_failed(e, BEFORE_SNAPSHOT_ERROR,
                           lambda error: api.post_init_error(error, BEFORE_SNAPSHOT_ERROR),
                           EXIT_BEFORE_SNAPSHOT_ERROR)
    reseed_random()
    try:
        if hooks is not None:
            run_after_restore(hooks)
    except BaseException as e:
        _snap_start_failed(e, AFTER_RESTORE_ERROR, api.post_restore_error, EXIT_AFTER_RESTORE_ERROR)


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _request_id or ""
        return True


def setup_logging():
    logging.Formatter.converter = time.gmtime
    handler = logging.StreamHandler(sys.stdout)
    handler.terminator = ""
    handler.setFormatter(logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S"))
    handler.addFilter(_RequestIdFilter())
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    root = logging.getLogger()
    if level in logging._nameToLevel:
        root.setLevel(level)
    root.addHandler(handler)


class _Unbuffered:
    """stdout/stderr flushed on every write, so log lines reach the supervisor at once."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, msg):
        self.stream.write(msg)
        self.stream.flush()

    def writelines(self, msgs):
        self.stream.writelines(msgs)
        self.stream.flush()

    def __getattr__(self, attr):
        return getattr(self.stream, attr)


def main():
    sys.stdout = _Unbuffered(sys.stdout)
    sys.stderr = _Unbuffered(sys.stderr)
    task_root = os.environ.get("LAMBDA_TASK_ROOT", "/var/task")
    os.environ.setdefault("LAMBDA_TASK_ROOT", task_root)
    if task_root not in sys.path:
        sys.path.insert(0, task_root)
    api = RuntimeApi(os.environ.get("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"))
    setup_logging()
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except Exception as e:
        if isinstance(e, Fault):
            error = make_error(e.message, e.error_type, e.trace)
        else:
            error, _ = fault_from_exception(e)
        logging.warning(UNHANDLED_WARNING)
        log_error(error)
        api.post_init_error(error)
        sys.exit(1)
    if os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") == INIT_TYPE_SNAP_START:
        snap_start(api)
    while True:
        headers, body = api.next()
        handle(api, handler, headers, body)

