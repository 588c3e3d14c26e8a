package dev.flint.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Importing OCI layouts, OCI archives and Docker archives into a temp store: layers unpacked once
 * (by ChainID) and shared, garbage-collected when no image lists them, verified by digest,
 * platform and mountpoints checked, and a refused image leaves no image and no layer behind.
 * No root needed.
 */
class ImageStoreImportTest {
    @TempDir
    Path tmp;
    ImageStore store;
    final List<String> progress = new ArrayList<>();

    static final byte[] BASE = new TarBuilder().dir("etc").file("etc/os-release", "ID=test\n").dir("tmp", 01777)
            .dir("var/task").file("bin/sh", "#!fake\n", 0755).bytes();
    static final byte[] APP_V1 = new TarBuilder().file("var/task/app.py", "v1\n").bytes();
    static final byte[] APP_V2 = new TarBuilder().file("var/task/app.py", "v2\n").bytes();

    @BeforeEach
    void setUp() {
        store = new ImageStore(tmp.resolve("store"));
    }

    private ImageImport layout(String name, byte[]... layers) {
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve(name));
        for (byte[] l : layers) {
            b.layer(l);
        }
        b.write();
        return ImageArchives.open(tmp.resolve(name), null, tmp.resolve("t"));
    }

    private Image importAs(String name, ImageImport imp) {
        try (imp) {
            return store.importImage(name, imp, d -> false, progress::add);
        }
    }

    private List<String> layerDirs() throws IOException {
        Path l = store.root().resolve("layers");
        if (!Files.isDirectory(l)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(l)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void importsAndSharesLayersByChainId() throws IOException {
        Image a = importAs("a", layout("a", BASE, APP_V1));
        Image b = importAs("b", layout("b", BASE, APP_V2));

        assertEquals(3, layerDirs().size(), "the base layer is unpacked once: " + layerDirs());
        assertEquals(a.layers().get(0), b.layers().get(0));
        assertNotEquals(a.layers().get(1), b.layers().get(1));
        List<String> chain = Digests.chainIds(List.of(Digests.of(BASE), Digests.of(APP_V1)));
        assertEquals(store.root().resolve("layers").resolve(Digests.hex(chain.get(1))).resolve("rootfs"), a.topLayer());
        assertEquals("v1\n", Files.readString(a.topLayer().resolve("var/task/app.py")));
        assertEquals(List.of("/bin/sh"), a.config().entrypoint());
        assertEquals(tmp.resolve("a") + ":latest", a.source());
        assertTrue(progress.stream().anyMatch(l -> l.contains("already in the store")), progress.toString());
        assertEquals(a, store.require("a"), "image.json round trip");
        assertTrue(store.hasLayer(chain.get(0)));
    }

    @Test
    void removeCollectsLayersNoImageLists() throws IOException {
        importAs("a", layout("a", BASE, APP_V1));
        importAs("b", layout("b", BASE, APP_V2));
        List<Path> kept = store.remove("a");
        assertEquals(1, kept.size(), "the shared base is kept");
        assertEquals(2, layerDirs().size());
        store.remove("b");
        assertEquals(List.of(), layerDirs());
    }

    @Test
    void replacingAnImageAFunctionRunsKeepsTheOldOne() throws IOException {
        Image v1 = importAs("app", layout("v1", BASE, APP_V1));
        Image v2;
        try (ImageImport imp = layout("v2", BASE, APP_V2)) {
            v2 = store.importImage("app", imp, d -> d.equals(v1.digest()), progress::add);
        }
        String kept = "app-" + Digests.hex(v1.digest()).substring(0, 12);
        assertEquals(v1.digest(), store.require(kept).digest());
        assertEquals(v2.digest(), store.require("app").digest());
        assertEquals(3, layerDirs().size());
        assertEquals(Set.of(store.require(kept)), Set.copyOf(store.findByDigest(v1.digest())));
        // without a function on it, the old image and its own layer go
        try (ImageImport imp = layout("v1b", BASE, APP_V1)) {
            store.importImage("other", imp, d -> false, progress::add);
        }
        store.remove(kept);
        store.remove("other");
        assertEquals(2, layerDirs().size());
    }

    @Test
    void resolvesNamesReferencesAndDigests() {
        Image a = importAs("a", layout("a", BASE, APP_V1));
        assertEquals(a, store.resolve("a").orElseThrow());
        assertEquals(a, store.resolve(a.digest()).orElseThrow());
        assertEquals(a, store.resolve("example.com/x@" + a.digest()).orElseThrow());
        assertTrue(store.resolve("nope").isEmpty());
        assertTrue(store.resolve("127.0.0.1:5000/nope:latest").isEmpty());
    }

    @Test
    void aTamperedLayerBlobIsRefusedAndLeavesNothing() throws IOException {
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("bad")).layer(BASE).layer(APP_V1);
        b.write();
        // swap the second layer's blob for another valid gzip tar
        Path blob;
        try (Stream<Path> s = Files.list(tmp.resolve("bad/blobs/sha256"))) {
            blob = s.filter(p -> {
                try {
                    return Digests.of(Files.readAllBytes(p)).equals(Digests.of(TarBuilder.gzip(APP_V1)));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).findFirst().orElseThrow();
        }
        Files.write(blob, TarBuilder.gzip(APP_V2));
        ImageException e = assertThrows(ImageException.class,
                () -> importAs("bad", ImageArchives.open(tmp.resolve("bad"), null, tmp.resolve("t"))));
        assertTrue(e.getMessage().contains("corrupt or tampered"), e.getMessage());
        assertTrue(store.list().isEmpty());
        assertEquals(List.of(), layerDirs(), "no layer, no temp dir left");
    }

    @Test
    void otherPlatformsAreRefused() {
        new OciLayoutBuilder(tmp.resolve("arm")).layer(BASE).platform("linux", "arm64").write();
        ImageException e = assertThrows(ImageException.class,
                () -> importAs("arm", ImageArchives.open(tmp.resolve("arm"), null, tmp.resolve("t"))));
        assertTrue(e.getMessage().contains("built for linux/arm64; flint runs linux/amd64 only"), e.getMessage());
    }

    @Test
    void aSymlinkWhereFlintMountsIsRefused() throws IOException {
        byte[] evil = new TarBuilder().symlink("tmp", "/etc").bytes();
        ImageException e = assertThrows(ImageException.class, () -> importAs("evil", layout("evil", BASE, evil)));
        assertTrue(e.getMessage().contains("'/tmp' is a symbolic link or a file in the image"), e.getMessage());
        assertEquals(List.of(), layerDirs());
    }

    @Test
    void tooManyLayersForOneOverlayMount() {
        List<byte[]> many = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            many.add(new TarBuilder().file("f" + i, "x").bytes());
        }
        ImageException e = assertThrows(ImageException.class,
                () -> importAs("many", layout("many", many.toArray(new byte[0][]))));
        assertTrue(e.getMessage().contains("too many for one overlay mount"), e.getMessage());
    }

    /**
     * A 12 GB file that is all hole: a few KB of tar. Commons Compress 1.28 cannot read the
     * sparse header of a file that big (old-GNU base-256 map entries; PAX offsets as int), so the
     * layer is refused as unreadable, before anything is written. Sparse files small enough to be
     * read count with their full size (next test).
     */
    @Test
    void sparse12GbFileIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("sparse"));
        try (var f = new java.io.RandomAccessFile(dir.resolve("big").toFile(), "rw")) {
            f.setLength(12L << 30); // a hole, no data
        }
        for (String format : List.of("--format=gnu", "--format=pax")) {
            byte[] tar = gnuTar(dir, format, "--sparse", "big");
            assertTrue(tar.length < 1 << 20, "GNU tar stores the hole as a sparse map: " + tar.length);
            ImageException e = assertThrows(ImageException.class, () -> importAs("sparse", layout("sp", BASE, tar)));
            assertTrue(e.getMessage().contains("cannot read the tar header at the start")
                    && e.getMessage().endsWith("the layer is refused"), format + ": " + e.getMessage());
            assertEquals(List.of(), layerDirs());
            assertTrue(store.list().isEmpty());
        }
    }

    @Test
    void imagesOver10GbInAllAreRefused() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("sparse"));
        for (String n : List.of("a", "b")) {
            try (var f = new java.io.RandomAccessFile(dir.resolve(n).toFile(), "rw")) {
                f.setLength(6L << 30);
            }
        }
        byte[] la = gnuTar(dir, "--format=gnu", "--sparse", "a");
        byte[] lb = gnuTar(dir, "--format=gnu", "--sparse", "b");
        ImageException e = assertThrows(ImageException.class, () -> importAs("big", layout("big", la, lb)));
        assertTrue(e.getMessage().contains("(6.0 GB) takes the image past 10.0 GB"), e.getMessage());
        assertEquals(List.of(), layerDirs());
    }

    private static byte[] gnuTar(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tar", "-C", dir.toString(), "-cf", "-"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), "tar " + cmd);
        return out;
    }

    // ---- archives ------------------------------------------------------------------------------

    @Test
    void ociArchiveIsATarOfTheLayout() throws IOException {
        Image fromLayout = importAs("dir", layout("lay", BASE, APP_V1));
        Path archive = tarOf(tmp.resolve("lay"), tmp.resolve("lay.tar"));
        Image fromArchive = importAs("arc", ImageArchives.open(archive, null, tmp.resolve("t")));
        assertEquals(fromLayout.digest(), fromArchive.digest());
        assertEquals(fromLayout.layers(), fromArchive.layers(), "same layers, shared");
        Path gz = tmp.resolve("lay.tar.gz");
        Files.write(gz, TarBuilder.gzip(Files.readAllBytes(archive)));
        assertEquals(fromLayout.digest(), importAs("gz", ImageArchives.open(gz, null, tmp.resolve("t"))).digest());
    }

    @Test
    void dockerArchiveAsDockerSaveWritesIt() throws IOException {
        Image fromLayout = importAs("dir", layout("lay", BASE, APP_V1));
        byte[] config = OciLayoutBuilder.JSON.writeValueAsBytes(dockerConfig(List.of(BASE, APP_V1)));
        String configHex = Digests.hex(Digests.of(config));
        ObjectNode m = OciLayoutBuilder.JSON.createObjectNode();
        m.put("Config", configHex + ".json");
        m.putArray("RepoTags").add("hello:latest");
        ArrayNode ls = m.putArray("Layers");
        TarBuilder archive = new TarBuilder();
        archive.file(configHex + ".json", config, 0644);
        for (byte[] l : List.of(BASE, APP_V1)) {
            String id = Digests.hex(Digests.of(l));
            ls.add(id + "/layer.tar");
            archive.dir(id).file(id + "/layer.tar", l, 0644);
        }
        ArrayNode list = OciLayoutBuilder.JSON.createArrayNode().add(m);
        archive.file("manifest.json", list.toString());
        Path file = tmp.resolve("docker.tar");
        Files.write(file, archive.bytes());
        Image img = importAs("docker", ImageArchives.open(file, "hello:latest", tmp.resolve("t")));
        assertEquals(Digests.of(config), img.digest(), "a Docker archive's digest is its config's");
        assertEquals(fromLayout.layers(), img.layers(), "same DiffIDs, same layers as the OCI import");
        assertTrue(img.source().endsWith("docker.tar:hello:latest"), img.source());
        ImageException e = assertThrows(ImageException.class, () -> ImageArchives.open(file, "other:1", tmp.resolve("t")));
        assertTrue(e.getMessage().contains("no image tagged 'other:1' (tags: hello:latest)"), e.getMessage());
    }

    /**
     * Layers are unpacked two at a time from the same archive file, so two members are read at
     * once: each read must get its own member's bytes (Commons Compress's TarFile streams share
     * one channel, whose position another thread moves between its seek and its read).
     */
    @Test
    void archiveMembersReadConcurrentlyGetTheirOwnBytes() throws Exception {
        java.util.Random rnd = new java.util.Random(7);
        byte[][] tars = new byte[2][];
        for (int l = 0; l < 2; l++) {
            byte[] data = new byte[4 << 20];
            rnd.nextBytes(data);
            tars[l] = new TarBuilder().file("f" + l, data, 0644).bytes();
        }
        new OciLayoutBuilder(tmp.resolve("lay")).layer(tars[0]).layer(tars[1]).write();
        Path archive = tarOf(tmp.resolve("lay"), tmp.resolve("lay.tar"));
        try (ImageImport imp = ImageArchives.open(archive, null, tmp.resolve("t"))) {
            for (int round = 0; round < 20; round++) {
                List<java.util.concurrent.Callable<String>> reads = new ArrayList<>();
                for (ImageImport.LayerBlob b : imp.layers()) {
                    reads.add(() -> {
                        java.security.MessageDigest md = Digests.sha256();
                        byte[] buf = new byte[512];
                        try (java.io.InputStream in = b.opener().open()) {
                            int n;
                            while ((n = in.read(buf)) > 0) {
                                md.update(buf, 0, n);
                            }
                        }
                        return Digests.of(md);
                    });
                }
                var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
                try {
                    var results = pool.invokeAll(reads);
                    for (int i = 0; i < 2; i++) {
                        assertEquals(imp.layers().get(i).digest(), results.get(i).get(), "round " + round + " layer " + i);
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    private static ObjectNode dockerConfig(List<byte[]> layers) {
        ObjectNode c = OciLayoutBuilder.JSON.createObjectNode();
        c.put("architecture", "amd64");
        c.put("os", "linux");
        ObjectNode cfg = c.putObject("config");
        cfg.putArray("Entrypoint").add("/bin/sh");
        ArrayNode diff = c.putObject("rootfs").put("type", "layers").putArray("diff_ids");
        layers.forEach(l -> diff.add(Digests.of(l)));
        return c;
    }

    private static Path tarOf(Path dir, Path out) throws IOException {
        Process p = new ProcessBuilder("tar", "-C", dir.toString(), "-cf", out.toString(), ".").inheritIO().start();
        try {
            assertEquals(0, p.waitFor());
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        assertFalse(Files.size(out) == 0);
        return out;
    }
}
