package dev.flint.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.sandbox.RequiresSandboxHost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.PublishVersionResponse;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.lambda.model.SnapStartApplyOn;
import software.amazon.awssdk.services.lambda.model.SnapStartOptimizationStatus;

/** SnapStart through flint serve and the AWS SDK for Java: the settings, PublishVersion, restores. */
@RequiresSandboxHost
class ServeSnapStartIT {
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

    @Test
    void publishVersionSnapshotsAndColdStartsRestore() throws Exception {
        var created = lambda.createFunction(b -> b.functionName("snap").runtime(Runtime.PYTHON3_11)
                .role(ServeFixture.ROLE).handler("lambda_function.lambda_handler").memorySize(ServeFixture.FAST_MB)
                .snapStart(s -> s.applyOn(SnapStartApplyOn.PUBLISHED_VERSIONS))
                .code(c -> c.zipFile(SdkBytes.fromByteArray(ServeFixture.zipResource("snap-counter", Set.of())))))
;

        assertEquals(SnapStartApplyOn.PUBLISHED_VERSIONS, created.snapStart().applyOn());
        assertEquals(SnapStartOptimizationStatus.OFF, created.snapStart().optimizationStatus());

        PublishVersionResponse v1 = lambda.publishVersion(b -> b.functionName("snap"));
        assertEquals("1", v1.version());
        assertEquals(SnapStartOptimizationStatus.ON, v1.snapStart().optimizationStatus());
        assertEquals("Active", v1.stateAsString());
        String initLine = ServeFixture.tail(log, 200);
        assertTrue(initLine.contains("INIT ran "), initLine);

        InvokeResponse r = lambda.invoke(b -> b.functionName("snap").qualifier("1").logType(LogType.TAIL)
                .payload(SdkBytes.fromUtf8String("{}")));
        assertNull(r.functionError(), r.payload().asUtf8String());
        String tail = new String(Base64.getDecoder().decode(r.logResult()), StandardCharsets.UTF_8);
        assertTrue(tail.contains("\tRestore Duration: ") && !tail.contains("Init Duration"), tail);
        assertFalse(tail.contains("INIT ran"), tail);
        JsonNode body = JSON.readTree(r.payload().asByteArray());
        assertTrue(initLine.contains("INIT ran " + body.get("token").asText()), initLine + " vs " + body);

        assertEquals(SnapStartOptimizationStatus.ON, lambda.getFunctionConfiguration(b -> b.functionName("snap")
                .qualifier("1")).snapStart().optimizationStatus());
        assertEquals(SnapStartOptimizationStatus.OFF, lambda.getFunctionConfiguration(b -> b.functionName("snap"))
                .snapStart().optimizationStatus(), "$LATEST is never optimized");

        assertThrows(InvalidParameterValueException.class, () -> lambda.updateFunctionConfiguration(b -> b
                .functionName("snap").snapStart(s -> s.applyOn("Always"))));

        Path snapshots = tmp.resolve("state").resolve("snapshots").resolve("snap");
        assertTrue(Files.isDirectory(snapshots.resolve("1")));
        lambda.deleteFunction(b -> b.functionName("snap"));
        assertFalse(Files.exists(snapshots), "a deleted function's snapshots");
    }
}
