package dev.flint.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One layer tar into a directory: contents, modes and times, OCI whiteouts as overlayfs
 * whiteouts (character devices 0/0: since Linux 5.8 any user may create those, so no root is
 * needed), opaque directories turned into whiteouts, and every hostile entry refused with
 * nothing written outside the layer.
 */
class LayerUnpackerTest {
    @TempDir
    Path tmp;
    Path root;
    Path outside;

    @BeforeEach
    void dirs() throws IOException {
        root = Files.createDirectories(tmp.resolve("layer/rootfs"));
        outside = Files.createDirectories(tmp.resolve("outside"));
    }

    private LayerUnpacker.Result unpack(byte[] blob) throws IOException {
        return LayerUnpacker.unpack(new ByteArrayInputStream(blob), root,
                new LayerUnpacker.Budget(ImageImporter.MAX_IMAGE_BYTES, 1000), "layer test");
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    @Test
    void filesDirectoriesLinksModesAndTimes() throws IOException {
        byte[] tar = new TarBuilder()
                .dir("./")
                .dir("usr/bin", 0755)
                .file("usr/bin/tool", "#!/bin/sh\n", 04755)
                .file("etc/conf", "x=1\n", 0600)
                .symlink("bin", "usr/bin")
                .symlink("etc/localtime", "/usr/share/zoneinfo/UTC")
                .hardlink("usr/bin/tool2", "usr/bin/tool")
                .fifo("run/initctl")
                .dir("tmp", 01777)
                .bytes();
        LayerUnpacker.Result r = unpack(TarBuilder.gzip(tar));

        assertEquals(Digests.of(tar), r.diffId(), "DiffID: sha256 of the uncompressed tar");
        assertEquals(Digests.of(TarBuilder.gzip(tar)), r.rawDigest());
        assertEquals("#!/bin/sh\n", Files.readString(root.resolve("usr/bin/tool")));
        assertEquals(0755, mode(root.resolve("usr/bin/tool")), "setuid dropped, rwx kept");
        assertEquals(0600, mode(root.resolve("etc/conf")));
        assertEquals(01777, mode(root.resolve("tmp")), "sticky bit kept on directories");
        assertEquals(Path.of("usr/bin"), Files.readSymbolicLink(root.resolve("bin")));
        assertEquals(Path.of("/usr/share/zoneinfo/UTC"), Files.readSymbolicLink(root.resolve("etc/localtime")),
                "an absolute target is kept: it resolves inside the sandbox's root");
        assertEquals(Files.getAttribute(root.resolve("usr/bin/tool"), "unix:ino"),
                Files.getAttribute(root.resolve("usr/bin/tool2"), "unix:ino"), "hard link");
        assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(root.resolve("etc/conf")).toInstant());
        assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(root.resolve("usr/bin")).toInstant());
        assertFalse(Files.exists(root.resolve("run/initctl"), LinkOption.NOFOLLOW_LINKS), "FIFOs are skipped");
        assertEquals(1, r.skipped());
        assertEquals(14, r.sizeBytes(), "regular file bytes (the hard link not counted twice)");
    }

    @Test
    void plainTarWorksAndLaterEntriesReplaceEarlierOnes() throws IOException {
        byte[] tar = new TarBuilder().file("a", "one").file("a", "two").dir("d").file("d/x", "x")
                .file("d", "now a file").symlink("a", "d").bytes();
        LayerUnpacker.Result r = unpack(tar);
        assertEquals(r.diffId(), r.rawDigest());
        assertTrue(Files.isSymbolicLink(root.resolve("a")));
        assertEquals("now a file", Files.readString(root.resolve("d")));
    }

    @Test
    void whiteoutBecomesACharacterDevice00() throws IOException {
        LayerUnpacker.Result r = unpack(new TarBuilder().whiteout("usr/share", "doc").whiteout("", "gone").bytes());
        assertEquals(2, r.whiteouts());
        assertTrue(MergedLayers.isWhiteout(root.resolve("usr/share/doc")));
        assertTrue(MergedLayers.isWhiteout(root.resolve("gone")));
        assertFalse(Files.exists(root.resolve("usr/share/.wh.doc"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void whiteoutsHideLowerEntriesInTheMergedView() throws IOException {
        Path lower = Files.createDirectories(tmp.resolve("lower"));
        Files.createDirectories(lower.resolve("usr/share/doc/pkg"));
        Files.writeString(lower.resolve("usr/share/doc/pkg/README"), "r");
        Files.writeString(lower.resolve("usr/share/keep"), "k");
        unpack(new TarBuilder().whiteout("usr/share", "doc").bytes());
        MergedLayers merged = new MergedLayers(List.of(lower, root));
        assertEquals(Set.of("keep"), merged.children("usr/share").keySet());
        assertTrue(merged.lookup("usr/share/doc").isEmpty());
        assertTrue(merged.lookup("usr/share/doc/pkg/README").isEmpty());
    }

    @Test
    void opaqueDirectoryHidesEverythingBelowIt() throws IOException {
        Path lower = Files.createDirectories(tmp.resolve("lower"));
        Files.createDirectories(lower.resolve("etc/skel/sub"));
        Files.writeString(lower.resolve("etc/skel/.bashrc"), "b");
        Files.writeString(lower.resolve("etc/skel/sub/deep"), "d");
        Files.writeString(lower.resolve("etc/skel/replaced"), "old");
        Files.writeString(lower.resolve("etc/other"), "o");
        // umoci writes the marker before the directory itself
        LayerUnpacker.Result r = unpack(new TarBuilder().opaque("etc/skel").dir("etc/skel").dir("etc/skel/sub")
                .file("etc/skel/new", "n").file("etc/skel/replaced", "new").bytes());
        assertEquals(List.of("etc/skel"), r.opaqueDirs());
        MergedLayers lowerView = new MergedLayers(List.of(lower));
        int n = LayerUnpacker.hideLower(root, lowerView, "etc/skel");
        assertEquals(2, n, ".bashrc and sub/deep get whiteouts; 'replaced' is replaced by the layer's file");
        MergedLayers merged = new MergedLayers(List.of(lower, root));
        Map<String, MergedLayers.Kind> skel = merged.children("etc/skel");
        assertEquals(Set.of("new", "replaced", "sub"), skel.keySet());
        assertEquals(Set.of(), merged.children("etc/skel/sub").keySet(), "the lower sub/ is hidden as well");
        assertEquals(Set.of("other", "skel"), merged.children("etc").keySet(), "siblings of the opaque dir stay");
    }

    @Test
    void aWhiteoutAndADirectoryOfTheSameNameMakeItOpaque() throws IOException {
        LayerUnpacker.Result r = unpack(new TarBuilder().whiteout("opt", "app").dir("opt/app").file("opt/app/v2", "2")
                .bytes());
        assertEquals(List.of("opt/app"), r.opaqueDirs());
        assertTrue(Files.isDirectory(root.resolve("opt/app"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void umociStyleEndWithoutPaddingOrEofBlocksIsTheEnd() throws IOException {
        byte[] full = new TarBuilder().dir("/").file("a", "abc").bytes();
        // two headers and the three data bytes, nothing after: as umoci 0.4 writes them
        int cut = 512 * 2 + 3;
        byte[] truncated = java.util.Arrays.copyOf(full, cut);
        LayerUnpacker.Result r = unpack(truncated);
        assertEquals("abc", Files.readString(root.resolve("a")));
        assertEquals(Digests.of(truncated), r.diffId());
        Files.delete(root.resolve("a"));
        // cut inside the data: a real truncation
        ImageException e = assertThrows(ImageException.class, () -> unpack(java.util.Arrays.copyOf(full, cut - 1)));
        assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("not a valid tar"), e.getMessage());
    }

    // ---- hostile entries ---------------------------------------------------------------------

    static Stream<Arguments> hostile() {
        return Stream.of(
                Arguments.of("parent-dir", (Function<Path, byte[]>) o -> new TarBuilder().file("../escape", "x").bytes(),
                        "escapes the layer root"),
                Arguments.of("nested-parent-dir", (Function<Path, byte[]>) o -> new TarBuilder()
                        .file("a/../../escape", "x").bytes(), "escapes the layer root"),
                Arguments.of("absolute", (Function<Path, byte[]>) o -> new TarBuilder()
                        .file(o.resolve("abs").toString(), "x").bytes(), "is an absolute path"),
                Arguments.of("symlink-escape", (Function<Path, byte[]>) o -> new TarBuilder()
                        .symlink("lib/up", "../../../../outside").bytes(), "outside the layer root"),
                Arguments.of("write-through-symlink", (Function<Path, byte[]>) o -> new TarBuilder()
                        .symlink("evil", o.toString()).file("evil/pwned", "x").bytes(),
                        "would be written through 'evil', which is a symbolic link"),
                Arguments.of("hardlink-escape", (Function<Path, byte[]>) o -> new TarBuilder()
                        .hardlink("h", "../../../etc/passwd").bytes(), "escapes the layer root"),
                Arguments.of("hardlink-absolute", (Function<Path, byte[]>) o -> new TarBuilder()
                        .hardlink("h", "/etc/passwd").bytes(), "is an absolute path"),
                Arguments.of("hardlink-not-in-layer", (Function<Path, byte[]>) o -> new TarBuilder()
                        .hardlink("h", "etc/shadow").bytes(), "not a file earlier in this layer"),
                Arguments.of("hardlink-through-symlink", (Function<Path, byte[]>) o -> new TarBuilder()
                        .symlink("s", o.toString()).hardlink("h", "s/target").bytes(), "not a file earlier in this layer"),
                Arguments.of("char-device", (Function<Path, byte[]>) o -> new TarBuilder()
                        .charDevice("dev/null", 1, 3).bytes(), "is a character device (1/3)"),
                Arguments.of("whiteout-outside", (Function<Path, byte[]>) o -> new TarBuilder()
                        .file("../.wh.passwd", "").bytes(), "escapes the layer root"),
                Arguments.of("whiteout-of-dotdot", (Function<Path, byte[]>) o -> new TarBuilder()
                        .file("etc/.wh...", "").bytes(), "names no file inside the layer"),
                Arguments.of("whiteout-through-symlink", (Function<Path, byte[]>) o -> new TarBuilder()
                        .symlink("evil", o.toString()).whiteout("evil", "x").bytes(), "which is a symbolic link"),
                Arguments.of("control-character", (Function<Path, byte[]>) o -> new TarBuilder()
                        .file("bad\nname", "x").bytes(), "contains a control character"),
                Arguments.of("oversized", (Function<Path, byte[]>) o -> TarBuilder.claims("big.bin", 11L << 30),
                        "takes the image past 10.0 GB"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void hostileEntriesAreRefusedAndNothingLandsOutside(String name, Function<Path, byte[]> layer, String reason)
            throws IOException {
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwxrwxrwx"));
        byte[] tar = layer.apply(outside);
        ImageException e = assertThrows(ImageException.class, () -> unpack(tar));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertTrue(e.getMessage().startsWith("layer test: "), "names the layer: " + e.getMessage());
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(List.of(), s.toList(), "nothing written outside the layer");
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(Set.of("layer", "outside"), Set.copyOf(s.map(p -> p.getFileName().toString()).toList()));
        }
        assertFalse(Files.exists(tmp.resolve("escape")));
    }
}
