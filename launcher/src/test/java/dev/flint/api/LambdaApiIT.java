package dev.flint.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.image.ImageStore;
import dev.flint.invoke.AsyncInvoker;
import dev.flint.sandbox.RequiresSandboxHost;
import dev.flint.sandbox.SandboxTestHost;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * The whole daemon stack (flint.db, code store, InvokeService on real sandboxes, the HTTP API)
 * driven by the real AWS SDK for Java v2: examples/hello-python from CreateFunction to
 * DeleteFunction, and the error cases an SDK user hits.
 */
@RequiresSandboxHost
class LambdaApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path HELLO = Path.of(System.getProperty("flint.home", ".")).resolve("examples/hello-python");

    @TempDir Path tmp;
    FlintDaemon daemon;
    LambdaClient lambda;
    final List<String> log = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        Path state = tmp.resolve("state");
        daemon = FlintDaemon.start(new FlintDaemon.Config(state, SandboxTestHost.RUN_DIR, "127.0.0.1", 0, 1000,
                Duration.ofMinutes(10), 64 * 1024, AsyncInvoker.Settings.defaults(), log::add),
                SandboxTestHost.launcher(), new ImageStore(SandboxTestHost.IMAGES));
        lambda = LambdaClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + daemon.port()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDFLINT", "secret")))
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(60)).build())
                .overrideConfiguration(c -> c.retryStrategy(DefaultRetryStrategy.doNotRetry()))
                .build();
    }

    @AfterEach
    void stop() {
        lambda.close();
        daemon.close();
    }

    private String transcript() {
        return "\n--- function log ---\n" + String.join("\n", log);
    }

    private void createHello(String name) {
        lambda.createFunction(b -> b.functionName(name).runtime(Runtime.PYTHON3_11)
                .role("arn:aws:iam::000000000000:role/lambda").handler("lambda_function.lambda_handler")
                .memorySize(1024).timeout(30)
                .code(c -> c.zipFile(SdkBytes.fromByteArray(ApiFixture.zipDirectory(HELLO)))));
    }

    @Test
    void helloPythonFromCreateToDelete() throws IOException {
        createHello("hello");
        var got = lambda.getFunction(b -> b.functionName("hello"));
        assertEquals("lambda_function.lambda_handler", got.configuration().handler());
        assertEquals(1024, got.configuration().memorySize());

        InvokeResponse r = lambda.invoke(b -> b.functionName("hello").logType(LogType.TAIL)
                .payload(SdkBytes.fromUtf8String("{\"key\":\"value\"}")));
        assertEquals(200, r.statusCode());
        assertNull(r.functionError(), r.payload().asUtf8String() + transcript());
        assertEquals(JSON.readTree("{\"statusCode\":200,\"body\":\"Hello World\"}"), JSON.readTree(r.payload().asByteArray()));
        assertEquals("$LATEST", r.executedVersion());
        String tail = new String(Base64.getDecoder().decode(r.logResult()), StandardCharsets.UTF_8);
        assertTrue(tail.contains("START RequestId: "), tail);
        assertTrue(tail.contains("END RequestId: "), tail);
        assertTrue(tail.contains("REPORT RequestId: "), tail);
        assertTrue(tail.contains("Init Duration: "), "the first invoke is a cold start: " + tail);

        var updated = lambda.updateFunctionConfiguration(b -> b.functionName("hello").memorySize(1536));
        assertEquals(1536, updated.memorySize());
        InvokeResponse afterUpdate = lambda.invoke(b -> b.functionName("hello").logType(LogType.TAIL));
        String tail2 = new String(Base64.getDecoder().decode(afterUpdate.logResult()), StandardCharsets.UTF_8);
        assertTrue(tail2.contains("Memory Size: 1536 MB"), "the new memory size runs: " + tail2);

        var v1 = lambda.publishVersion(b -> b.functionName("hello"));
        assertEquals("1", v1.version());
        lambda.createAlias(b -> b.functionName("hello").name("live").functionVersion("1"));
        InvokeResponse byAlias = lambda.invoke(b -> b.functionName("hello").qualifier("live"));
        assertNull(byAlias.functionError(), byAlias.payload().asUtf8String() + transcript());
        assertEquals("1", byAlias.executedVersion());
        assertEquals("Hello World", JSON.readTree(byAlias.payload().asByteArray()).get("body").asText());

        lambda.deleteFunction(b -> b.functionName("hello"));
        assertThrows(ResourceNotFoundException.class, () -> lambda.getFunction(b -> b.functionName("hello")));
        assertThrows(ResourceNotFoundException.class, () -> lambda.invoke(b -> b.functionName("hello:live")));
    }

    @Test
    void errorCases() {
        ResourceNotFoundException nf = assertThrows(ResourceNotFoundException.class,
                () -> lambda.invoke(b -> b.functionName("no-such-function")));
        assertEquals(404, nf.statusCode());

        LambdaException memory = assertThrows(LambdaException.class, () -> lambda.createFunction(b -> b
                .functionName("m").runtime(Runtime.PYTHON3_11).role("r").handler("lambda_function.lambda_handler")
                .memorySize(64).code(c -> c.zipFile(SdkBytes.fromByteArray(ApiFixture.zipDirectory(HELLO))))));
        assertEquals(400, memory.statusCode());
        assertEquals("ValidationException", memory.awsErrorDetails().errorCode(), "AWS's type for a range error");

        assertThrows(InvalidParameterValueException.class, () -> lambda.createFunction(b -> b
                .functionName("h").runtime(Runtime.PYTHON3_11).role("r").handler("no_function_part")
                .code(c -> c.zipFile(SdkBytes.fromByteArray(ApiFixture.zipDirectory(HELLO))))));
        assertThrows(InvalidParameterValueException.class, () -> lambda.createFunction(b -> b
                .functionName("rt").runtime("cobol85").role("r").handler("a.b")
                .code(c -> c.zipFile(SdkBytes.fromByteArray(ApiFixture.zipDirectory(HELLO))))));

        createHello("hello");
        byte[] big = new byte[ApiLimits.SYNC_PAYLOAD_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        LambdaException tooLarge = assertThrows(LambdaException.class,
                () -> lambda.invoke(b -> b.functionName("hello").payload(SdkBytes.fromByteArray(big))));
        assertEquals(413, tooLarge.statusCode());
        assertEquals(ApiLimits.TOO_LARGE_ERROR_TYPE, tooLarge.awsErrorDetails().errorCode());
        assertThrows(ResourceNotFoundException.class, () -> lambda.invoke(b -> b.functionName("hello").qualifier("9")));
        assertThrows(ResourceNotFoundException.class, () -> lambda.invoke(b -> b.functionName("hello").qualifier("nope")));
    }
}
