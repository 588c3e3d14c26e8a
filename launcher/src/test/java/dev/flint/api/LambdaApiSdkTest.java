package dev.flint.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionEventInvokeConfigResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.ListFunctionsResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.PreconditionFailedException;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.lambda.model.State;
import software.amazon.awssdk.services.lambda.model.ThrottleReason;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/**
 * The real AWS SDK for Java v2 against the API with a fake invoker: every operation parses, and
 * errors come out as the SDK's typed exceptions. No root, no sandboxes.
 */
class LambdaApiSdkTest {
    @TempDir Path tmp;
    ApiFixture f;
    LambdaClient lambda;

    @BeforeEach
    void setUp() {
        f = new ApiFixture(tmp);
        lambda = f.sdk();
    }

    @AfterEach
    void tearDown() {
        lambda.close();
        f.close();
    }

    private CreateFunctionResponse create(String name) {
        return lambda.createFunction(b -> b.functionName(name).runtime(Runtime.PYTHON3_11)
                .role("arn:aws:iam::000000000000:role/r").handler("lambda_function.lambda_handler")
                .code(c -> c.zipFile(SdkBytes.fromByteArray(ApiFixture.helloZip()))));
    }

    @Test
    void functionLifecycle() {
        CreateFunctionResponse c = create("hello");
        assertEquals("hello", c.functionName());
        assertEquals(State.ACTIVE, c.state());
        assertEquals("$LATEST", c.version());
        assertEquals(128, c.memorySize());

        GetFunctionResponse g = lambda.getFunction(b -> b.functionName("hello"));
        assertEquals(c.codeSha256(), g.configuration().codeSha256());
        assertEquals("S3", g.code().repositoryType());
        assertNull(g.concurrency());

        var u = lambda.updateFunctionConfiguration(b -> b.functionName("hello").memorySize(256)
                .environment(e -> e.variables(Map.of("GREETING", "hi"))));
        assertEquals(256, u.memorySize());
        assertEquals("hi", u.environment().variables().get("GREETING"));
        assertThrows(PreconditionFailedException.class, () -> lambda.updateFunctionConfiguration(
                b -> b.functionName("hello").timeout(5).revisionId(c.revisionId())));

        InvokeResponse r = lambda.invoke(b -> b.functionName("hello").payload(SdkBytes.fromUtf8String("{\"a\":1}"))
                .logType(LogType.TAIL));
        assertEquals(200, r.statusCode());
        assertEquals("{\"a\":1}", r.payload().asUtf8String());
        assertEquals("$LATEST", r.executedVersion());
        assertNull(r.functionError());
        assertTrue(new String(java.util.Base64.getDecoder().decode(r.logResult()), StandardCharsets.UTF_8)
                .startsWith("START RequestId: "));

        assertEquals(202, lambda.invoke(b -> b.functionName("hello").invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String("{}"))).statusCode());
        assertEquals(204, lambda.invoke(b -> b.functionName("hello").invocationType(InvocationType.DRY_RUN))
                .statusCode());

        lambda.deleteFunction(b -> b.functionName("hello"));
        assertThrows(ResourceNotFoundException.class, () -> lambda.getFunction(b -> b.functionName("hello")));
    }

    @Test
    void versionsAndAliases() {
        create("hello");
        var v1 = lambda.publishVersion(b -> b.functionName("hello").description("first"));
        assertEquals("1", v1.version());
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:hello:1", v1.functionArn());
        lambda.updateFunctionConfiguration(b -> b.functionName("hello").timeout(7));
        var v2 = lambda.publishVersion(b -> b.functionName("hello"));
        assertEquals("2", v2.version());
        assertEquals(3, lambda.listVersionsByFunction(b -> b.functionName("hello")).versions().size());

        var live = lambda.createAlias(b -> b.functionName("hello").name("live").functionVersion("1")
                .routingConfig(rc -> rc.additionalVersionWeights(Map.of("2", 0.25))));
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:hello:live", live.aliasArn());
        assertEquals(0.25, live.routingConfig().additionalVersionWeights().get("2"));
        assertThrows(ResourceConflictException.class, () -> lambda.createAlias(b -> b.functionName("hello")
                .name("live").functionVersion("1")));

        int v2Count = 0;
        for (int i = 0; i < 400; i++) {
            InvokeResponse r = lambda.invoke(b -> b.functionName("hello").qualifier("live"));
            assertTrue(r.executedVersion().equals("1") || r.executedVersion().equals("2"), r.executedVersion());
            v2Count += r.executedVersion().equals("2") ? 1 : 0;
        }
        // binomial(400, 0.25): mean 100, sd ≈ 8.7; ±5 sd
        assertTrue(v2Count > 56 && v2Count < 144, "version 2 ran " + v2Count + " of 400 times");
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:hello:live",
                f.invoked.get(0).invokedFunctionArn());

        var updated = lambda.updateAlias(b -> b.functionName("hello").name("live").functionVersion("2")
                .routingConfig(rc -> rc.additionalVersionWeights(Map.of())));
        assertEquals("2", updated.functionVersion());
        assertNull(updated.routingConfig());
        assertEquals("2", lambda.invoke(b -> b.functionName("hello:live")).executedVersion());
        assertEquals("2", lambda.getAlias(b -> b.functionName("hello").name("live")).functionVersion());
        assertEquals(1, lambda.listAliases(b -> b.functionName("hello")).aliases().size());

        assertThrows(ResourceConflictException.class, () -> lambda.deleteFunction(b -> b.functionName("hello").qualifier("2")));
        lambda.deleteAlias(b -> b.functionName("hello").name("live"));
        assertThrows(ResourceNotFoundException.class, () -> lambda.getAlias(b -> b.functionName("hello").name("live")));
        lambda.deleteFunction(b -> b.functionName("hello").qualifier("1"));
        assertThrows(ResourceNotFoundException.class, () -> lambda.invoke(b -> b.functionName("hello").qualifier("1")));
        assertEquals(2, lambda.listVersionsByFunction(b -> b.functionName("hello")).versions().size());
    }

    @Test
    void listFunctionsPaginator() {
        for (int i = 0; i < 7; i++) {
            create("fn" + i);
        }
        lambda.publishVersion(b -> b.functionName("fn0"));
        ListFunctionsResponse page = lambda.listFunctions(b -> b.maxItems(3));
        assertEquals(3, page.functions().size());
        assertTrue(page.nextMarker() != null);
        assertEquals(7, lambda.listFunctionsPaginator(b -> b.maxItems(2)).functions().stream().count());
        assertEquals(8, lambda.listFunctionsPaginator(b -> b.functionVersion("ALL")).functions().stream().count());
    }

    @Test
    void concurrencyAndAccountSettings() {
        create("hello");
        assertNull(lambda.getFunctionConcurrency(b -> b.functionName("hello")).reservedConcurrentExecutions());
        assertEquals(10, lambda.putFunctionConcurrency(b -> b.functionName("hello").reservedConcurrentExecutions(10))
                .reservedConcurrentExecutions());
        assertEquals(10, lambda.getFunctionConcurrency(b -> b.functionName("hello")).reservedConcurrentExecutions());
        assertEquals(10, lambda.getFunction(b -> b.functionName("hello")).concurrency().reservedConcurrentExecutions());
        assertEquals(990, lambda.getAccountSettings(b -> {}).accountLimit().unreservedConcurrentExecutions());
        LambdaException tooMuch = assertThrows(LambdaException.class, () -> lambda.putFunctionConcurrency(
                b -> b.functionName("hello").reservedConcurrentExecutions(950)));
        assertEquals("InvalidParameterValueException", tooMuch.awsErrorDetails().errorCode());
        lambda.deleteFunctionConcurrency(b -> b.functionName("hello"));
        assertNull(lambda.getFunctionConcurrency(b -> b.functionName("hello")).reservedConcurrentExecutions());
    }

    @Test
    void eventInvokeConfig() {
        create("hello");
        create("sink");
        assertThrows(ResourceNotFoundException.class, () -> lambda.getFunctionEventInvokeConfig(b -> b.functionName("hello")));
        String sink = "arn:aws:lambda:us-east-1:000000000000:function:sink";
        lambda.putFunctionEventInvokeConfig(b -> b.functionName("hello").maximumRetryAttempts(1)
                .destinationConfig(d -> d.onFailure(o -> o.destination(sink))));
        GetFunctionEventInvokeConfigResponse g = lambda.getFunctionEventInvokeConfig(b -> b.functionName("hello"));
        assertEquals(1, g.maximumRetryAttempts());
        assertNull(g.maximumEventAgeInSeconds());
        assertEquals(sink, g.destinationConfig().onFailure().destination());
        assertTrue(g.lastModified().getEpochSecond() > 1_600_000_000L, "epoch seconds: " + g.lastModified());

        lambda.updateFunctionEventInvokeConfig(b -> b.functionName("hello").maximumEventAgeInSeconds(120));
        g = lambda.getFunctionEventInvokeConfig(b -> b.functionName("hello"));
        assertEquals(1, g.maximumRetryAttempts(), "update keeps what it does not set");
        assertEquals(120, g.maximumEventAgeInSeconds());
        assertEquals(1, lambda.listFunctionEventInvokeConfigs(b -> b.functionName("hello")).functionEventInvokeConfigs().size());

        LambdaException bad = assertThrows(LambdaException.class, () -> lambda.putFunctionEventInvokeConfig(
                b -> b.functionName("hello").maximumRetryAttempts(3)));
        assertEquals("ValidationException", bad.awsErrorDetails().errorCode());
        lambda.deleteFunctionEventInvokeConfig(b -> b.functionName("hello"));
        assertThrows(ResourceNotFoundException.class, () -> lambda.getFunctionEventInvokeConfig(b -> b.functionName("hello")));
    }

    @Test
    void errorsComeOutTyped() {
        ResourceNotFoundException nf = assertThrows(ResourceNotFoundException.class,
                () -> lambda.invoke(b -> b.functionName("nope")));
        assertEquals(404, nf.statusCode());
        assertEquals("Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope",
                nf.awsErrorDetails().errorMessage());
        assertEquals("User", nf.type());

        LambdaException memory = assertThrows(LambdaException.class, () -> lambda.createFunction(b -> b
                .functionName("m").runtime(Runtime.PYTHON3_11).role("r").handler("lambda_function.lambda_handler")
                .memorySize(64).code(c -> c.zipFile(SdkBytes.fromByteArray(ApiFixture.helloZip())))));
        assertEquals(400, memory.statusCode());
        assertEquals("ValidationException", memory.awsErrorDetails().errorCode());

        assertThrows(software.amazon.awssdk.services.lambda.model.InvalidParameterValueException.class,
                () -> lambda.createFunction(b -> b.functionName("r").runtime("python2.1").role("r")
                        .handler("lambda_function.lambda_handler")
                        .code(c -> c.zipFile(SdkBytes.fromByteArray(ApiFixture.helloZip())))));

        create("hello");
        f.behaviour = (fn, p) -> {
            throw ApiException.tooManyRequests("ReservedFunctionConcurrentInvocationLimitExceeded", 2);
        };
        TooManyRequestsException t = assertThrows(TooManyRequestsException.class,
                () -> lambda.invoke(b -> b.functionName("hello")));
        assertEquals(ThrottleReason.RESERVED_FUNCTION_CONCURRENT_INVOCATION_LIMIT_EXCEEDED, t.reason());
        assertEquals("2", t.retryAfterSeconds());
        assertEquals("Rate Exceeded.", t.awsErrorDetails().errorMessage());

        byte[] big = new byte[ApiLimits.SYNC_PAYLOAD_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        LambdaException tooLarge = assertThrows(LambdaException.class,
                () -> lambda.invoke(b -> b.functionName("hello").payload(SdkBytes.fromByteArray(big))));
        assertEquals(413, tooLarge.statusCode());
        assertEquals(ApiLimits.TOO_LARGE_ERROR_TYPE, tooLarge.awsErrorDetails().errorCode());
    }
}
