package dev.flint.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.sandbox.RequiresSandboxHost;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * Acceptance 1 and 2 of {@code flint serve} (issue 4): a real daemon in-process with real
 * sandboxes, driven only through the real AWS SDK for Java v2. The whole control plane and all
 * three invocation types, weighted aliases checked statistically, and the error cases an SDK user
 * hits, each with AWS's exception type and status.
 */
@RequiresSandboxHost
class ServeSdkIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;
    FlintDaemon daemon;
    LambdaClient lambda;
    final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() {
        daemon = ServeFixture.start(tmp.resolve("state"), 1000, ServeFixture.async(2, Duration.ofMillis(200)), log);
        lambda = ServeFixture.sdk(daemon.port(), ServeFixture.http(Duration.ofSeconds(120)));
    }

    @AfterEach
    void stop() {
        lambda.close();
        daemon.close();
    }

    private static byte[] code(String source) {
        return ApiFixture.zip(Map.of("lambda_function.py", source));
    }

    private JsonNode json(InvokeResponse r) throws IOException {
        assertNull(r.functionError(), () -> r.payload().asUtf8String() + ServeFixture.tail(log, 40));
        return JSON.readTree(r.payload().asByteArray());
    }

    private static String logTail(InvokeResponse r) {
        return new String(Base64.getDecoder().decode(r.logResult()), StandardCharsets.UTF_8);
    }

    @Test
    void controlPlaneAndAllInvocationTypes() throws IOException {
        ServeFixture.createHello(lambda, "hello", ServeFixture.FAST_MB);
        String recorderArn = lambda.createFunction(b -> b.functionName("recorder").runtime(Runtime.PYTHON3_11)
                .role(ServeFixture.ROLE).handler("lambda_function.lambda_handler").memorySize(ServeFixture.FAST_MB)
                .code(c -> c.zipFile(SdkBytes.fromByteArray(ServeFixture.zipResource("recorder", Set.of())))))
                .functionArn();

        // RequestResponse
        InvokeResponse sync = lambda.invoke(b -> b.functionName("hello").payload(SdkBytes.fromUtf8String("{\"k\":1}")));
        assertEquals(200, sync.statusCode());
        assertEquals("Hello World", json(sync).get("body").asText());
        assertEquals("$LATEST", sync.executedVersion());

        // DryRun: 204, nothing runs
        long envsBefore = daemon.invokeService().environmentsCreated();
        InvokeResponse dry = lambda.invoke(b -> b.functionName("hello").invocationType(InvocationType.DRY_RUN));
        assertEquals(204, dry.statusCode());
        assertEquals(envsBefore, daemon.invokeService().environmentsCreated());

        // event invoke config with an OnSuccess destination, then an Event: 202, and it runs
        lambda.putFunctionEventInvokeConfig(b -> b.functionName("hello").maximumRetryAttempts(0)
                .maximumEventAgeInSeconds(600).destinationConfig(d -> d.onSuccess(s -> s.destination(recorderArn))));
        var eic = lambda.getFunctionEventInvokeConfig(b -> b.functionName("hello"));
        assertEquals(0, eic.maximumRetryAttempts());
        assertEquals(600, eic.maximumEventAgeInSeconds());
        assertEquals(recorderArn, eic.destinationConfig().onSuccess().destination());
        InvokeResponse event = lambda.invoke(b -> b.functionName("hello").invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String("{\"marker\":\"event-1\"}")));
        assertEquals(202, event.statusCode());
        String eventId = event.responseMetadata().requestId();
        JsonNode record = Awaitility.await("the event's OnSuccess record reaches the recorder")
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> destinationRecord(eventId), r -> r != null);
        assertEquals("Success", record.at("/requestContext/condition").asText());
        assertEquals(1, record.at("/requestContext/approximateInvokeCount").asInt());
        assertEquals("event-1", record.at("/requestPayload/marker").asText());
        assertEquals("Hello World", record.at("/responsePayload/body").asText());

        // UpdateFunctionCode: the next invoke runs the new code in a new env (the old one is retired)
        long created = daemon.invokeService().environmentsCreated();
        lambda.updateFunctionCode(b -> b.functionName("hello").zipFile(SdkBytes.fromByteArray(code(
                "import os\ndef lambda_handler(event, context):\n"
                        + "    return {'v': 2, 'greeting': os.environ.get('GREETING')}\n"))));
        InvokeResponse v2 = lambda.invoke(b -> b.functionName("hello").logType(LogType.TAIL));
        assertEquals(2, json(v2).get("v").asInt());
        assertTrue(logTail(v2).contains("Init Duration"), "a cold start after the update: " + logTail(v2));
        assertEquals(created + 1, daemon.invokeService().environmentsCreated());

        // UpdateFunctionConfiguration: the next invoke sees the variable, again in a new env
        var conf = lambda.updateFunctionConfiguration(b -> b.functionName("hello").timeout(10)
                .environment(e -> e.variables(Map.of("GREETING", "hi"))));
        assertEquals(10, conf.timeout());
        InvokeResponse withVar = lambda.invoke(b -> b.functionName("hello").logType(LogType.TAIL));
        assertEquals("hi", json(withVar).get("greeting").asText());
        assertTrue(logTail(withVar).contains("Init Duration"), logTail(withVar));
        // the retired envs are gone: hello's one current env and the recorder's
        Awaitility.await("old envs retired").atMost(Duration.ofSeconds(30))
                .until(() -> daemon.invokeService().liveEnvironments() == 2);

        // PublishVersion 1 (v2 code + GREETING), new code, PublishVersion 2
        var p1 = lambda.publishVersion(b -> b.functionName("hello").description("one"));
        assertEquals("1", p1.version());
        lambda.updateFunctionCode(b -> b.functionName("hello").zipFile(SdkBytes.fromByteArray(code(
                "def lambda_handler(event, context):\n    return {'v': 3}\n"))));
        var p2 = lambda.publishVersion(b -> b.functionName("hello"));
        assertEquals("2", p2.version());
        List<String> versions = lambda.listVersionsByFunction(b -> b.functionName("hello")).versions().stream()
                .map(FunctionConfiguration::version).toList();
        assertEquals(List.of("$LATEST", "1", "2"), versions);
        assertEquals(2, json(lambda.invoke(b -> b.functionName("hello").qualifier("1"))).get("v").asInt());
        assertEquals(3, json(lambda.invoke(b -> b.functionName("hello:2"))).get("v").asInt());

        // alias "live": 0.7 → version 1, 0.3 → version 2, decided per request
        var alias = lambda.createAlias(b -> b.functionName("hello").name("live").functionVersion("1")
                .routingConfig(r -> r.additionalVersionWeights(Map.of("2", 0.3))));
        assertEquals(0.3, alias.routingConfig().additionalVersionWeights().get("2"), 1e-9);
        assertEquals(0.3, lambda.getAlias(b -> b.functionName("hello").name("live"))
                .routingConfig().additionalVersionWeights().get("2"), 1e-9);
        int n = 400;
        int onTwo = 0;
        for (int i = 0; i < n; i++) {
            InvokeResponse r = lambda.invoke(b -> b.functionName("hello").qualifier("live"));
            JsonNode body = json(r);
            if ("2".equals(r.executedVersion())) {
                onTwo++;
                assertEquals(3, body.get("v").asInt(), "version 2 runs v3 code");
            } else {
                assertEquals("1", r.executedVersion());
                assertEquals(2, body.get("v").asInt(), "version 1 runs v2 code");
            }
        }
        double expected = n * 0.3;
        double sigma = Math.sqrt(n * 0.3 * 0.7);
        assertTrue(Math.abs(onTwo - expected) <= 5 * sigma, "version 2 ran " + onTwo + " of " + n
                + " times; expected " + expected + " ± " + 5 * sigma + " (5σ)");

        // concurrency put / get / delete
        assertEquals(5, lambda.putFunctionConcurrency(b -> b.functionName("hello").reservedConcurrentExecutions(5))
                .reservedConcurrentExecutions());
        assertEquals(5, lambda.getFunctionConcurrency(b -> b.functionName("hello")).reservedConcurrentExecutions());
        assertEquals(5, lambda.getFunction(b -> b.functionName("hello")).concurrency().reservedConcurrentExecutions());
        lambda.deleteFunctionConcurrency(b -> b.functionName("hello"));
        assertNull(lambda.getFunctionConcurrency(b -> b.functionName("hello")).reservedConcurrentExecutions());

        // DeleteFunction: gone for the API and for invokes; its envs are shut down
        lambda.deleteFunction(b -> b.functionName("hello"));
        assertThrows(ResourceNotFoundException.class, () -> lambda.getFunction(b -> b.functionName("hello")));
        assertThrows(ResourceNotFoundException.class, () -> lambda.invoke(b -> b.functionName("hello")));
        assertThrows(ResourceNotFoundException.class, () -> lambda.invoke(b -> b.functionName("hello:live")));
        Awaitility.await("hello's envs shut down, the recorder's stays").atMost(Duration.ofSeconds(30))
                .until(() -> daemon.invokeService().liveEnvironments() == 1);
        assertEquals(List.of("recorder"), lambda.listFunctions().functions().stream()
                .map(FunctionConfiguration::functionName).toList());
    }

    /** The recorder's "DEST" line for this request id, or null. */
    private JsonNode destinationRecord(String requestId) throws IOException {
        for (String line : ServeFixture.lines(log, "DEST ")) {
            JsonNode n = JSON.readTree(line);
            if (requestId.equals(n.at("/requestContext/requestId").asText())) {
                return n;
            }
        }
        return null;
    }

    @Test
    void errorCasesComeOutTypedWithAwsStatus() {
        ServeFixture.createHello(lambda, "hello", ServeFixture.FAST_MB);
        lambda.publishVersion(b -> b.functionName("hello"));
        lambda.createAlias(b -> b.functionName("hello").name("live").functionVersion("1"));

        // unknown function / version / alias
        assertStatus(404, assertThrows(ResourceNotFoundException.class,
                () -> lambda.invoke(b -> b.functionName("no-such-function"))));
        assertStatus(404, assertThrows(ResourceNotFoundException.class,
                () -> lambda.getFunction(b -> b.functionName("no-such-function"))));
        assertStatus(404, assertThrows(ResourceNotFoundException.class,
                () -> lambda.invoke(b -> b.functionName("hello").qualifier("9"))));
        assertStatus(404, assertThrows(ResourceNotFoundException.class,
                () -> lambda.invoke(b -> b.functionName("hello").qualifier("nope"))));
        assertStatus(404, assertThrows(ResourceNotFoundException.class,
                () -> lambda.getAlias(b -> b.functionName("hello").name("nope"))));
        assertStatus(404, assertThrows(ResourceNotFoundException.class,
                () -> lambda.invoke(b -> b.functionName("hello:nope").invocationType(InvocationType.EVENT))));

        // range errors: AWS's ValidationException (not in the SDK model: the generic LambdaException)
        byte[] hello = ApiFixture.zipDirectory(ServeFixture.HOME.resolve("examples/hello-python"));
        LambdaException memory = assertExactly(LambdaException.class, () -> lambda.createFunction(b -> b
                .functionName("m").runtime(Runtime.PYTHON3_11).role(ServeFixture.ROLE)
                .handler("lambda_function.lambda_handler").memorySize(64)
                .code(c -> c.zipFile(SdkBytes.fromByteArray(hello)))));
        assertStatus(400, memory);
        assertEquals("ValidationException", memory.awsErrorDetails().errorCode());
        LambdaException timeout = assertExactly(LambdaException.class, () -> lambda.createFunction(b -> b
                .functionName("t").runtime(Runtime.PYTHON3_11).role(ServeFixture.ROLE)
                .handler("lambda_function.lambda_handler").timeout(901)
                .code(c -> c.zipFile(SdkBytes.fromByteArray(hello)))));
        assertStatus(400, timeout);
        assertEquals("ValidationException", timeout.awsErrorDetails().errorCode());
        LambdaException updTimeout = assertExactly(LambdaException.class,
                () -> lambda.updateFunctionConfiguration(b -> b.functionName("hello").timeout(901)));
        assertEquals("ValidationException", updTimeout.awsErrorDetails().errorCode());

        // bad runtime, invalid handler
        assertStatus(400, assertThrows(InvalidParameterValueException.class, () -> lambda.createFunction(b -> b
                .functionName("rt").runtime("cobol85").role(ServeFixture.ROLE).handler("a.b")
                .code(c -> c.zipFile(SdkBytes.fromByteArray(hello))))));
        assertStatus(400, assertThrows(InvalidParameterValueException.class, () -> lambda.createFunction(b -> b
                .functionName("h").runtime(Runtime.PYTHON3_11).role(ServeFixture.ROLE).handler("no_function_part")
                .code(c -> c.zipFile(SdkBytes.fromByteArray(hello))))));

        // ZIP over 50 MB (incompressible): 413 before the body is decoded
        byte[] noise = new byte[(int) ApiLimits.ZIP_BYTES + 1024];
        new Random(42).nextBytes(noise);
        byte[] bigZip = storedZip("noise.bin", noise);
        assertTrue(bigZip.length > ApiLimits.ZIP_BYTES);
        LambdaException zipTooLarge = assertExactly(LambdaException.class, () -> lambda.createFunction(b -> b
                .functionName("big").runtime(Runtime.PYTHON3_11).role(ServeFixture.ROLE)
                .handler("lambda_function.lambda_handler").code(c -> c.zipFile(SdkBytes.fromByteArray(bigZip)))));
        assertStatus(413, zipTooLarge);
        assertEquals(ApiLimits.TOO_LARGE_ERROR_TYPE, zipTooLarge.awsErrorDetails().errorCode());
        // a small ZIP that unzips to over 250 MB: AWS's InvalidParameterValueException
        byte[] bomb = deflatedZip("zeros.bin", 251 * 1024 * 1024);
        assertTrue(bomb.length < 2 * 1024 * 1024, "deflated: " + bomb.length);
        InvalidParameterValueException unzipped = assertThrows(InvalidParameterValueException.class,
                () -> lambda.updateFunctionCode(b -> b.functionName("hello").zipFile(SdkBytes.fromByteArray(bomb))));
        assertStatus(400, unzipped);
        assertTrue(unzipped.getMessage().contains("Unzipped size must be smaller than 262144000 bytes"),
                unzipped.getMessage());
        assertThrows(ResourceNotFoundException.class, () -> lambda.getFunction(b -> b.functionName("big")));

        // payloads: > 6 MB sync, > 1 MB async → 413 RequestEntityTooLargeException (what AWS sends)
        byte[] sixPlus = spaces(ApiLimits.SYNC_PAYLOAD_BYTES + 1);
        LambdaException syncTooLarge = assertExactly(LambdaException.class,
                () -> lambda.invoke(b -> b.functionName("hello").payload(SdkBytes.fromByteArray(sixPlus))));
        assertStatus(413, syncTooLarge);
        assertEquals(ApiLimits.TOO_LARGE_ERROR_TYPE, syncTooLarge.awsErrorDetails().errorCode());
        byte[] onePlus = spaces(ApiLimits.ASYNC_PAYLOAD_BYTES + 1);
        LambdaException asyncTooLarge = assertExactly(LambdaException.class, () -> lambda.invoke(b -> b
                .functionName("hello").invocationType(InvocationType.EVENT).payload(SdkBytes.fromByteArray(onePlus))));
        assertStatus(413, asyncTooLarge);
        assertEquals(ApiLimits.TOO_LARGE_ERROR_TYPE, asyncTooLarge.awsErrorDetails().errorCode());
        // exactly at the limits the payloads are accepted (a JSON string padded with spaces)
        InvokeResponse atSix = lambda.invoke(b -> b.functionName("hello")
                .payload(SdkBytes.fromByteArray(spacedJson(ApiLimits.SYNC_PAYLOAD_BYTES))));
        assertEquals(200, atSix.statusCode());
        assertNull(atSix.functionError(), atSix.payload().asUtf8String());
        assertEquals(202, lambda.invoke(b -> b.functionName("hello").invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromByteArray(spacedJson(ApiLimits.ASYNC_PAYLOAD_BYTES)))).statusCode());
    }

    private static void assertStatus(int status, LambdaException e) {
        assertEquals(status, e.statusCode(), () -> e.awsErrorDetails().errorCode() + ": " + e.getMessage());
    }

    /** Thrown, and of exactly this class (not a modeled subclass). */
    private static <T extends Throwable> T assertExactly(Class<T> type, org.junit.jupiter.api.function.Executable call) {
        T e = assertThrows(type, call);
        assertSame(type, e.getClass(), () -> "got " + e);
        return e;
    }

    private static byte[] spaces(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) ' ');
        return b;
    }

    /** {@code {}} followed by spaces: n bytes of valid JSON. */
    private static byte[] spacedJson(int n) {
        byte[] b = spaces(n);
        b[0] = '{';
        b[1] = '}';
        return b;
    }

    private static byte[] storedZip(String name, byte[] data) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 1024);
            try (ZipOutputStream z = new ZipOutputStream(out)) {
                z.setLevel(0);
                z.putNextEntry(new ZipEntry(name));
                z.write(data);
                z.closeEntry();
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] deflatedZip(String name, int zeros) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream z = new ZipOutputStream(out)) {
                z.putNextEntry(new ZipEntry(name));
                byte[] chunk = new byte[1024 * 1024];
                for (int i = 0; i < zeros / chunk.length; i++) {
                    z.write(chunk);
                }
                z.closeEntry();
                z.putNextEntry(new ZipEntry("lambda_function.py"));
                z.write("def lambda_handler(e, c):\n    return 1\n".getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
