package dev.flint.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.image.HelloImage;
import dev.flint.image.Image;
import dev.flint.image.ImageArchives;
import dev.flint.image.ImageImport;
import dev.flint.image.ImageStore;
import dev.flint.image.Tools;
import dev.flint.invoke.RequiresSandboxHost;
import dev.flint.sandbox.SandboxTestHost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.PackageType;

/**
 * {@code flint serve} with an image store: the real AWS SDK creates a PackageType Image function
 * (Code.ImageUri, ImageConfig) and invokes it in a real sandbox; the REPORT line and the
 * response come back as for a ZIP function.
 */
@RequiresSandboxHost(images = {"python3.11"})
class ServeImageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    Path tmp;
    FlintDaemon daemon;
    LambdaClient lambda;
    SdkHttpClient http;
    final List<String> log = new CopyOnWriteArrayList<>();
    Image image;

    @BeforeEach
    void start() throws Exception {
        Tools.require();
        tmp = Files.createTempDirectory("flint-serve-image-it-");
        Files.setAttribute(tmp, "unix:mode", 0755);
        HelloImage hello = HelloImage.build(tmp.resolve("build"));
        ImageStore images = new ImageStore(tmp.resolve("images"));
        try (ImageImport imp = ImageArchives.open(hello.layout, HelloImage.TAG, tmp.resolve("t"))) {
            image = images.importImage("hello", imp, d -> false, log::add);
        }
        daemon = FlintDaemon.start(new FlintDaemon.Config(tmp.resolve("state"), SandboxTestHost.RUN_DIR, "127.0.0.1", 0,
                100, Duration.ofMinutes(10), 512 * 1024, ServeFixture.async(1, Duration.ofSeconds(1)), log::add),
                SandboxTestHost.launcher(), images);
        http = ServeFixture.http(Duration.ofSeconds(60));
        lambda = ServeFixture.sdk(daemon.port(), http);
    }

    @AfterEach
    void stop() {
        if (lambda != null) {
            lambda.close();
        }
        if (daemon != null) {
            daemon.close();
        }
        if (tmp != null) {
            Tools.ok("rm", "-rf", "--one-file-system", "--", tmp.toString());
        }
    }

    @Test
    void createFunctionWithImageUriAndInvoke() throws Exception {
        lambda.createFunction(b -> b.functionName("img").packageType(PackageType.IMAGE).role(ServeFixture.ROLE)
                .memorySize(ServeFixture.FAST_MB).timeout(30).code(c -> c.imageUri("hello"))
                .imageConfig(ic -> ic.entryPoint("/lambda-entrypoint.sh").command("app.handler")));
        GetFunctionResponse g = lambda.getFunction(b -> b.functionName("img"));
        assertEquals("hello@" + image.digest(), g.code().resolvedImageUri());
        assertEquals(image.digest().substring(7), g.configuration().codeSha256());

        InvokeResponse r = lambda.invoke(b -> b.functionName("img").logType(LogType.TAIL)
                .payload(SdkBytes.fromUtf8String("{\"name\":\"sdk\"}")));
        assertEquals(200, r.statusCode());
        assertEquals(null, r.functionError(), r.payload().asUtf8String());
        JsonNode out = JSON.readTree(r.payload().asUtf8String());
        assertEquals("sdk", out.path("hello").asText());
        assertEquals("app.handler", out.path("handler").asText());
        assertEquals(993, out.path("uid").asInt());
        String tail = new String(Base64.getDecoder().decode(r.logResult()), StandardCharsets.UTF_8);
        assertTrue(tail.contains("REPORT RequestId: ") && tail.contains("Init Duration: "), tail);

        InvokeResponse warm = lambda.invoke(b -> b.functionName("img").logType(LogType.TAIL)
                .payload(SdkBytes.fromUtf8String("{}")));
        String warmTail = new String(Base64.getDecoder().decode(warm.logResult()), StandardCharsets.UTF_8);
        assertTrue(warmTail.contains("REPORT RequestId: ") && !warmTail.contains("Init Duration"), "warm: " + warmTail);
    }
}
