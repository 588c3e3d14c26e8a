package dev.flint.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flint.image.Image;
import dev.flint.image.TestImages;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.PackageType;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * PackageType Image through the API with the real AWS SDK (the shapes must parse as the SDK's
 * own types) and raw HTTP for AWS's error texts. Images come from a temp store; no root.
 */
class LambdaApiImageTest {
    static final String ROLE = "arn:aws:iam::000000000000:role/r";
    @TempDir Path tmp;
    ApiFixture f;
    LambdaClient lambda;
    Image v1;
    Image pulled;

    @BeforeEach
    void setUp() {
        f = new ApiFixture(tmp);
        lambda = f.sdk();
        v1 = TestImages.tiny(f.images, tmp, "hello", null, "v1");
        pulled = TestImages.tiny(f.images, tmp, "remote", "127.0.0.1:5000/team/remote:1.0", "remote");
    }

    @AfterEach
    void tearDown() {
        lambda.close();
        f.close();
    }

    private CreateFunctionResponse createImage(String name, String uri) {
        return lambda.createFunction(b -> b.functionName(name).packageType(PackageType.IMAGE).role(ROLE)
                .code(c -> c.imageUri(uri)).memorySize(256)
                .imageConfig(ic -> ic.entryPoint("/lambda-entrypoint.sh", "--debug").command("app.other")
                        .workingDirectory("/srv")));
    }

    @Test
    void createAndGetAnImageFunctionAsAwsShapesThem() {
        CreateFunctionResponse c = createImage("img", "hello");
        assertEquals(PackageType.IMAGE, c.packageType());
        assertNull(c.runtime(), "image functions have no Runtime");
        assertNull(c.handler(), "nor Handler");
        assertEquals(v1.digest().substring(7), c.codeSha256(), "CodeSha256 is the manifest digest's hex");
        assertEquals(0L, c.codeSize());
        assertEquals(List.of("/lambda-entrypoint.sh", "--debug"), c.imageConfigResponse().imageConfig().entryPoint());
        assertEquals(List.of("app.other"), c.imageConfigResponse().imageConfig().command());
        assertEquals("/srv", c.imageConfigResponse().imageConfig().workingDirectory());

        GetFunctionResponse g = lambda.getFunction(b -> b.functionName("img"));
        assertEquals("ECR", g.code().repositoryType());
        assertEquals("hello", g.code().imageUri());
        assertEquals("hello@" + v1.digest(), g.code().resolvedImageUri());
        assertEquals(PackageType.IMAGE, g.configuration().packageType());
    }

    @Test
    void aRegistryReferenceResolvesToThePulledImage() {
        CreateFunctionResponse c = lambda.createFunction(b -> b.functionName("r").packageType(PackageType.IMAGE)
                .role(ROLE).code(x -> x.imageUri("127.0.0.1:5000/team/remote:1.0")));
        assertEquals(pulled.digest().substring(7), c.codeSha256());
        assertNull(c.imageConfigResponse(), "no ImageConfig given, none reported");
        GetFunctionResponse g = lambda.getFunction(b -> b.functionName("r"));
        assertEquals("127.0.0.1:5000/team/remote@" + pulled.digest(), g.code().resolvedImageUri());
        assertEquals("r", f.registry.require("r").name());
        assertEquals("remote", f.registry.require("r").imageCode().imageName());
    }

    @Test
    void updateCodeConfigurationAndPublish() {
        createImage("img", "hello");
        Image v2 = TestImages.tiny(f.images, tmp, "hello2", null, "v2");
        var u = lambda.updateFunctionCode(b -> b.functionName("img").imageUri("hello2"));
        assertEquals(v2.digest().substring(7), u.codeSha256());
        assertEquals(List.of("app.other"), u.imageConfigResponse().imageConfig().command(), "ImageConfig kept");
        var cfg = lambda.updateFunctionConfiguration(b -> b.functionName("img").memorySize(512)
                .imageConfig(ic -> ic.command("app.handler")));
        assertEquals(512, cfg.memorySize());
        assertEquals(List.of("app.handler"), cfg.imageConfigResponse().imageConfig().command());
        assertNull(cfg.imageConfigResponse().imageConfig().workingDirectory(), "ImageConfig is replaced as a whole");
        var v = lambda.publishVersion(b -> b.functionName("img"));
        assertEquals("1", v.version());
        assertEquals(PackageType.IMAGE, v.packageType());
        GetFunctionResponse g = lambda.getFunction(b -> b.functionName("img").qualifier("1"));
        assertEquals("hello2@" + v2.digest(), g.code().resolvedImageUri());
        assertTrue(f.registry.getVersion("img", "1").isImage());
    }

    @Test
    void invokesGoToTheImageFunction() {
        createImage("img", "hello");
        var r = lambda.invoke(b -> b.functionName("img").payload(SdkBytes.fromUtf8String("{\"a\":1}")));
        assertEquals("{\"a\":1}", r.payload().asUtf8String());
        assertTrue(f.invoked.get(0).version().isImage());
    }

    @Test
    void awsErrorsForWrongCombinations() {
        InvalidParameterValueException e = assertThrows(InvalidParameterValueException.class,
                () -> lambda.createFunction(b -> b.functionName("x").packageType(PackageType.IMAGE).role(ROLE)
                        .runtime(Runtime.PYTHON3_11).handler("a.b").code(c -> c.imageUri("hello"))));
        assertTrue(e.getMessage().contains("Please don't provide Handler or Runtime or Layer when the intended"
                + " function PackageType is Image."), e.getMessage());
        e = assertThrows(InvalidParameterValueException.class, () -> createImage("x", "127.0.0.1:5000/nope:latest"));
        assertTrue(e.getMessage().contains("Source image 127.0.0.1:5000/nope:latest does not exist. Provide a valid"
                + " source image.") && e.getMessage().contains("flint image pull"), e.getMessage());
        e = assertThrows(InvalidParameterValueException.class, () -> lambda.createFunction(b -> b.functionName("x")
                .role(ROLE).runtime(Runtime.PYTHON3_11).handler("a.b").code(c -> c.imageUri("hello"))));
        assertTrue(e.getMessage().contains("Please don't provide ImageUri when the intended function PackageType is"
                + " Zip."), e.getMessage());
        e = assertThrows(InvalidParameterValueException.class, () -> lambda.createFunction(b -> b.functionName("x")
                .role(ROLE).packageType(PackageType.IMAGE).code(c -> c.zipFile(SdkBytes.fromUtf8String("zz")))));
        assertTrue(e.getMessage().contains("ImageUri"), e.getMessage());
        createImage("img", "hello");
        e = assertThrows(InvalidParameterValueException.class, () -> lambda.updateFunctionCode(b -> b.functionName("img")
                .zipFile(SdkBytes.fromByteArray(ApiFixture.helloZip()))));
        assertTrue(e.getMessage().contains("Please provide ImageUri when updating a function with packageType Image."),
                e.getMessage());
        e = assertThrows(InvalidParameterValueException.class, () -> lambda.updateFunctionConfiguration(b -> b
                .functionName("img").handler("a.b")));
        assertTrue(e.getMessage().contains("Please don't provide Handler or Runtime"), e.getMessage());
        assertFalse(f.registry.get("x").isPresent());
    }

    @Test
    void packageTypeIsAnEnum() {
        HttpResponse<String> r = f.send("POST", "/2015-03-31/functions", "{\"FunctionName\":\"x\",\"PackageType\":"
                + "\"Docker\",\"Code\":{\"ImageUri\":\"hello\"}}");
        assertEquals(400, r.statusCode());
        assertEquals("ValidationException", r.headers().firstValue("x-amzn-ErrorType").orElse(""));
        r = f.send("POST", "/2015-03-31/functions", "{\"FunctionName\":\"x\",\"PackageType\":\"Image\","
                + "\"Code\":{\"ImageUri\":\"hello\"},\"ImageConfig\":{\"WorkingDirectory\":\"relative\"}}");
        assertEquals(400, r.statusCode(), r.body());
        JsonNode body = ApiJson.parseObject(r.body().getBytes(StandardCharsets.UTF_8));
        assertTrue(body.get("message").asText().contains("must be an absolute path"), r.body());
    }
}
