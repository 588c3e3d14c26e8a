package dev.flint.invoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.function.FunctionDefinition;
import dev.flint.function.Runtimes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per way an invocation fails, through real sandboxes: the caller's error (type and
 * message as Lambda words them), the platform log lines, whether the env survives, and that once
 * the service is closed nothing of this JVM is left: no flint-init, no mount under /run/flint, no
 * cgroup, no env dir.
 */
@RequiresSandboxHost(images = {"python3.11", "provided"})
class InvokeFailuresIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private SandboxStack stack;

    @BeforeEach
    void setUp() {
        stack = new SandboxStack(tmp.resolve("state"));
    }

    @AfterEach
    void noLeftovers() {
        stack.close();
        List<String> left = stack.leftovers();
        assertTrue(left.isEmpty(), "left behind after close: " + left + stack.transcript());
    }

    private FunctionSpec python(String resource, int timeoutSeconds) {
        return stack.python(resource, resource, timeoutSeconds, tmp);
    }

    private JsonNode json(InvokeResponse r) throws IOException {
        return JSON.readTree(r.payload());
    }

    private String report(InvokeResponse r) {
        return stack.lines("REPORT RequestId: " + r.requestId() + "\t").stream().findFirst()
                .orElseThrow(() -> new AssertionError("no REPORT for " + r.requestId() + stack.transcript()));
    }

    @Test
    void timeoutKillsTheEnvAndTheNextInvokeIsCold() throws IOException {
        FunctionSpec fn = python("sleepy", 1);

        InvokeResponse r = stack.invoke(fn, "{\"sleep\": 5}");

        assertEquals("Unhandled", r.functionError(), stack.transcript());
        assertEquals("Sandbox.Timedout", r.errorType());
        assertEquals("Sandbox.Timedout", json(r).get("errorType").asText());
        String message = json(r).get("errorMessage").asText();
        assertTrue(message.contains("Task timed out after 1.0"), message);
        assertTrue(r.durationNanos() >= 1_000_000_000L && r.durationNanos() < 3_000_000_000L,
                "the invoke ended at the 1 s timeout, not after the 5 s sleep: " + r.durationNanos());
        assertTrue(stack.log.contains("sleeping 5 s"), stack.transcript());
        assertTrue(stack.log.stream().anyMatch(l -> l.matches("\\S+Z " + r.requestId() + " Task timed out after 1\\.\\d\\d seconds")),
                stack.transcript());
        assertTrue(report(r).contains("\tStatus: timeout\t"), stack.transcript());
        assertEquals(0, stack.service.idleEnvironments(fn), "a timed-out env is killed, not kept warm");
        assertTrue(SandboxStack.ownFlintInits().isEmpty(), "the timed-out env's processes are gone before close: "
                + SandboxStack.ownFlintInits());

        InvokeResponse next = stack.invoke(fn, "{\"sleep\": 0}");
        assertFalse(next.failed(), SandboxStack.text(next.payload()) + stack.transcript());
        assertTrue(next.coldStart(), "after a reset the next invoke initialises a new env");
        assertEquals(2, stack.service.environmentsCreated());
        assertEquals("{\"slept\": 0}", SandboxStack.text(next.payload()));
    }

    @Test
    void runtimeExitIsRuntimeExitError() throws IOException {
        FunctionSpec fn = python("exit-3", 3);

        InvokeResponse r = stack.invoke(fn, "{}");

        assertEquals("Unhandled", r.functionError(), stack.transcript());
        assertEquals("Runtime.ExitError", r.errorType());
        assertEquals("Runtime.ExitError", json(r).get("errorType").asText());
        assertTrue(json(r).get("errorMessage").asText().endsWith("Runtime exited with error: exit status 3"),
                json(r).toString());
        assertTrue(stack.log.contains("about to exit 3"), stack.transcript());
        assertTrue(stack.log.contains("RequestId: " + r.requestId() + " Error: Runtime exited with error: exit status 3"),
                stack.transcript());
        assertTrue(stack.log.contains("Runtime.ExitError"), stack.transcript());
        assertTrue(report(r).endsWith("\tStatus: error\tError Type: Runtime.ExitError\t"), stack.transcript());
        assertEquals(0, stack.service.idleEnvironments(fn));
    }

    @Test
    void outOfMemoryIsRuntimeOutOfMemory() throws IOException {
        FunctionSpec fn = stack.create(FunctionDefinition.of("oom", Runtimes.PYTHON_311, "lambda_function.lambda_handler",
                SandboxStack.copyFunction("oom", tmp)).withMemoryMb(128).withTimeoutSeconds(20));

        InvokeResponse r = stack.invoke(fn, "{}");

        assertEquals("Runtime.OutOfMemory", r.errorType(), SandboxStack.text(r.payload()) + stack.transcript());
        assertEquals("Unhandled", r.functionError());
        assertEquals("Runtime.OutOfMemory", json(r).get("errorType").asText());
        assertTrue(json(r).get("errorMessage").asText().contains("Runtime exited with error: signal: killed"),
                json(r).toString());
        assertTrue(report(r).contains("\tMemory Size: 128 MB\tMax Memory Used: 128 MB\t"),
                "peak use is the limit: " + stack.transcript());
        assertTrue(report(r).endsWith("\tStatus: error\tError Type: Runtime.OutOfMemory\t"), stack.transcript());
        assertEquals(0, stack.service.idleEnvironments(fn));
    }

    @Test
    void importErrorFailsInitAndTheNextInvokeInitialisesAgain() throws IOException {
        FunctionSpec fn = python("import-missing", 3);

        InvokeResponse r = stack.invoke(fn, "{}");

        assertEquals("Unhandled", r.functionError(), stack.transcript());
        assertEquals("Runtime.ImportModuleError", r.errorType());
        JsonNode body = json(r);
        assertEquals("Runtime.ImportModuleError", body.get("errorType").asText());
        assertEquals("Unable to import module 'lambda_function': No module named 'flint_no_such_module'",
                body.get("errorMessage").asText());
        List<String> initReports = stack.lines("INIT_REPORT ");
        assertEquals(1, initReports.size(), stack.transcript());
        assertTrue(initReports.get(0).matches("INIT_REPORT Init Duration: \\d+\\.\\d\\d ms\tPhase: init\tStatus: error"
                + "\tError Type: Runtime.ImportModuleError"), stack.transcript());
        assertTrue(stack.log.stream().anyMatch(l -> l.startsWith("[ERROR] Runtime.ImportModuleError: Unable to import module")),
                "the runtime's own error line is logged" + stack.transcript());
        assertTrue(report(r).endsWith("\tStatus: error\tError Type: Runtime.ImportModuleError\t"), stack.transcript());
        assertEquals(0, stack.service.idleEnvironments(fn));

        InvokeResponse again = stack.invoke(fn, "{}");
        assertEquals("Runtime.ImportModuleError", again.errorType());
        assertEquals(2, stack.service.environmentsCreated(), "each invoke initialises afresh after an init failure");
        assertEquals(2, stack.lines("INIT_REPORT ").size());
    }

    /** ~25 s: the 10 s on-demand limit, then the suppressed Init of 12 s inside the invoke. */
    @Test
    void initBeyondTenSecondsIsRetriedInsideTheInvoke() throws IOException {
        FunctionSpec fn = python("slow-init", 30);

        InvokeResponse r = stack.invoke(fn, "{}");

        List<String> initReports = stack.lines("INIT_REPORT ");
        assertEquals(1, initReports.size(), stack.transcript());
        assertTrue(initReports.get(0).matches("INIT_REPORT Init Duration: 1\\d{4}\\.\\d\\d ms\tPhase: init\tStatus: timeout"),
                "Init stopped at the 10 s limit: " + stack.transcript());
        assertFalse(r.failed(), SandboxStack.text(r.payload()) + stack.transcript());
        assertEquals("{\"initialised\": true}", SandboxStack.text(r.payload()));
        assertEquals(2, stack.service.environmentsCreated(), "the suppressed Init ran in a fresh env");
        assertEquals(1, stack.service.idleEnvironments(fn), "the env of the suppressed Init is kept warm");
    }

    @Test
    void unhandledExceptionIsAFunctionErrorAndTheEnvStaysWarm() throws IOException {
        FunctionSpec fn = python("raise-boom", 3);

        InvokeResponse r = stack.invoke(fn, "{}");

        assertEquals("Unhandled", r.functionError(), stack.transcript());
        JsonNode body = json(r);
        assertEquals("boom", body.get("errorMessage").asText());
        assertEquals("ValueError", body.get("errorType").asText());
        assertEquals(r.requestId(), body.get("requestId").asText());
        assertTrue(body.get("stackTrace").isArray() && body.get("stackTrace").size() > 0, body.toString());
        assertTrue(body.get("stackTrace").get(0).asText().contains("lambda_function.py"), body.toString());
        assertTrue(stack.log.stream().anyMatch(l -> l.startsWith("[ERROR] ValueError: boom")), stack.transcript());
        assertFalse(report(r).contains("Status:"), "a function error is not an env failure: " + stack.transcript());

        InvokeResponse again = stack.invoke(fn, "{}");
        assertEquals("Unhandled", again.functionError());
        assertFalse(again.coldStart(), "the env survives an unhandled exception");
        assertEquals(1, stack.service.environmentsCreated());
    }

    @Test
    void malformedPayloadIsRejectedBeforeAnyEnvExists() {
        FunctionSpec fn = python("raise-boom", 3);

        InvokeException e = assertThrows(InvokeException.class, () -> stack.invoke(fn, "{not json"));

        assertEquals("InvalidRequestContentException", e.errorType());
        assertEquals(400, e.httpStatus());
        assertEquals(0, stack.service.environmentsCreated());
        assertTrue(stack.log.isEmpty(), stack.transcript());
    }

    @Test
    void oversizedPayloadIsRejectedBeforeAnyEnvExists() {
        FunctionSpec fn = python("raise-boom", 3);
        byte[] big = new byte[InvokeService.MAX_PAYLOAD_BYTES + 1];
        Arrays.fill(big, (byte) ' ');
        big[0] = '[';
        big[big.length - 1] = ']';

        InvokeException e = assertThrows(InvokeException.class,
                () -> stack.service.invoke(fn, big, stack.log::add));

        assertEquals("RequestTooLargeException", e.errorType());
        assertEquals(413, e.httpStatus());
        assertEquals(0, stack.service.environmentsCreated());
    }

    @Test
    void customRuntimeWhoseBootstrapExitsDuringInit() throws IOException {
        FunctionSpec fn = stack.create(FunctionDefinition.of("bootstrap-exit", Runtimes.PROVIDED, "function.handler",
                SandboxStack.copyFunction("bootstrap-exit", tmp)).withMemoryMb(SandboxStack.FAST_MB));

        InvokeResponse r = stack.invoke(fn, "{}");

        assertEquals("Unhandled", r.functionError(), stack.transcript());
        assertEquals("Runtime.ExitError", r.errorType());
        assertEquals("Runtime.ExitError", json(r).get("errorType").asText());
        assertTrue(json(r).get("errorMessage").asText().contains("Runtime exited with error: exit status 1"),
                json(r).toString());
        assertTrue(stack.log.contains("bootstrap: giving up"), stack.transcript());
        assertTrue(stack.lines("INIT_REPORT ").stream().anyMatch(l -> l.endsWith("\tStatus: error\tError Type: Runtime.ExitError")),
                stack.transcript());
    }

    @Test
    void customRuntimeWithoutBootstrapIsInvalidEntrypoint() throws IOException {
        FunctionSpec fn = stack.create(FunctionDefinition.of("no-bootstrap", Runtimes.PROVIDED, "function.handler",
                SandboxStack.copyFunction("no-bootstrap", tmp)).withMemoryMb(SandboxStack.FAST_MB));

        InvokeResponse r = stack.invoke(fn, "{}");

        assertEquals("Unhandled", r.functionError(), stack.transcript());
        assertEquals("Runtime.InvalidEntrypoint", r.errorType());
        JsonNode body = json(r);
        assertEquals("Runtime.InvalidEntrypoint", body.get("errorType").asText());
        assertTrue(body.get("errorMessage").asText().contains("Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]"),
                body.toString());
        assertTrue(stack.lines("INIT_REPORT ").stream()
                .anyMatch(l -> l.endsWith("\tStatus: error\tError Type: Runtime.InvalidEntrypoint")), stack.transcript());
        assertEquals(0, stack.service.idleEnvironments(fn));
    }

    /** The leftover probe of {@link #noLeftovers} can fail: it sees a warm env's process, cgroup and dir. */
    @Test
    void leftoverProbeSeesAWarmEnv() {
        FunctionSpec fn = python("sleepy", 3);
        InvokeResponse r = stack.invoke(fn, "{\"sleep\": 0}");
        assertFalse(r.failed(), stack.transcript());

        List<String> live = stack.leftovers();

        assertTrue(live.stream().anyMatch(l -> l.startsWith("process: flint-init")), live.toString());
        assertTrue(live.stream().anyMatch(l -> l.startsWith("cgroup: ")), live.toString());
        assertTrue(live.stream().anyMatch(l -> l.startsWith("env dir: " + SandboxStack.RUN_DIR.resolve("envs"))),
                live.toString());
    }
}
