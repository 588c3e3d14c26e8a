package dev.flint.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Builds the real {@code provided} image into the default store (a no-op when it is up to
 * date) and checks its layer. Needs root, mmdebstrap and the Debian mirror; under CI=true a
 * missing capability fails instead of skipping.
 */
@Tag("privileged")
class ImageBuildIT {
    @Test
    void buildsProvided() throws IOException {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean mmdebstrap = Files.isExecutable(Path.of("/usr/bin/mmdebstrap"));
        if ("true".equals(System.getenv("CI"))) {
            if (!root || !mmdebstrap) {
                fail("image build needs root and mmdebstrap (run scripts/setup.sh)");
            }
        } else {
            assumeTrue(root, "needs root");
            assumeTrue(mmdebstrap, "needs mmdebstrap (scripts/setup.sh installs it)");
        }
        Path recipes = Path.of(System.getProperty("flint.home", ".")).resolve("images");
        ImageStore store = new ImageStore();
        Image img = store.build("provided", recipes, System.out::println);

        assertEquals(img, store.require("provided"));
        assertEquals(1, img.layers().size());
        Path layer = img.topLayer();
        assertTrue(layer.startsWith(Path.of(ImageStore.DEFAULT_ROOT, "layers")), layer.toString());
        // bookworm is /usr-merged: /bin -> usr/bin, resolved inside the layer.
        assertTrue(Files.isExecutable(layer.resolve("usr/bin/sh")), "sh");
        assertTrue(Files.isSymbolicLink(layer.resolve("bin")), "/bin is a symlink");
        assertTrue(Files.isExecutable(layer.resolve("bin/sh")), "/bin/sh");
        assertTrue(Files.isExecutable(layer.resolve("usr/bin/curl")), "curl");
        assertTrue(Files.readAllLines(layer.resolve("etc/passwd")).stream()
                .anyMatch(l -> l.startsWith("sbx_user1051:x:993:993:")), "uid 993");
        assertTrue(Files.readAllLines(layer.resolve("etc/group")).stream()
                .anyMatch(l -> l.startsWith("sbx_user1051:x:993:")), "gid 993");
        for (String d : new String[] {"var/task", "var/runtime", "opt", "tmp"}) {
            assertTrue(Files.isDirectory(layer.resolve(d)), d);
        }
        assertTrue(img.sizeBytes() > 10_000_000L && img.sizeBytes() < 200_000_000L, "size " + img.sizeBytes());
        assertTrue(img.config().env().contains("LANG=C.UTF-8"));
    }
}
