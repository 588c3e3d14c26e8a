package dev.flint.function;

import static dev.flint.function.ZipFixtures.unixMode;
import static dev.flint.function.ZipFixtures.zip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeStoreTest {

    @TempDir Path tmp;
    Path root;
    Path src;
    CodeStore store;

    @BeforeEach
    void setUp() throws IOException {
        root = tmp.resolve("code");
        src = Files.createDirectories(tmp.resolve("src"));
        store = new CodeStore(root);
    }

    private static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private Path tree(String name) throws IOException {
        Path d = Files.createDirectories(src.resolve(name));
        Files.writeString(d.resolve("lambda_function.py"), "def lambda_handler(e, c):\n    return 1\n");
        Files.createDirectories(d.resolve("lib/sub"));
        Files.writeString(d.resolve("lib/sub/data.txt"), "data");
        Path boot = Files.writeString(d.resolve("bootstrap"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(boot, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(d.resolve("lib/link"), Path.of("sub/data.txt"));
        return d;
    }

    @Test
    void shaIsBase64OfTheZipsSha256AndSizeIsTheZipsSize() throws Exception {
        byte[] z = zip("a", "hello");
        CodeArtifact a = store.store(ZipFixtures.write(src, "a.zip", z));
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(z);
        assertEquals(Base64.getEncoder().encodeToString(digest), a.sha256());
        assertEquals(z.length, a.size());
        assertEquals(HexFormat.of().formatHex(digest), a.hex());
        assertEquals(root.resolve(a.hex()), a.dir());
        assertEquals("hello", Files.readString(a.dir().resolve("a")));
    }

    @Test
    void extractedTreeIsReadOnlyAndKeepsTheExecBit() throws IOException {
        byte[] z = zip("bin/", "", "bin/tool", "#!/bin/sh", "data.txt", "d", "setuid", "x");
        z = unixMode(z, "bin/tool", 0100750);
        z = unixMode(z, "data.txt", 0100666);
        z = unixMode(z, "setuid", 0104755);
        CodeArtifact a = store.store(ZipFixtures.write(src, "a.zip", z));
        assertEquals("r-xr-xr-x", perms(a.dir()));
        assertEquals("r-xr-xr-x", perms(a.dir().resolve("bin")));
        assertEquals("r-xr-xr-x", perms(a.dir().resolve("bin/tool")));
        assertEquals("r--r--r--", perms(a.dir().resolve("data.txt")));
        assertEquals("r-xr-xr-x", perms(a.dir().resolve("setuid")), "setuid bit dropped");
        assertEquals("rwxr-xr-x", perms(root), "uid 993 must traverse the root");
    }

    @Test
    void implicitDirectoriesAreReadOnlyToo() throws IOException {
        CodeArtifact a = store.store(ZipFixtures.write(src, "a.zip", zip("x/y/z.txt", "1")));
        assertEquals("r-xr-xr-x", perms(a.dir().resolve("x")));
        assertEquals("r-xr-xr-x", perms(a.dir().resolve("x/y")));
        assertEquals("r--r--r--", perms(a.dir().resolve("x/y/z.txt")));
    }

    @Test
    void pythonStyleModeWithoutTypeBitsIsARegularFile() throws IOException {
        // Python's zipfile.writestr stores 0600 << 16 on a unix host: permission bits, no type
        byte[] z = unixMode(zip("f", "x"), "f", 0600);
        CodeArtifact a = store.store(ZipFixtures.write(src, "a.zip", z));
        assertTrue(Files.isRegularFile(a.dir().resolve("f"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("r--r--r--", perms(a.dir().resolve("f")));
    }

    @Test
    void directoryPackingIsStableAcrossMtimesAndPermissionNoise() throws IOException {
        Path one = tree("one");
        Path two = tree("two");
        Files.setLastModifiedTime(two.resolve("lib/sub/data.txt"), FileTime.fromMillis(0));
        Files.setPosixFilePermissions(two.resolve("lambda_function.py"), PosixFilePermissions.fromString("rw-------"));
        String a = store.store(one).sha256();
        String b = store.store(two).sha256();
        assertEquals(a, b);
        assertEquals(a, store.store(one).sha256(), "same tree again");
    }

    @Test
    void directoryShaChangesWithContentExecBitOrSymlinkTarget() throws IOException {
        String base = store.store(tree("base")).sha256();
        Path content = tree("content");
        Files.writeString(content.resolve("lib/sub/data.txt"), "datb");
        Path exec = tree("exec");
        Files.setPosixFilePermissions(exec.resolve("bootstrap"), PosixFilePermissions.fromString("rw-r--r--"));
        Path link = tree("link");
        Files.delete(link.resolve("lib/link"));
        Files.createSymbolicLink(link.resolve("lib/link"), Path.of("sub"));
        for (Path p : List.of(content, exec, link)) {
            assertNotEquals(base, store.store(p).sha256(), p.toString());
        }
    }

    @Test
    void packedDirectoryRoundTripsFilesExecBitsAndSymlinks() throws IOException {
        CodeArtifact a = store.store(tree("t"));
        assertEquals("data", Files.readString(a.dir().resolve("lib/sub/data.txt")));
        assertEquals("r-xr-xr-x", perms(a.dir().resolve("bootstrap")));
        assertEquals("r--r--r--", perms(a.dir().resolve("lambda_function.py")));
        assertTrue(Files.isSymbolicLink(a.dir().resolve("lib/link")));
        assertEquals(Path.of("sub/data.txt"), Files.readSymbolicLink(a.dir().resolve("lib/link")));
    }

    @Test
    void directoryAndItsZipGetTheSameShaWhenTheZipIsTheDeterministicOne() throws IOException {
        Path dir = tree("t");
        Path packed = src.resolve("packed.zip");
        DirectoryPacker.pack(dir, packed, CodeStore.Limits.DEFAULTS);
        assertEquals(CodeStore.codeSha256(packed), store.store(dir).sha256());
        assertEquals(store.store(dir).sha256(), store.store(packed).sha256());
    }

    @Test
    void directoryWithAnEscapingSymlinkIsRejectedLikeAZip() throws IOException {
        Path d = Files.createDirectories(src.resolve("bad"));
        Files.createSymbolicLink(d.resolve("l"), Path.of("/etc/passwd"));
        CodeValidationException e = assertThrows(CodeValidationException.class, () -> store.store(d));
        assertTrue(e.reason().contains("absolute path"), e.reason());
        try (Stream<Path> s = Files.list(root)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void directoryOverTheUnzippedLimitIsRefusedWhilePacking() throws IOException {
        CodeStore small = new CodeStore(root, new CodeStore.Limits(52_428_800L, 10, 10, 100, 1L << 20));
        Path d = Files.createDirectories(src.resolve("big"));
        Files.writeString(d.resolve("f"), "x".repeat(11));
        CodeValidationException e = assertThrows(CodeValidationException.class, () -> small.store(d));
        assertEquals("Unzipped size must be smaller than 10 bytes", e.reason());
    }

    @Test
    void codeIsExtractedOncePerSha() throws IOException {
        Path z = ZipFixtures.write(src, "a.zip", zip("a", "1"));
        CodeArtifact first = store.store(z);
        Object key = Files.readAttributes(first.dir(), java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        CodeArtifact second = store.store(z);
        assertEquals(first, second);
        assertEquals(key, Files.readAttributes(second.dir(), java.nio.file.attribute.BasicFileAttributes.class).fileKey(),
                "the same directory, not a fresh extraction");
    }

    @Test
    void concurrentStoresOfTheSameCodeAreSafe() throws Exception {
        Map200 m = new Map200();
        Path z = ZipFixtures.write(src, "a.zip", ZipFixtures.zip(m.entries));
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<CodeArtifact>> results = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                Callable<CodeArtifact> c = () -> {
                    go.await();
                    return store.store(z);
                };
                results.add(pool.submit(c));
            }
            go.countDown();
            CodeArtifact first = results.get(0).get();
            for (Future<CodeArtifact> f : results) {
                assertEquals(first, f.get());
            }
            try (Stream<Path> s = Files.list(root)) {
                assertEquals(List.of(first.dir()), s.toList(), "one directory, no temp leftovers");
            }
            try (Stream<Path> s = Files.list(first.dir())) {
                assertEquals(200, s.count());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** 200 files, so extraction takes long enough for the stores to overlap. */
    private static final class Map200 {
        final java.util.Map<String, byte[]> entries = new java.util.LinkedHashMap<>();

        Map200() {
            for (int i = 0; i < 200; i++) {
                entries.put("f" + i, ("content " + i).getBytes());
            }
        }
    }

    @Test
    void findAndRemove() throws IOException {
        CodeArtifact a = store.store(ZipFixtures.write(src, "a.zip", zip("bin/x", "1")));
        assertEquals(Optional.of(a.dir()), store.find(a.sha256()));
        assertEquals(Optional.of(a.dir()), store.find(a.hex()), "hex works too");
        assertTrue(store.remove(a.sha256()));
        assertFalse(Files.exists(a.dir()));
        assertEquals(Optional.empty(), store.find(a.sha256()));
        assertFalse(store.remove(a.sha256()), "second remove finds nothing");
        try (Stream<Path> s = Files.list(root)) {
            assertEquals(0, s.count(), "no temp leftovers");
        }
    }

    @Test
    void badShaIsRejected() {
        assertThrows(InvalidParameterValueException.class, () -> store.find("../../etc"));
        assertThrows(InvalidParameterValueException.class, () -> store.find("aGVsbG8="));
    }

    @Test
    void missingCodePathIsRejected() {
        InvalidParameterValueException e = assertThrows(InvalidParameterValueException.class,
                () -> store.store(src.resolve("nope")));
        assertTrue(e.getMessage().contains("neither a directory nor a ZIP"), e.getMessage());
    }
}
