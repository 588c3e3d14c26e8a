package dev.flint.function;

import static dev.flint.function.ZipFixtures.patchCentral16;
import static dev.flint.function.ZipFixtures.patchCentral32;
import static dev.flint.function.ZipFixtures.patchEocd16;
import static dev.flint.function.ZipFixtures.rename;
import static dev.flint.function.ZipFixtures.renameLocalOnly;
import static dev.flint.function.ZipFixtures.unixMode;
import static dev.flint.function.ZipFixtures.zip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every hostile-ZIP case is rejected with a clear reason and leaves nothing in the store. */
class CodeStoreHostileZipTest {

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

    private CodeArtifact store(byte[] zip) {
        return store.store(ZipFixtures.write(src, "code.zip", zip));
    }

    private CodeValidationException assertRejected(byte[] zip, String reasonFragment) throws IOException {
        CodeValidationException e = assertThrows(CodeValidationException.class, () -> store(zip));
        assertTrue(e.reason().contains(reasonFragment),
                "reason '" + e.reason() + "' should contain '" + reasonFragment + "'");
        assertTrue(e.getMessage().startsWith("Could not unzip uploaded file."), e.getMessage());
        assertEquals("InvalidParameterValueException", e.errorType());
        assertEquals(400, e.httpStatus());
        assertStoreEmpty();
        return e;
    }

    private void assertStoreEmpty() throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> s = Files.list(root)) {
                List<Path> left = s.toList();
                assertTrue(left.isEmpty(), "left behind: " + left);
            }
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("code", "src"),
                    s.map(p -> p.getFileName().toString()).sorted().toList(), "nothing written outside");
        }
    }

    @Test
    void theSameZipWithoutTheTrickIsAccepted() throws IOException {
        // the control for the cases below: a plain ZIP of the same shape goes in
        CodeArtifact a = store(zip("x", "data", "d/", "", "d/y", "more"));
        assertEquals("data", Files.readString(a.dir().resolve("x")));
        assertEquals("more", Files.readString(a.dir().resolve("d/y")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "../x            | escapes the code directory",
        "a/../../x       | escapes the code directory",
        "a/..            | escapes the code directory",
        "/etc/x          | is an absolute path",
        "a\\..\\..\\x    | contains a backslash",
        "C:/x            | starts with a drive letter",
        "a//b            | has an empty path segment",
    })
    void badNamesAreRejected(String name, String reason) throws IOException {
        assertRejected(zip("ok", "fine", name, "evil"), reason);
    }

    @Test
    void nulInANameIsRejected() throws IOException {
        CodeValidationException e = assertRejected(zip("a\0b", "x"), "contains a NUL byte");
        assertTrue(e.reason().contains("a\\x00b"), "NUL shown escaped: " + e.reason());
    }

    @Test
    void controlCharacterInANameIsRejected() throws IOException {
        assertRejected(zip("a\nb", "x"), "control character");
    }

    @Test
    void nonUtf8NameIsRejected() throws IOException {
        byte[] z = zip("ab", "x");
        int c = ZipFixtures.central(z, "ab");
        int l = ZipFixtures.local(z, "ab");
        z[c + 46] = (byte) 0xFF;
        z[l + 30] = (byte) 0xFF;
        assertRejected(z, "not valid UTF-8");
    }

    @Test
    void duplicateEntriesAreRejected() throws IOException {
        assertRejected(rename(zip("a", "1", "b", "2"), "b", "a"), "duplicate entry 'a'");
    }

    @Test
    void duplicateAfterNormalisationIsRejected() throws IOException {
        // "./a" and "a" name the same file
        assertRejected(rename(zip("a", "1", "xya", "2"), "xya", "./a"), "duplicate entry './a'");
    }

    @Test
    void fileAndDirectoryOfTheSameNameAreRejected() throws IOException {
        assertRejected(zip("a", "1", "a/b", "2"), "inside 'a', which is a file");
    }

    static Stream<Arguments> specialModes() {
        return Stream.of(
                Arguments.of(020644, "character device"),
                Arguments.of(060644, "block device"),
                Arguments.of(010644, "fifo"),
                Arguments.of(0140755, "socket"),
                Arguments.of(0170705, "unknown type"));
    }

    @ParameterizedTest
    @MethodSource("specialModes")
    void specialFilesAreRejected(int mode, String what) throws IOException {
        assertRejected(unixMode(zip("ok", "x", "dev", ""), "dev", mode), what);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "/"})
    void absoluteSymlinksAreRejected(String target) throws IOException {
        assertRejected(unixMode(zip("link", target), "link", 0120777), "points to the absolute path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../outside", "a/../../outside", "..", "d/../.."})
    void symlinksOutOfTheTreeAreRejected(String target) throws IOException {
        assertRejected(unixMode(zip("link", target), "link", 0120777), "outside the code directory");
    }

    @Test
    void symlinkEscapingThroughAnotherSymlinkIsRejected() throws IOException {
        // lexically "d/l1/../../x" is "x", inside; but d/l1 -> "." is d, so the kernel reads ../x
        byte[] z = zip("d/", "", "d/l1", ".", "l2", "d/l1/../../x");
        z = unixMode(unixMode(z, "d/l1", 0120777), "l2", 0120777);
        assertRejected(z, "outside the code directory");
    }

    @Test
    void symlinkLoopIsRejected() throws IOException {
        byte[] z = zip("a", "b/x", "b", "a/y");
        z = unixMode(unixMode(z, "a", 0120777), "b", 0120777);
        assertRejected(z, "loop");
    }

    @Test
    void writingThroughASymlinkIsRejected() throws IOException {
        // "link" -> "d" is harmless alone; "link/x" would write through it
        byte[] z = unixMode(zip("d/", "", "link", "d", "link/x", "data"), "link", 0120777);
        assertRejected(z, "inside 'link', which is a symbolic link");
    }

    @Test
    void symlinksInsideTheTreeAreKept() throws IOException {
        byte[] z = zip("d/", "", "d/f", "data", "d/up", "../top", "top", "t", "rel", "d/f");
        z = unixMode(unixMode(z, "d/up", 0120777), "rel", 0120777);
        CodeArtifact a = store(z);
        assertTrue(Files.isSymbolicLink(a.dir().resolve("rel")));
        assertEquals("d/f", Files.readSymbolicLink(a.dir().resolve("rel")).toString());
        assertEquals("data", Files.readString(a.dir().resolve("rel")));
        assertEquals("t", Files.readString(a.dir().resolve("d/up")));
    }

    @Test
    void encryptedEntriesAreRejected() throws IOException {
        assertRejected(patchCentral16(zip("a", "x"), "a", 8, 0x0001 | 0x0008), "encrypted");
    }

    @Test
    void unsupportedMethodIsRejected() throws IOException {
        assertRejected(patchCentral16(zip("a", "x"), "a", 10, 12), "compression method 12");
    }

    @Test
    void zip64IsRejected() throws IOException {
        assertRejected(patchEocd16(zip("a", "x"), 10, 0xFFFF), "ZIP64");
    }

    @Test
    void zip64EntrySizesAreRejected() throws IOException {
        assertRejected(patchCentral32(zip("a", "x"), "a", 24, 0xFFFFFFFFL), "ZIP64");
    }

    @Test
    void multiDiskIsRejected() throws IOException {
        assertRejected(patchEocd16(zip("a", "x"), 4, 1), "multi-disk");
    }

    @Test
    void notAZipIsRejected() throws IOException {
        byte[] junk = new byte[4096];
        new Random(1).nextBytes(junk);
        assertRejected(junk, "not a ZIP file");
    }

    @Test
    void localNameDifferingFromCentralIsRejected() throws IOException {
        assertRejected(renameLocalOnly(zip("safe", "x"), "safe", "../x"), "disagree on the name");
    }

    @Test
    void crcMismatchIsRejected() throws IOException {
        assertRejected(patchCentral32(zip("a", "hello"), "a", 16, 0x12345678L), "CRC");
    }

    @Test
    void moreDataThanDeclaredIsCaughtWhileInflating() throws IOException {
        // the header claims 10 bytes; 100,000 come out: counted, not trusted
        byte[] z = patchCentral32(zip("a", "y".repeat(100_000)), "a", 24, 10);
        assertRejected(z, "inflates to more than its declared size of 10 bytes");
    }

    @Test
    void lessDataThanDeclaredIsRejected() throws IOException {
        assertRejected(patchCentral32(zip("a", "hello"), "a", 24, 6), "header says 6");
    }

    @Test
    void tooManyEntriesAreRejected() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i <= 10_000; i++) {
            m.put("f" + i, new byte[0]);
        }
        assertRejected(ZipFixtures.zip(m), "10001 entries, more than the limit of 10000");
    }

    @Test
    void entryLimitBoundary() throws IOException {
        CodeStore small = new CodeStore(root, new CodeStore.Limits(52_428_800L, 262_144_000L, 3, 100, 1L << 20));
        byte[] three = zip("a", "1", "b", "2", "c", "3");
        assertTrue(Files.isDirectory(small.store(ZipFixtures.write(src, "3.zip", three)).dir()));
        byte[] four = zip("a", "1", "b", "2", "c", "3", "d", "4");
        CodeValidationException e = assertThrows(CodeValidationException.class,
                () -> small.store(ZipFixtures.write(src, "4.zip", four)));
        assertTrue(e.reason().contains("4 entries"), e.reason());
    }

    @Test
    void unzippedTotalLimitBoundary() throws IOException {
        CodeStore small = new CodeStore(root, new CodeStore.Limits(52_428_800L, 1000, 100, 100, 1L << 20));
        byte[] exactly = zip("a", "x".repeat(600), "b", "y".repeat(400));
        assertTrue(Files.isDirectory(small.store(ZipFixtures.write(src, "ok.zip", exactly)).dir()));
        small.remove(CodeStore.codeSha256(src.resolve("ok.zip")));
        byte[] over = zip("a", "x".repeat(600), "b", "y".repeat(401));
        CodeValidationException e = assertThrows(CodeValidationException.class,
                () -> small.store(ZipFixtures.write(src, "over.zip", over)));
        assertEquals("Unzipped size must be smaller than 1000 bytes", e.reason());
        assertStoreEmpty();
    }

    @Test
    void unzippedTotalIsCountedNotDeclared() throws IOException {
        // declared sizes add up to 20 bytes (under the limit); real data is 2,000
        CodeStore small = new CodeStore(root, new CodeStore.Limits(52_428_800L, 1000, 100, 100_000, 1L << 20));
        byte[] z = patchCentral32(patchCentral32(
                zip("a", "x".repeat(1000), "b", "y".repeat(1000)), "a", 24, 10), "b", 24, 10);
        CodeValidationException e = assertThrows(CodeValidationException.class,
                () -> small.store(ZipFixtures.write(src, "lie.zip", z)));
        assertTrue(e.reason().contains("declared size") || e.reason().contains("Unzipped size"), e.reason());
        assertStoreEmpty();
    }

    @Test
    void defaultUnzippedLimitIs250Mb() {
        assertEquals(262_144_000L, CodeStore.Limits.DEFAULTS.maxUnzippedBytes());
        assertEquals(52_428_800L, CodeStore.Limits.DEFAULTS.maxZippedBytes());
        assertEquals(10_000, CodeStore.Limits.DEFAULTS.maxEntries());
        assertEquals(100, CodeStore.Limits.DEFAULTS.maxRatio());
    }

    @Test
    void zipBombEntryIsRejected() throws IOException {
        // 4 MiB of zeros deflate to ~4 KB: ratio ~1000:1
        assertRejected(zip("bomb", new byte[4 << 20]), "compression ratio above 100:1");
    }

    @Test
    void smallHighlyCompressibleFilesAreFine() throws IOException {
        // 512 KiB of zeros is also > 100:1, but under the 1 MiB floor of the ratio check
        CodeArtifact a = store(zip("zeros", new byte[512 << 10]));
        assertEquals(512 << 10, Files.size(a.dir().resolve("zeros")));
    }

    @Test
    void zippedSizeLimitBoundary() throws IOException {
        byte[] random = new byte[2000];
        new Random(7).nextBytes(random);
        byte[] z = zip("r", random);
        CodeStore atLimit = new CodeStore(root, new CodeStore.Limits(z.length, 262_144_000L, 10, 100, 1L << 20));
        assertTrue(Files.isDirectory(atLimit.store(ZipFixtures.write(src, "a.zip", z)).dir()));
        CodeStore under = new CodeStore(tmp.resolve("code2"), new CodeStore.Limits(z.length - 1, 262_144_000L, 10, 100, 1L << 20));
        RequestTooLargeException e = assertThrows(RequestTooLargeException.class,
                () -> under.store(ZipFixtures.write(src, "a.zip", z)));
        assertEquals(413, e.httpStatus());
        assertTrue(e.getMessage().contains(String.valueOf(z.length - 1)), e.getMessage());
        try (Stream<Path> s = Files.list(tmp.resolve("code2"))) {
            assertEquals(0, s.count(), "nothing left behind");
        }
    }

    @Test
    void rejectedZipDoesNotDisturbCodeAlreadyStored() throws IOException {
        CodeArtifact good = store(zip("a", "x"));
        assertThrows(CodeValidationException.class, () -> store(zip("../x", "y")));
        try (Stream<Path> s = Files.list(root)) {
            assertEquals(List.of(good.dir()), s.toList());
        }
        assertFalse(Files.exists(tmp.resolve("x"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void symlinkTargetIsReadAsUtf8() throws IOException {
        byte[] z = unixMode(zip("l\u00e9", "caf\u00e9"), "l\u00e9", 0120777);
        CodeArtifact a = store(z);
        assertEquals("caf\u00e9", Files.readSymbolicLink(a.dir().resolve("l\u00e9")).toString());
    }
}
