package dev.flint.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flint.image.Image;
import dev.flint.image.ImageStore;
import dev.flint.image.TestImages;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PackageType Image functions in the registry (SQLite): created pinned to an image digest,
 * kept across a restart, published, updated; which functions use which image.
 */
class ImageFunctionTest extends RegistryFixture {

    private ImageStore images() {
        return new ImageStore(tmp.resolve("images"));
    }

    @Test
    void createReopenPublishAndUpdate() {
        ImageStore images = images();
        Image v1 = TestImages.tiny(images, tmp, "app", null, "v1");
        ImageCode code = ImageFunctions.resolve(images, "app",
                new ImageCode.ImageOverrides(null, List.of("app.other"), null));
        FunctionConfig fn = registry.create(FunctionDefinition.ofImage("fn", code).withMemoryMb(256));
        assertEquals("Image", fn.packageType());
        assertNull(fn.runtime());
        assertNull(fn.codeDir());
        assertEquals(v1.digest().substring(7), fn.codeSha256());
        assertEquals("app", fn.image());

        reopen();
        FunctionConfig again = registry.require("fn");
        assertEquals(fn.imageCode(), again.imageCode());
        assertEquals(256, again.memoryMb());
        assertNull(again.handler());

        tick();
        FunctionConfig v = registry.publishVersion("fn", "first", null, null);
        assertEquals(code, v.imageCode());

        Image v2 = TestImages.tiny(images, tmp, "app2", null, "v2");
        FunctionConfig updated = registry.updateImage("fn", ImageFunctions.resolve(images, "app2", null));
        assertEquals(v2.digest(), updated.imageCode().imageDigest());
        assertEquals(List.of("app.other"), updated.imageCode().overrides().command(), "ImageConfig kept");
        assertEquals(v1.digest(), registry.getVersion("fn", "1").imageCode().imageDigest(), "version 1 stays on v1");

        FunctionConfig cleared = registry.updateConfiguration("fn",
                FunctionUpdate.none().withImageConfig(ImageCode.ImageOverrides.NONE));
        assertTrue(cleared.imageCode().overrides().isEmpty());

        Map<String, List<String>> users = ImageFunctions.users(images, registry.allVersions());
        assertEquals(Map.of("app", List.of("fn:1"), "app2", List.of("fn")), users);
        assertTrue(ImageFunctions.digestInUse(registry.allVersions(), v1.digest()));
        registry.delete("fn");
        assertEquals(Map.of(), ImageFunctions.users(images, registry.allVersions()));
    }

    @Test
    void zipAndImageDoNotMix() throws Exception {
        ImageStore images = images();
        TestImages.tiny(images, tmp, "app", null, "v1");
        create("zip");
        ImageCode code = ImageFunctions.resolve(images, "app", null);
        assertThrows(InvalidParameterValueException.class, () -> registry.updateImage("zip", code));
        assertThrows(InvalidParameterValueException.class, () -> registry.updateConfiguration("zip",
                FunctionUpdate.none().withImageConfig(new ImageCode.ImageOverrides(null, List.of("x"), null))));
        registry.create(FunctionDefinition.ofImage("img", code));
        assertThrows(InvalidParameterValueException.class, () -> registry.updateCode("img", code("c", "x")));
        assertThrows(InvalidParameterValueException.class, () -> new FunctionDefinition("bad", "python3.11",
                "a.b", null, null, null, null, null, null, code));
        assertEquals(Map.of("python3.11", List.of("zip"), "app", List.of("img")),
                ImageFunctions.users(images, registry.allVersions()));
    }

    @Test
    void missingImagesAndImagesWithoutACommand() {
        ImageStore images = images();
        InvalidParameterValueException e = assertThrows(InvalidParameterValueException.class,
                () -> ImageFunctions.resolve(images, "127.0.0.1:5000/nope:1", null));
        assertTrue(e.getMessage().startsWith("Source image 127.0.0.1:5000/nope:1 does not exist."), e.getMessage());
        TestImages.tiny(images, tmp, "app", null, "v1");
        e = assertThrows(InvalidParameterValueException.class, () -> ImageFunctions.resolve(images, "app",
                new ImageCode.ImageOverrides(List.of(), List.of(), null)));
        assertTrue(e.getMessage().contains("neither ENTRYPOINT nor CMD"), e.getMessage());
    }

    @Test
    void theFunctionFollowsItsDigestWhenTheNameIsReplaced() {
        ImageStore images = images();
        Image v1 = TestImages.tiny(images, tmp, "app", null, "v1");
        registry.create(FunctionDefinition.ofImage("fn", ImageFunctions.resolve(images, "app", null)));
        // "app" is imported again with other content while fn still runs v1: the store keeps v1
        TestImages.tinyKeeping(images, tmp, "app", "v2", d -> ImageFunctions.digestInUse(registry.allVersions(), d));
        Image running = ImageFunctions.imageOf(images, registry.require("fn").imageCode()).orElseThrow();
        assertEquals(v1.digest(), running.digest());
        assertEquals("app-" + v1.digest().substring(7, 19), running.name());
        assertEquals(List.of("fn"), ImageFunctions.users(images, registry.allVersions()).get(running.name()));
    }
}
