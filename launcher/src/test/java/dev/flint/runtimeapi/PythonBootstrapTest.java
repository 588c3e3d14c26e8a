package dev.flint.runtimeapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** images/python3.11/runtime/bootstrap run as a host process against the TCP Runtime API. */
class PythonBootstrapTest {

    private static final Path BOOTSTRAP = HostRuntimeFixture.projectRoot().resolve("images/python3.11/runtime/bootstrap");

    @TempDir
    Path task;
    private HostRuntimeFixture fx;

    @BeforeEach
    void setUp() {
        fx = new HostRuntimeFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    private Process run(Path taskRoot, String handler) throws Exception {
        return fx.start(List.of("python3", BOOTSTRAP.toString()), taskRoot, Map.of(
                "_HANDLER", handler,
                "AWS_LAMBDA_FUNCTION_NAME", "fn",
                "AWS_LAMBDA_FUNCTION_VERSION", "$LATEST",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128",
                "AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/fn",
                "AWS_LAMBDA_LOG_STREAM_NAME", "2026/01/01/[$LATEST]abc"));
    }

    private InitOutcome init() throws Exception {
        try {
            return fx.server.initOutcome().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("init did not finish; runtime output:\n" + fx.output(), e);
        }
    }

    private InvocationResult invoke(String id, String event, long deadline) throws Exception {
        try {
            return fx.server.invoke(new Invocation(id, event.getBytes(StandardCharsets.UTF_8), deadline,
                    "arn:aws:lambda:us-east-1:123456789012:function:fn", "Root=1-abc;Parent=def;Sampled=0",
                    "{\"custom\":{\"k\":\"v\"},\"env\":{},\"client\":{\"app_title\":\"app\"}}",
                    "{\"cognitoIdentityId\":\"cid\",\"cognitoIdentityPoolId\":\"pool\"}"))
                    .get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no result; runtime output:\n" + fx.output(), e);
        }
    }

    private static JsonNode json(byte[] bytes) throws Exception {
        return Responses.JSON.readTree(bytes);
    }

    @Test
    void helloPythonExampleReturnsItsPayload() throws Exception {
        run(HostRuntimeFixture.projectRoot().resolve("examples/hello-python"), "lambda_function.lambda_handler");
        assertTrue(init().isReady());
        InvocationResult r = invoke("r1", "{}", System.currentTimeMillis() + 3000);
        InvocationResult.Success ok = assertInstanceOf(InvocationResult.Success.class, r, fx::toString);
        assertEquals("{\"statusCode\": 200, \"body\": \"Hello World\"}", new String(ok.payload(), StandardCharsets.UTF_8));
        assertEquals("application/json", ok.contentType());
        // the same process serves a second event over the same connection
        assertInstanceOf(InvocationResult.Success.class, invoke("r2", "{}", System.currentTimeMillis() + 3000));
    }

    @Test
    void contextFieldsReachTheHandler() throws Exception {
        Files.createDirectories(task.resolve("pkg"));
        Files.writeString(task.resolve("pkg/__init__.py"), "");
        Files.writeString(task.resolve("pkg/ctx.py"), String.join("\n",
                "import os",
                "def handler(event, context):",
                "    print('in handler')",
                "    return {",
                "        'event': event,",
                "        'aws_request_id': context.aws_request_id,",
                "        'function_name': context.function_name,",
                "        'function_version': context.function_version,",
                "        'invoked_function_arn': context.invoked_function_arn,",
                "        'memory_limit_in_mb': context.memory_limit_in_mb,",
                "        'log_group_name': context.log_group_name,",
                "        'log_stream_name': context.log_stream_name,",
                "        'remaining': context.get_remaining_time_in_millis(),",
                "        'cognito_identity_id': context.identity.cognito_identity_id,",
                "        'cognito_identity_pool_id': context.identity.cognito_identity_pool_id,",
                "        'client_custom': context.client_context.custom,",
                "        'client_app_title': context.client_context.client.app_title,",
                "        'trace': os.environ.get('_X_AMZN_TRACE_ID'),",
                "    }",
                ""));
        run(task, "pkg/ctx.handler");
        assertTrue(init().isReady());
        long deadline = System.currentTimeMillis() + 60_000;
        InvocationResult r = invoke("ctx-1", "{\"a\":[1,2]}", deadline);
        JsonNode n = json(assertInstanceOf(InvocationResult.Success.class, r).payload());
        assertEquals("{\"a\":[1,2]}", n.get("event").toString());
        assertEquals("ctx-1", n.get("aws_request_id").asText());
        assertEquals("fn", n.get("function_name").asText());
        assertEquals("$LATEST", n.get("function_version").asText());
        assertEquals("arn:aws:lambda:us-east-1:123456789012:function:fn", n.get("invoked_function_arn").asText());
        assertEquals("128", n.get("memory_limit_in_mb").asText());
        assertEquals("/aws/lambda/fn", n.get("log_group_name").asText());
        assertEquals("2026/01/01/[$LATEST]abc", n.get("log_stream_name").asText());
        long remaining = n.get("remaining").asLong();
        assertTrue(remaining > 50_000 && remaining <= 60_000, "remaining " + remaining);
        assertEquals("cid", n.get("cognito_identity_id").asText());
        assertEquals("pool", n.get("cognito_identity_pool_id").asText());
        assertEquals("{\"k\":\"v\"}", n.get("client_custom").toString());
        assertEquals("app", n.get("client_app_title").asText());
        assertEquals("Root=1-abc;Parent=def;Sampled=0", n.get("trace").asText());
        assertTrue(fx.output().contains("in handler\n"), fx.output());
    }

    @Test
    void unhandledExceptionBecomesFunctionErrorWithStackTrace() throws Exception {
        Files.writeString(task.resolve("boom.py"), String.join("\n",
                "def helper():",
                "    raise ValueError('bad value')",
                "def handler(event, context):",
                "    helper()",
                ""));
        run(task, "boom.handler");
        init();
        InvocationResult r = invoke("err-1", "{}", System.currentTimeMillis() + 3000);
        InvocationResult.FunctionError err = assertInstanceOf(InvocationResult.FunctionError.class, r);
        assertEquals("Unhandled", err.errorType());
        JsonNode n = json(err.errorJson());
        assertEquals("bad value", n.get("errorMessage").asText());
        assertEquals("ValueError", n.get("errorType").asText());
        assertEquals("err-1", n.get("requestId").asText());
        JsonNode stack = n.get("stackTrace");
        assertEquals(2, stack.size(), stack.toString());
        String boom = task.resolve("boom.py").toString();
        assertEquals("  File \"" + boom + "\", line 4, in handler\n    helper()\n", stack.get(0).asText());
        assertEquals("  File \"" + boom + "\", line 2, in helper\n    raise ValueError('bad value')\n", stack.get(1).asText());
        String log = fx.output();
        assertTrue(log.contains("[ERROR] ValueError: bad value\rTraceback (most recent call last):\r\u00a0\u00a0File \"" + boom + "\", line 4, in handler\r"), log);
    }

    @Test
    void nonSerialisableResultIsMarshalError() throws Exception {
        Files.writeString(task.resolve("m.py"), "def handler(event, context):\n    return {'s': {1, 2}}\n");
        run(task, "m.handler");
        init();
        JsonNode n = json(assertInstanceOf(InvocationResult.FunctionError.class,
                invoke("m-1", "{}", System.currentTimeMillis() + 3000)).errorJson());
        assertEquals("Runtime.MarshalError", n.get("errorType").asText());
        assertEquals("Unable to marshal response: Object of type set is not JSON serializable", n.get("errorMessage").asText());
        assertEquals(0, n.get("stackTrace").size());
    }

    @Test
    void noneResultIsJsonNull() throws Exception {
        Files.writeString(task.resolve("n.py"), "def handler(event, context):\n    return None\n");
        run(task, "n.handler");
        init();
        InvocationResult.Success ok = assertInstanceOf(InvocationResult.Success.class, invoke("n-1", "{}", System.currentTimeMillis() + 3000));
        assertEquals("null", new String(ok.payload(), StandardCharsets.UTF_8));
    }

    private InitOutcome.Failed initFailure(Path taskRoot, String handler) throws Exception {
        Process p = run(taskRoot, handler);
        InitOutcome.Failed failed = assertInstanceOf(InitOutcome.Failed.class, init());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "runtime must exit after an init error");
        assertEquals(1, p.exitValue());
        return failed;
    }

    @Test
    void missingModuleIsImportModuleError() throws Exception {
        InitOutcome.Failed f = initFailure(task, "nosuch.handler");
        assertEquals("Runtime.ImportModuleError", f.errorType());
        assertEquals("{\"errorMessage\": \"Unable to import module 'nosuch': No module named 'nosuch'\", "
                + "\"errorType\": \"Runtime.ImportModuleError\", \"requestId\": \"\", \"stackTrace\": []}",
                new String(f.errorJson(), StandardCharsets.UTF_8));
        String log = fx.output();
        assertTrue(log.contains("[ERROR] Runtime.ImportModuleError: Unable to import module 'nosuch': No module named 'nosuch'\rTraceback (most recent call last):\n"), log);
        assertTrue(log.contains("[WARNING]\t"), log);
        assertTrue(log.contains("LAMBDA_WARNING: Unhandled exception."), log);
    }

    @Test
    void missingFunctionIsHandlerNotFound() throws Exception {
        Files.writeString(task.resolve("mod.py"), "def other(event, context):\n    return 1\n");
        InitOutcome.Failed f = initFailure(task, "mod.handler");
        assertEquals("Runtime.HandlerNotFound", f.errorType());
        JsonNode n = json(f.errorJson());
        assertEquals("Handler 'handler' missing on module 'mod'", n.get("errorMessage").asText());
        assertEquals("Runtime.HandlerNotFound", n.get("errorType").asText());
    }

    @Test
    void syntaxErrorIsUserCodeSyntaxError() throws Exception {
        Files.writeString(task.resolve("broken.py"), "def handler(event, context)\n    return 1\n");
        InitOutcome.Failed f = initFailure(task, "broken.handler");
        assertEquals("Runtime.UserCodeSyntaxError", f.errorType());
        JsonNode n = json(f.errorJson());
        assertEquals("Syntax error in module 'broken': expected ':' (broken.py, line 1)", n.get("errorMessage").asText());
        assertEquals("  File \"" + task.resolve("broken.py") + "\" Line 1\n    def handler(event, context)\n",
                n.get("stackTrace").get(0).asText());
    }

    @Test
    void handlerWithoutADotIsMalformedHandlerName() throws Exception {
        InitOutcome.Failed f = initFailure(task, "nodot");
        assertEquals("Runtime.MalformedHandlerName", f.errorType());
        assertEquals("Bad handler 'nodot': not enough values to unpack (expected 2, got 1)",
                json(f.errorJson()).get("errorMessage").asText());
    }
}
