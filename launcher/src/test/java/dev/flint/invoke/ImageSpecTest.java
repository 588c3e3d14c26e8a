package dev.flint.invoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flint.function.FunctionConfig;
import dev.flint.function.FunctionDefinition;
import dev.flint.function.FunctionRegistry;
import dev.flint.function.ImageCode;
import dev.flint.function.ImageFunctions;
import dev.flint.image.Image;
import dev.flint.image.ImageNotFoundException;
import dev.flint.image.ImageStore;
import dev.flint.image.TestImages;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an Image function runs: ENTRYPOINT + CMD (overridable), the image's env under Lambda's, its WORKDIR. */
class ImageSpecTest {
    @TempDir Path tmp;

    private static Map<String, String> env(List<String> kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String e : kv) {
            m.put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1));
        }
        return m;
    }

    @Test
    void entrypointCmdEnvAndWorkdirAsLambdaStartsAContainer() {
        ImageStore images = new ImageStore(tmp.resolve("images"));
        Image img = TestImages.tiny(images, tmp, "app", null, "v1");
        try (FunctionRegistry reg = new FunctionRegistry(tmp.resolve("state"))) {
            FunctionConfig fn = reg.create(FunctionDefinition.ofImage("fn", ImageFunctions.resolve(images, "app", null))
                    .withEnvironment(Map.of("PATH", "/mine", "MY", "1")));
            FunctionSpec spec = FunctionSpecs.of(fn, images);
            assertEquals(List.of("/lambda-entrypoint.sh", "app.handler"), spec.imageLaunch().argv());
            assertEquals("/var/task", spec.imageLaunch().workdir());
            assertEquals("app.handler", spec.handler());
            assertEquals(img.layers(), spec.layers());
            assertNull(spec.codeDir());
            assertNull(spec.runtime());
            assertFalse(spec.isCustomRuntime());

            Map<String, String> env = env(LambdaEnvironment.of(spec, "us-east-1", "on-demand"));
            assertEquals("app.handler", env.get("_HANDLER"), "CMD is the handler");
            assertEquals("/mine", env.get("PATH"), "the function's variables over the image's");
            assertEquals("127.0.0.1:9001", env.get("AWS_LAMBDA_RUNTIME_API"));
            assertEquals("/var/task", env.get("LAMBDA_TASK_ROOT"));
            assertFalse(env.containsKey("AWS_EXECUTION_ENV"), "no managed runtime");
            assertFalse(env.containsKey("PYTHONPATH"));

            FunctionConfig o = reg.updateConfiguration("fn", dev.flint.function.FunctionUpdate.none().withImageConfig(
                    new ImageCode.ImageOverrides(List.of("/usr/bin/python3", "-m", "awslambdaric"), List.of("a.b"),
                            "/srv")));
            FunctionSpec s2 = FunctionSpecs.of(o, images);
            assertEquals(List.of("/usr/bin/python3", "-m", "awslambdaric", "a.b"), s2.imageLaunch().argv());
            assertEquals("/srv", s2.imageLaunch().workdir());
            assertEquals("a.b", s2.handler());

            images.remove("app");
            ImageNotFoundException e = assertThrows(ImageNotFoundException.class, () -> FunctionSpecs.of(o, images));
            assertTrue(e.getMessage().contains("no longer in the image store"), e.getMessage());
        }
    }

    @Test
    void imageEnvOverridesLambdasDefaultsButNotReservedNames() {
        FunctionSpec spec = new FunctionSpec("f", "$LATEST", null, "img", "h", 128, java.time.Duration.ofSeconds(3),
                Map.of(), 512, null, List.of(Path.of("/x")),
                new ImageLaunch(List.of("/e"), List.of("PATH=/img/bin", "LANG=C", "AWS_REGION=eu-west-1", "K=v"), "/"));
        Map<String, String> env = env(LambdaEnvironment.of(spec, "us-east-1", "on-demand"));
        assertEquals("/img/bin", env.get("PATH"));
        assertEquals("C", env.get("LANG"));
        assertEquals("v", env.get("K"));
        assertEquals("us-east-1", env.get("AWS_REGION"), "reserved variables always win");
    }
}
