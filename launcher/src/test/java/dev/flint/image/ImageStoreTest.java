package dev.flint.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image store against a temp dir, with fake recipes whose build.sh writes a file: no root needed. */
class ImageStoreTest {
    @TempDir
    Path tmp;
    Path recipes;
    Path storeRoot;
    Path runs;
    ImageStore store;
    final List<String> progress = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        recipes = Files.createDirectories(tmp.resolve("images"));
        storeRoot = tmp.resolve("store");
        runs = tmp.resolve("runs.log");
        store = new ImageStore(storeRoot);
    }

    /** A recipe whose build writes $1/<name>.txt and records each run in runs.log. */
    private Path recipe(String name, String base, String extraScript) throws IOException {
        Path dir = Files.createDirectories(recipes.resolve(name));
        Files.writeString(dir.resolve("image.json"), "{\"name\":\"" + name + "\",\"base\":"
                + (base == null ? "null" : "\"" + base + "\"")
                + ",\"env\":[\"PATH=/usr/bin:/bin\",\"IMG_" + name.toUpperCase().replace('.', '_') + "=1\"],"
                + "\"entrypoint\":[],\"cmd\":[\"/bin/sh\"],\"workdir\":\"/var/task\"}");
        Files.writeString(dir.resolve("build.sh"), "set -euo pipefail\n"
                + "echo \"" + name + " base=$FLINT_BASE_LAYERS\" >> '" + runs + "'\n"
                + "echo building " + name + "\n"
                + "echo hello-" + name + " > \"$1/" + name + ".txt\"\n"
                + extraScript);
        return dir;
    }

    private long runCount(String name) throws IOException {
        if (!Files.exists(runs)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(runs)) {
            return lines.filter(l -> l.startsWith(name + " ")).count();
        }
    }

    private List<String> layerDirs() throws IOException {
        Path layers = storeRoot.resolve("layers");
        if (!Files.isDirectory(layers)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(layers)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void buildsAndStoresAnImage() throws IOException {
        recipe("base1", null, "");
        Image img = store.build("base1", recipes, progress::add);

        assertEquals("base1", img.name());
        assertTrue(img.digest().matches("sha256:[0-9a-f]{64}"), img.digest());
        assertEquals(1, img.layers().size());
        Path layer = img.topLayer();
        assertEquals(storeRoot.resolve("layers").resolve(img.digest().substring(7)).resolve("rootfs"), layer);
        assertEquals("hello-base1\n", Files.readString(layer.resolve("base1.txt")));
        assertEquals(List.of("PATH=/usr/bin:/bin", "IMG_BASE1=1"), img.config().env());
        assertEquals(List.of("/bin/sh"), img.config().cmd());
        assertEquals("/var/task", img.config().workdir());
        assertEquals(12, img.sizeBytes());
        assertTrue(progress.contains("base1: building base1"), progress.toString());
        assertTrue(Files.isRegularFile(storeRoot.resolve("base1/image.json")));
        assertEquals(img, store.find("base1").orElseThrow());
        assertEquals(img, new ImageStore(storeRoot).require("base1"));
    }

    @Test
    void secondBuildIsANoOpWhenTheRecipeIsUnchanged() throws IOException {
        Path dir = recipe("base1", null, "");
        Image first = store.build("base1", recipes, progress::add);
        // Neither mtimes nor the README count.
        Files.setLastModifiedTime(dir.resolve("build.sh"), FileTime.fromMillis(0));
        Files.writeString(dir.resolve("README.md"), "docs only\n");
        progress.clear();
        Image second = store.build("base1", recipes, progress::add);

        assertEquals(first, second);
        assertEquals(1, runCount("base1"));
        assertTrue(progress.stream().anyMatch(l -> l.contains("up to date")), progress.toString());
    }

    @Test
    void digestIsStableAndFollowsContent() throws IOException {
        Path dir = recipe("base1", null, "");
        String d1 = Recipe.digest(recipes, "base1", null);
        assertEquals(d1, Recipe.digest(recipes, "base1", null));
        assertNotEquals(d1, Recipe.digest(recipes, "base1", "sha256:" + "0".repeat(64)));
        Files.writeString(dir.resolve("extra.txt"), "x");
        String d2 = Recipe.digest(recipes, "base1", null);
        assertNotEquals(d1, d2);
        Files.createDirectories(recipes.resolve("lib"));
        Files.writeString(recipes.resolve("lib/helpers.sh"), "# shared\n");
        assertNotEquals(d2, Recipe.digest(recipes, "base1", null));
    }

    @Test
    void changedRecipeRebuildsAndDropsTheOldLayer() throws IOException {
        Path dir = recipe("base1", null, "");
        Image first = store.build("base1", recipes, progress::add);
        Files.writeString(dir.resolve("build.sh"), "\necho more > \"$1/more.txt\"\n",
                java.nio.file.StandardOpenOption.APPEND);
        Image second = store.build("base1", recipes, progress::add);

        assertNotEquals(first.digest(), second.digest());
        assertEquals(2, runCount("base1"));
        assertFalse(Files.exists(first.topLayer()), "old layer removed");
        assertEquals(List.of(second.digest().substring(7)), layerDirs());
        assertTrue(Files.isRegularFile(second.topLayer().resolve("more.txt")));
    }

    @Test
    void baseIsBuiltFirstAndItsLayersGoBelow() throws IOException {
        recipe("base1", null, "");
        Path child = recipe("child", "base1", "");
        Files.writeString(child.resolve("image.json"), "{\"name\":\"child\",\"base\":\"base1\","
                + "\"env\":[\"PATH=/opt/bin:/usr/bin\",\"CHILD=1\"],\"entrypoint\":[\"/var/runtime/bootstrap\"]}");
        Image img = store.build("child", recipes, progress::add);
        Image base = store.require("base1");

        assertEquals(2, img.layers().size());
        assertEquals(base.layers().get(0), img.layers().get(0));
        assertTrue(Files.isRegularFile(img.layers().get(1).resolve("child.txt")));
        assertEquals(List.of("PATH=/opt/bin:/usr/bin", "IMG_BASE1=1", "CHILD=1"), img.config().env());
        assertEquals(List.of("/var/runtime/bootstrap"), img.config().entrypoint());
        assertEquals(List.of("/bin/sh"), img.config().cmd(), "cmd inherited");
        assertEquals(base.sizeBytes() + "hello-child\n".length(), img.sizeBytes());
        assertTrue(Files.readString(runs).contains("child base=" + base.topLayer()), Files.readString(runs));

        // A base rebuild changes the child's digest too.
        Files.writeString(recipes.resolve("base1/build.sh"), "\necho v2 > \"$1/v2\"\n",
                java.nio.file.StandardOpenOption.APPEND);
        Image img2 = store.build("child", recipes, progress::add);
        assertNotEquals(img.digest(), img2.digest());
        assertEquals(2, runCount("child"));
    }

    @Test
    void failedBuildLeavesNothingBehind() throws IOException {
        recipe("bad", null, "echo oops >&2\nexit 3\n");
        ImageBuildException e = assertThrows(ImageBuildException.class, () -> store.build("bad", recipes, progress::add));
        assertTrue(e.getMessage().contains("build.sh exited with status 3"), e.getMessage());
        assertTrue(e.getMessage().contains("oops"), e.getMessage());
        assertTrue(store.find("bad").isEmpty());
        assertEquals(List.of(), layerDirs());
        assertFalse(Files.exists(storeRoot.resolve("bad")));
    }

    @Test
    void buildTimesOut() throws IOException {
        Path dir = recipe("slow", null, "sleep 60\n");
        Files.writeString(dir.resolve("image.json"), "{\"name\":\"slow\",\"buildTimeoutSeconds\":1}");
        long t0 = System.nanoTime();
        ImageBuildException e = assertThrows(ImageBuildException.class, () -> store.build("slow", recipes, progress::add));
        assertTrue(e.getMessage().contains("timed out after 1 s"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < 20_000_000_000L);
        assertEquals(List.of(), layerDirs());
    }

    @Test
    void recipeWithUnknownFieldIsRejected() throws IOException {
        Path dir = recipe("odd", null, "");
        Files.writeString(dir.resolve("image.json"), "{\"name\":\"odd\",\"entrypiont\":[]}");
        ImageBuildException e = assertThrows(ImageBuildException.class, () -> store.build("odd", recipes, progress::add));
        assertTrue(e.getMessage().contains("entrypiont"), e.getMessage());
        assertEquals(0, runCount("odd"));
    }

    @Test
    void recipeNameMustMatchAndBaseCyclesAreCaught() throws IOException {
        Path dir = recipe("one", null, "");
        Files.writeString(dir.resolve("image.json"), "{\"name\":\"two\"}");
        assertThrows(ImageBuildException.class, () -> store.build("one", recipes, progress::add));
        recipe("a", "b", "");
        recipe("b", "a", "");
        ImageBuildException e = assertThrows(ImageBuildException.class, () -> store.build("a", recipes, progress::add));
        assertTrue(e.getMessage().contains("base cycle a -> b -> a"), e.getMessage());
        ImageBuildException missing = assertThrows(ImageBuildException.class,
                () -> store.build("nope", recipes, progress::add));
        assertTrue(missing.getMessage().startsWith("no recipe for image 'nope'"), missing.getMessage());
    }

    @Test
    void listAndRemoveKeepSharedLayers() throws IOException {
        recipe("base1", null, "");
        recipe("child", "base1", "");
        recipe("other", null, "");
        Image child = store.build("child", recipes, progress::add);
        store.build("other", recipes, progress::add);
        assertEquals(List.of("base1", "child", "other"), store.list().stream().map(Image::name).toList());
        assertEquals(3, layerDirs().size());

        List<Path> kept = store.remove("base1");
        assertEquals(List.of(child.layers().get(0)), kept, "the base layer is still used by child");
        assertTrue(Files.isDirectory(child.layers().get(0)));
        assertEquals(List.of("child", "other"), store.list().stream().map(Image::name).toList());

        assertEquals(List.of(), store.remove("child"));
        assertFalse(Files.exists(child.layers().get(0)));
        assertFalse(Files.exists(child.layers().get(1)));
        assertEquals(1, layerDirs().size());
        assertThrows(ImageNotFoundException.class, () -> store.remove("child"));
    }

    @Test
    void unknownImageErrorNamesKnownImagesAndTheFix() throws IOException {
        ImageNotFoundException none = assertThrows(ImageNotFoundException.class, () -> store.require("x"));
        assertEquals("unknown image 'x' (known: none); build it with: flint image build x", none.getMessage());
        recipe("b", null, "");
        recipe("a", null, "");
        store.build("b", recipes, progress::add);
        store.build("a", recipes, progress::add);
        ImageNotFoundException e = assertThrows(ImageNotFoundException.class, () -> store.require("x"));
        assertEquals("unknown image 'x' (known: a, b); build it with: flint image build x", e.getMessage());
        assertEquals("x", e.name());
        assertThrows(ImageException.class, () -> store.find("../etc"));
    }

    @Test
    void storedLayerPathsMayNotEscapeTheStore() throws IOException {
        recipe("base1", null, "");
        store.build("base1", recipes, progress::add);
        Path file = storeRoot.resolve("base1/image.json");
        String json = Files.readString(file);
        String layer = store.require("base1").topLayer().toString();
        for (String evil : List.of("/etc", layer + "/../../../..", storeRoot + "/layers/../base1/rootfs")) {
            Files.writeString(file, json.replace(layer, evil));
            ImageException e = assertThrows(ImageException.class, () -> store.find("base1"), evil);
            assertTrue(e.getMessage().contains("is not a layer of this store"), e.getMessage());
        }
    }
}
