"""flint's Python runtime client (images/python3.11/runtime) against a fake Runtime API.

Runs the real bootstrap as a subprocess with a small handler module, the Runtime API being a
local HTTP/1.1 server on 127.0.0.1 that records every request. Covers the SnapStart sequence
(AWS_LAMBDA_INITIALIZATION_TYPE=snap-start): hook order, the parked GET /runtime/restore/next,
the error reports and exit codes 64/65, the reseed of `random`; and that without snap-start
nothing of it happens. Stdlib only; run by PythonRuntimeClientTest (mvn test) or directly:

    python3 -m unittest discover -s launcher/src/test/python -v

FLINT_PYTHON_RUNTIME_DIR overrides where the runtime is (default: found from this file).

Java17CracTest runs AWS's Java RIC (the java17 image's /var/runtime/lib, FLINT_JAVA17_LIB) with
the JVM flags of images/java17/bootstrap and examples/snapstart-java's jar
(FLINT_SNAPSTART_JAVA_JAR) against the same fake: org.crac resources must reach the RIC's hooks.
It is skipped when those are not given (PythonRuntimeClientTest passes them when it finds them).
"""

import http.server
import json
import os
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import unittest

sys.dont_write_bytecode = True  # never leave __pycache__ in the image recipe (it is hashed)

RUNTIME_DIR = os.environ.get("FLINT_PYTHON_RUNTIME_DIR") or os.path.normpath(os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "images", "python3.11", "runtime"))
BOOTSTRAP = os.path.join(RUNTIME_DIR, "bootstrap")
JAVA17_BOOTSTRAP = os.path.join(RUNTIME_DIR, "..", "..", "java17", "bootstrap")
JAVA17_LIB = os.environ.get("FLINT_JAVA17_LIB", "")
SNAPSTART_JAVA_JAR = os.environ.get("FLINT_SNAPSTART_JAVA_JAR", "")
JAVA = os.environ.get("FLINT_JAVA", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java")
CRAC_COMPAT = "-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac"
PREFIX = "/2018-06-01/runtime"
WAIT = 15  # seconds; every wait is bounded so a broken runtime fails the test instead of hanging it

HANDLER = textwrap.dedent('''
    import os
    import random

    from snapshot_restore_py import register_after_restore, register_before_snapshot

    FAIL = os.environ.get("FAIL_HOOK", "")


    def trace(*parts):
        with open(os.environ["TRACE_FILE"], "a") as f:
            f.write(" ".join(str(p) for p in parts) + "\\n")


    def maybe_fail(name):
        if FAIL == name:
            raise ValueError("boom from " + name)


    trace("init")
    random.seed(1234)


    @register_before_snapshot
    def before_a():
        trace("before", "a")
        maybe_fail("before_a")


    def before_b(tag, suffix=""):
        trace("before", tag + suffix)
        maybe_fail("before_b")


    register_before_snapshot(before_b, "b", suffix="!")


    @register_after_restore
    def after_c():
        trace("after", "c")
        maybe_fail("after_c")


    def after_d(tag, n=0):
        trace("after", tag, n)
        maybe_fail("after_d")


    register_after_restore(after_d, "d", n=2)


    def lambda_handler(event, context):
        trace("invoke", context.aws_request_id)
        return {"random": random.random(), "event": event}
''')


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a runtime exiting is not an error
            super().handle_error(request, client_address)


class FakeRuntimeApi:
    """Serves a fixed list of events, parks restore/next until released, records every request."""

    def __init__(self, events, restore_status=200):
        self.events = list(events)
        self.restore_status = restore_status
        self.requests = []  # dicts: method, path, headers (lower-case names), body
        self.lock = threading.Lock()
        self.restore_parked = threading.Event()
        self.restore_release = threading.Event()
        self.idle = threading.Event()  # an invocation/next came with no event left to give
        self.stop = threading.Event()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                fake.handle(self)

            def do_POST(self):
                fake.handle(self)

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.address = "127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.stop.set()
        self.restore_release.set()
        self.server.shutdown()
        self.server.server_close()

    def calls(self):
        with self.lock:
            return [(r["method"], r["path"]) for r in self.requests]

    def find(self, method, path):
        with self.lock:
            return [r for r in self.requests if r["method"] == method and r["path"] == PREFIX + path]

    def handle(self, h):
        length = h.headers.get("Content-Length")
        body = h.rfile.read(int(length)) if length else b""
        request = {"method": h.command, "path": h.path, "body": body,
                   "headers": {k.lower(): v for k, v in h.headers.items()}}
        with self.lock:
            self.requests.append(request)
        path = h.path[len(PREFIX):] if h.path.startswith(PREFIX) else h.path
        if h.command == "GET" and path == "/restore/next":
            self.restore_parked.set()
            self.restore_release.wait(WAIT * 2)
            if self.stop.is_set():
                return self.hang_up(h)
            payload = b"" if self.restore_status == 200 else b'{"errorType":"Fake","errorMessage":"refused"}'
            return self.reply(h, self.restore_status, payload)
        if h.command == "GET" and path == "/invocation/next":
            with self.lock:
                event = self.events.pop(0) if self.events else None
            if event is None:
                self.idle.set()
                self.stop.wait(WAIT * 2)
                return self.hang_up(h)
            request_id, payload = event
            return self.reply(h, 200, json.dumps(payload).encode(), {
                "Lambda-Runtime-Aws-Request-Id": request_id,
                "Lambda-Runtime-Deadline-Ms": "9999999999999",
                "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:000000000000:function:f",
                "Content-Type": "application/json"})
        if h.command == "POST":
            return self.reply(h, 202, b'{"status":"OK"}')
        return self.reply(h, 404, b'{"errorType":"NotFound"}')

    @staticmethod
    def reply(h, status, payload, headers=None):
        h.send_response(status)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(payload)))
        h.end_headers()
        h.wfile.write(payload)
        h.wfile.flush()

    @staticmethod
    def hang_up(h):
        h.close_connection = True


def kill(proc):
    proc.kill()
    proc.wait(WAIT)


def stop_runtime(proc, api):
    """A test's end: kills the runtime if it still runs, closes its output and the fake API."""
    if proc is not None:
        if proc.poll() is None:
            kill(proc)
        proc.stdout.close()
    if api is not None:
        api.close()


class RuntimeCase(unittest.TestCase):
    """One runtime process per test, against its own fake Runtime API and task root."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="flint-ric-test-")
        self.task_root = os.path.join(self.tmp, "task")
        os.mkdir(self.task_root)
        with open(os.path.join(self.task_root, "lambda_function.py"), "w") as f:
            f.write(HANDLER)
        self.trace_file = os.path.join(self.tmp, "trace")
        open(self.trace_file, "w").close()
        self.api = None
        self.proc = None
        self.output = None

    def tearDown(self):
        stop_runtime(self.proc, self.api)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, init_type="snap-start", events=(("req-1", {"k": "v"}),), restore_status=200, fail_hook=None):
        self.api = FakeRuntimeApi(events, restore_status)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "AWS_LAMBDA_RUNTIME_API": self.api.address,
            "_HANDLER": "lambda_function.lambda_handler",
            "LAMBDA_TASK_ROOT": self.task_root,
            "TRACE_FILE": self.trace_file,
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        if init_type is not None:
            env["AWS_LAMBDA_INITIALIZATION_TYPE"] = init_type
        if fail_hook:
            env["FAIL_HOOK"] = fail_hook
        self.proc = subprocess.Popen([sys.executable, BOOTSTRAP], env=env, cwd=self.task_root,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def trace(self):
        with open(self.trace_file) as f:
            return f.read().splitlines()

    def wait_exit(self):
        try:
            code = self.proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            kill(self.proc)
            self.fail("the runtime did not exit; requests: %s; trace: %s" % (self.api.calls(), self.trace()))
        self.output = self.proc.stdout.read().decode("utf-8", "replace")
        return code

    def stop_idle(self):
        """Waits for the runtime to park in invocation/next with no event left, then stops it."""
        idle = self.api.idle.wait(WAIT)
        kill(self.proc)
        self.output = self.proc.stdout.read().decode("utf-8", "replace")
        self.assertTrue(idle, "the runtime never came back to invocation/next: %s\n%s"
                        % (self.api.calls(), self.output))

    def context(self):
        return "\nrequests: %s\ntrace: %s\noutput:\n%s" % (
            self.api.calls() if self.api else None, self.trace(), self.output)

    def response(self, request_id):
        posted = self.api.find("POST", "/invocation/%s/response" % request_id)
        self.assertEqual(1, len(posted), self.context())
        return json.loads(posted[0]["body"])


class SnapStartTest(RuntimeCase):

    def test_hooks_run_around_restore_next_in_aws_order(self):
        self.start()
        self.assertTrue(self.api.restore_parked.wait(WAIT), "no restore/next" + self.context())
        # Parked: Init and the before-snapshot hooks (newest first) ran, nothing after them.
        self.assertEqual(["init", "before b!", "before a"], self.trace(), self.context())
        self.assertEqual([("GET", PREFIX + "/restore/next")], self.api.calls())

        self.api.restore_release.set()
        self.stop_idle()

        self.assertEqual(["init", "before b!", "before a", "after c", "after d 2", "invoke req-1"],
                         self.trace(), self.context())
        self.assertEqual([("GET", PREFIX + "/restore/next"),
                          ("GET", PREFIX + "/invocation/next"),
                          ("POST", PREFIX + "/invocation/req-1/response"),
                          ("GET", PREFIX + "/invocation/next")], self.api.calls(), self.context())
        self.assertEqual({"k": "v"}, self.response("req-1")["event"])

    def test_restore_next_is_a_plain_get(self):
        self.start()
        self.assertTrue(self.api.restore_parked.wait(WAIT), "no restore/next" + self.context())
        (request,) = self.api.find("GET", "/restore/next")
        self.assertEqual(b"", request["body"])
        self.assertNotIn("content-length", request["headers"])
        self.assertNotIn("transfer-encoding", request["headers"])
        self.assertEqual(self.api.address, request["headers"]["host"])

    def test_random_is_reseeded_after_restore(self):
        self.start()
        self.assertTrue(self.api.restore_parked.wait(WAIT), "no restore/next" + self.context())
        self.api.restore_release.set()
        self.stop_idle()
        seeded = random.Random(1234).random()  # what Init's random.seed(1234) would give next
        self.assertNotEqual(seeded, self.response("req-1")["random"], self.context())

    def test_before_snapshot_error(self):
        self.start(fail_hook="before_b")  # registered last, so it runs first
        self.assertEqual(64, self.wait_exit(), self.context())

        self.assertEqual(["init", "before b!"], self.trace(), "the older hook must not run" + self.context())
        self.assertEqual([("POST", PREFIX + "/init/error")], self.api.calls(), "no restore/next" + self.context())
        (posted,) = self.api.find("POST", "/init/error")
        self.assertEqual("Runtime.BeforeSnapshotError", posted["headers"]["lambda-runtime-function-error-type"])
        error = json.loads(posted["body"])
        self.assertEqual("ValueError", error["errorType"])
        self.assertEqual("boom from before_b", error["errorMessage"])
        self.assertEqual("", error["requestId"])
        self.assertIn("lambda_function.py", "".join(error["stackTrace"]))
        self.assertNotIn("flint_ric.py", "".join(error["stackTrace"]), "runtime frames are dropped")
        self.assertIn("[ERROR] ValueError: boom from before_b", self.output)

    def test_restore_next_refused_is_a_before_snapshot_error(self):
        self.start(restore_status=403)
        self.api.restore_release.set()
        self.assertEqual(64, self.wait_exit(), self.context())

        self.assertEqual(["init", "before b!", "before a"], self.trace(), self.context())
        (posted,) = self.api.find("POST", "/init/error")
        self.assertEqual("Runtime.BeforeSnapshotError", posted["headers"]["lambda-runtime-function-error-type"])
        self.assertIn("restore/next answered 403", json.loads(posted["body"])["errorMessage"])
        self.assertEqual([], self.api.find("GET", "/invocation/next"), self.context())

    def test_after_restore_error(self):
        self.start(fail_hook="after_c")  # registered first, so it runs first
        self.assertTrue(self.api.restore_parked.wait(WAIT), "no restore/next" + self.context())
        self.api.restore_release.set()
        self.assertEqual(65, self.wait_exit(), self.context())

        self.assertEqual(["init", "before b!", "before a", "after c"], self.trace(), self.context())
        self.assertEqual([("GET", PREFIX + "/restore/next"), ("POST", PREFIX + "/restore/error")],
                         self.api.calls(), "no invocation/next after a failed restore" + self.context())
        (posted,) = self.api.find("POST", "/restore/error")
        self.assertEqual("Runtime.AfterRestoreError", posted["headers"]["lambda-runtime-function-error-type"])
        self.assertEqual("application/json", posted["headers"]["content-type"])
        error = json.loads(posted["body"])
        self.assertEqual("ValueError", error["errorType"])
        self.assertEqual("boom from after_c", error["errorMessage"])
        self.assertIn("lambda_function.py", "".join(error["stackTrace"]))
        self.assertIn("[ERROR] ValueError: boom from after_c", self.output)


class OnDemandTest(RuntimeCase):
    """Without snap-start nothing changes: no hooks, no restore/next, `random` as Init left it."""

    def check_unchanged(self):
        self.stop_idle()
        self.assertEqual(["init", "invoke req-1"], self.trace(), self.context())
        self.assertEqual([("GET", PREFIX + "/invocation/next"),
                          ("POST", PREFIX + "/invocation/req-1/response"),
                          ("GET", PREFIX + "/invocation/next")], self.api.calls(), self.context())
        self.assertEqual(random.Random(1234).random(), self.response("req-1")["random"])

    def test_on_demand(self):
        self.start(init_type="on-demand")
        self.check_unchanged()

    def test_no_initialization_type(self):
        self.start(init_type=None)
        self.check_unchanged()

    def test_failing_hooks_are_never_run(self):
        self.start(init_type="provisioned-concurrency", fail_hook="before_a")
        self.check_unchanged()


def java17_bootstrap_flags():
    """The JVM options images/java17/bootstrap passes (the words between `java` and `-cp`), without
    the ones it computes at run time (shell variables such as $SNAPSTART_OPTS)."""
    with open(JAVA17_BOOTSTRAP) as f:
        text = f.read().replace("\\\n", " ")
    line = next(l for l in text.splitlines() if l.strip().startswith("exec java"))
    words = shlex.split(line)
    return [w for w in words[2:words.index("-cp")] if not w.startswith("$")]


@unittest.skipUnless(os.path.isdir(JAVA17_LIB) and os.path.isfile(SNAPSTART_JAVA_JAR) and os.access(JAVA, os.X_OK),
                     "needs FLINT_JAVA17_LIB (the java17 image's /var/runtime/lib), FLINT_SNAPSTART_JAVA_JAR"
                     " (examples/snapstart-java/target/snapstart-java.jar) and a Java 17 at FLINT_JAVA")
class Java17CracTest(unittest.TestCase):
    """AWS's RIC with the image's JVM flags runs the org.crac hooks of examples/snapstart-java."""

    def setUp(self):
        self.api = None
        self.proc = None
        self.output = ""

    def tearDown(self):
        stop_runtime(self.proc, self.api)

    def start(self, flags, **env_extra):
        self.api = FakeRuntimeApi([("req-1", {})])
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "AWS_LAMBDA_RUNTIME_API": self.api.address,
               "_HANDLER": "example.SnapStartHandler::handleRequest", "LAMBDA_TASK_ROOT": "/nonexistent",
               "AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start", **env_extra}
        cmd = [JAVA, *flags, "-cp", os.path.join(JAVA17_LIB, "*") + ":" + SNAPSTART_JAVA_JAR,
               "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", env["_HANDLER"]]
        self.proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)

    def finish(self):
        """Stops the RIC (if still running) and returns its exit status (None if it was killed)."""
        try:
            code = self.proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            kill(self.proc)
            code = None
        self.output = self.proc.stdout.read().decode("utf-8", "replace")
        return code

    def context(self):
        return "\nrequests: %s\noutput:\n%s" % (self.api.calls(), self.output)

    def restored_response(self, flags):
        self.start(flags)
        self.assertTrue(self.api.restore_parked.wait(WAIT * 2), "no restore/next" + self.context())
        self.api.restore_release.set()
        idle = self.api.idle.wait(WAIT)
        self.proc.kill()
        self.finish()
        self.assertTrue(idle, "no second invocation/next" + self.context())
        (posted,) = self.api.find("POST", "/invocation/req-1/response")
        return json.loads(posted["body"])

    def test_the_bootstrap_passes_the_crac_compat_flag(self):
        self.assertIn(CRAC_COMPAT, java17_bootstrap_flags())

    def test_org_crac_resources_run_around_restore_next(self):
        response = self.restored_response(java17_bootstrap_flags())
        self.assertEqual(1, response["beforeCheckpointCalls"], self.context())
        self.assertEqual(1, response["afterRestoreCalls"], self.context())
        self.assertIn("beforeCheckpoint #1", self.output)
        self.assertIn("afterRestore #1", self.output)

    def test_without_the_flag_org_crac_drops_them(self):
        flags = [f for f in java17_bootstrap_flags() if f != CRAC_COMPAT]
        response = self.restored_response(flags)
        self.assertEqual(0, response["beforeCheckpointCalls"], self.context())
        self.assertEqual(0, response["afterRestoreCalls"], self.context())

    def test_before_checkpoint_error(self):
        self.start(java17_bootstrap_flags(), FAIL_BEFORE_SNAPSHOT="1")
        self.assertEqual(64, self.finish(), self.context())
        self.assertEqual([("POST", PREFIX + "/init/error")], self.api.calls(), self.context())
        (posted,) = self.api.find("POST", "/init/error")
        self.assertEqual("Runtime.BeforeCheckpointError", posted["headers"]["lambda-runtime-function-error-type"])

    def test_after_restore_error(self):
        self.start(java17_bootstrap_flags(), FAIL_AFTER_RESTORE="1")
        self.assertTrue(self.api.restore_parked.wait(WAIT * 2), "no restore/next" + self.context())
        self.api.restore_release.set()
        self.assertEqual(64, self.finish(), self.context())
        self.assertEqual([("GET", PREFIX + "/restore/next"), ("POST", PREFIX + "/restore/error")],
                         self.api.calls(), self.context())
        (posted,) = self.api.find("POST", "/restore/error")
        self.assertEqual("Runtime.AfterRestoreError", posted["headers"]["lambda-runtime-function-error-type"])


class HooksModuleTest(unittest.TestCase):
    """snapshot_restore_py itself: AWS's API (decorator or call, with arguments)."""

    def setUp(self):
        sys.path.insert(0, RUNTIME_DIR)
        try:
            import snapshot_restore_py
        finally:
            sys.path.remove(RUNTIME_DIR)
        self.hooks = snapshot_restore_py
        del self.hooks.get_before_snapshot()[:]
        del self.hooks.get_after_restore()[:]

    def test_decorators_return_the_function(self):
        def f():
            return 1

        self.assertIs(f, self.hooks.register_before_snapshot(f))
        self.assertIs(f, self.hooks.register_after_restore(f))
        self.assertEqual([(f, (), {})], self.hooks.get_before_snapshot())
        self.assertEqual([(f, (), {})], self.hooks.get_after_restore())

    def test_calls_keep_arguments_in_registration_order(self):
        def f(*args, **kwargs):
            pass

        self.hooks.register_after_restore(f, 1)
        self.hooks.register_after_restore(f, 2, arg1="Lambda", arg2="SnapStart")
        self.assertEqual([(f, (1,), {}), (f, (2,), {"arg1": "Lambda", "arg2": "SnapStart"})],
                         self.hooks.get_after_restore())
        self.assertEqual(["register_before_snapshot", "register_after_restore"], self.hooks.__all__)


if __name__ == "__main__":
    unittest.main()
