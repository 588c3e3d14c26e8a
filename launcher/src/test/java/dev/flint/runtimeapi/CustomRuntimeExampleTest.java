package dev.flint.runtimeapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/custom-runtime/bootstrap (sh + curl) run on the host against the TCP Runtime API. */
class CustomRuntimeExampleTest {

    private static final Path EXAMPLE = HostRuntimeFixture.projectRoot().resolve("examples/custom-runtime");

    private HostRuntimeFixture fx;

    @BeforeEach
    void setUp() {
        fx = new HostRuntimeFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    private InvocationResult invoke(String id, String event) throws Exception {
        try {
            return fx.server.invoke(new Invocation(id, event.getBytes(StandardCharsets.UTF_8),
                    System.currentTimeMillis() + 3000, "arn:aws:lambda:us-east-1:123456789012:function:sh",
                    "Root=1-x", null, null)).get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no result; runtime output:\n" + fx.output(), e);
        }
    }

    @Test
    void greetsThenReportsAHandlerFailure() throws Exception {
        fx.start(List.of("/bin/sh", EXAMPLE.resolve("bootstrap").toString()), EXAMPLE, Map.of("_HANDLER", "function.handler"));
        assertTrue(fx.server.initOutcome().get(20, TimeUnit.SECONDS).isReady(), fx::toString);

        InvocationResult.Success ok = assertInstanceOf(InvocationResult.Success.class, invoke("c-1", "{\"name\":\"flint\"}"));
        assertEquals("{\"message\":\"Hello from a custom runtime!\",\"event\":{\"name\":\"flint\"}}",
                new String(ok.payload(), StandardCharsets.UTF_8));

        InvocationResult.FunctionError err = assertInstanceOf(InvocationResult.FunctionError.class, invoke("c-2", "{\"x\":\"fail\"}"));
        assertEquals("Function.HandlerError", err.errorType());
        assertEquals("{\"errorMessage\":\"handler handler exited with status 3\",\"errorType\":\"HandlerError\"}",
                new String(err.errorJson(), StandardCharsets.UTF_8));

        assertInstanceOf(InvocationResult.Success.class, invoke("c-3", "[]"), "the loop goes on after an error");
        assertTrue(fx.output().contains("handling: {\"name\":\"flint\"}"), fx.output());
    }

    @Test
    void missingHandlerFileIsAnInitError(@TempDir Path empty) throws Exception {
        Process p = fx.start(List.of("/bin/sh", EXAMPLE.resolve("bootstrap").toString()), empty, Map.of("_HANDLER", "function.handler"));
        InitOutcome.Failed f = assertInstanceOf(InitOutcome.Failed.class, fx.server.initOutcome().get(20, TimeUnit.SECONDS));
        assertEquals("Runtime.HandlerNotFound", f.errorType());
        assertEquals("{\"errorMessage\":\"handler file not found: function.sh\",\"errorType\":\"Runtime.HandlerNotFound\"}",
                new String(f.errorJson(), StandardCharsets.UTF_8));
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue());
    }
}
