package dev.flint.function;

import static dev.flint.function.ZipFixtures.zip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionRegistryTest {

    @TempDir Path tmp;
    Path root;
    Path src;
    MutableClock clock;
    FunctionRegistry registry;

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2024-01-01T12:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        root = tmp.resolve("flint");
        src = Files.createDirectories(tmp.resolve("src"));
        clock = new MutableClock();
        registry = newRegistry();
    }

    private FunctionRegistry newRegistry() {
        return new FunctionRegistry(SqliteFunctionStore.open(root), new CodeStore(root.resolve("code")), clock);
    }

    private Path code(String name, String content) throws IOException {
        Path d = Files.createDirectories(src.resolve(name));
        Files.writeString(d.resolve("app.py"), content);
        return d;
    }

    private FunctionDefinition def(String name, Path code) {
        return FunctionDefinition.of(name, "python3.11", "app.lambda_handler", code);
    }

    private List<String> codeDirs() throws IOException {
        try (Stream<Path> s = Files.list(root.resolve("code"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void createThenGetListAndRequire() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ZZ", "1");
        env.put("AA", "2");
        FunctionConfig c = registry.create(def("hello", code("a", "def lambda_handler(e, c): pass"))
                .withMemoryMb(256).withEnvironment(env).withDescription("d"));
        assertEquals("hello", c.name());
        assertEquals(256, c.memoryMb());
        assertEquals("$LATEST", c.version());
        assertEquals("2024-01-01T12:00:00.000+0000", c.lastModifiedText());
        assertTrue(Files.isRegularFile(c.codeDir().resolve("app.py")));
        assertEquals(Optional.of(c), registry.get("hello"));
        assertEquals(c, registry.require("hello"));
        assertEquals(List.of(c), registry.list());
        assertEquals(List.of("ZZ", "AA"), List.copyOf(registry.require("hello").environment().keySet()));
    }

    @Test
    void recordIsWrittenToSqliteAndSurvivesARestart() throws IOException {
        FunctionConfig c = registry.create(def("hello", code("a", "x")));
        assertTrue(Files.isRegularFile(root.resolve("flint.db")));
        assertFalse(Files.exists(root.resolve("functions")), "no JSON records any more");
        registry.close();
        try (FunctionRegistry again = newRegistry()) {
            assertEquals(Optional.of(c), again.get("hello"));
        }
    }

    @Test
    void createTwiceIsAConflict() throws IOException {
        FunctionConfig first = registry.create(def("hello", code("a", "x")));
        ResourceConflictException e = assertThrows(ResourceConflictException.class,
                () -> registry.create(def("hello", code("b", "y"))));
        assertEquals("Function already exist: hello", e.getMessage());
        assertEquals(409, e.httpStatus());
        assertEquals(first, registry.require("hello"));
        assertEquals(List.of(first.codeDir().getFileName().toString()), codeDirs(), "the second code was not stored");
    }

    @Test
    void missingFunctionIsNotFoundWithItsArn() {
        assertEquals(Optional.empty(), registry.get("nope"));
        ResourceNotFoundException e = assertThrows(ResourceNotFoundException.class, () -> registry.require("nope"));
        assertEquals("Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope", e.getMessage());
        assertEquals(404, e.httpStatus());
        FunctionConfigTest.withProperties(() -> assertEquals(
                "Function not found: arn:aws:lambda:eu-west-1:123456789012:function:nope",
                assertThrows(ResourceNotFoundException.class, () -> registry.delete("nope")).getMessage()));
    }

    @Test
    void invalidNameIsAValidationErrorNotAPath() {
        assertThrows(ValidationException.class, () -> registry.get("../../etc"));
        assertThrows(ValidationException.class, () -> registry.require("a/b"));
    }

    @Test
    void listIsSortedByName() throws IOException {
        Path c = code("a", "x");
        for (String n : List.of("b", "c", "a")) {
            registry.create(def(n, c));
        }
        assertEquals(List.of("a", "b", "c"), registry.list().stream().map(FunctionConfig::name).toList());
    }

    @Test
    void updateConfigurationChangesOnlyGivenFields() throws IOException {
        FunctionConfig before = registry.create(def("f", code("a", "x")).withTimeoutSeconds(10));
        clock.now = clock.now.plusSeconds(60);
        FunctionConfig after = registry.updateConfiguration("f", FunctionUpdate.none().withMemoryMb(512));
        assertEquals(512, after.memoryMb());
        assertEquals(10, after.timeoutSeconds());
        assertEquals(before.handler(), after.handler());
        assertEquals(before.codeSha256(), after.codeSha256());
        assertEquals("2024-01-01T12:01:00.000+0000", after.lastModifiedText());
        assertEquals(after, newRegistry().require("f"));
    }

    @Test
    void invalidUpdateChangesNothing() throws IOException {
        FunctionConfig before = registry.create(def("f", code("a", "x")));
        assertThrows(ValidationException.class,
                () -> registry.updateConfiguration("f", FunctionUpdate.none().withMemoryMb(5000)));
        assertThrows(InvalidParameterValueException.class,
                () -> registry.updateConfiguration("f", FunctionUpdate.none().withEnvironment(Map.of("AWS_REGION", "x"))));
        assertEquals(before, registry.require("f"));
    }

    @Test
    void updateCodeReplacesAndDropsUnusedCode() throws IOException {
        FunctionConfig before = registry.create(def("f", code("a", "one")));
        clock.now = clock.now.plusSeconds(1);
        FunctionConfig after = registry.updateCode("f", code("b", "two"));
        assertNotEquals(before.codeSha256(), after.codeSha256());
        assertEquals("two", Files.readString(after.codeDir().resolve("app.py")));
        assertFalse(Files.exists(before.codeDir()), "old code was unreferenced");
        assertEquals(List.of(after.codeDir().getFileName().toString()), codeDirs());
        assertEquals(after, registry.require("f"));
    }

    @Test
    void sharedCodeStaysUntilTheLastUserGoes() throws IOException {
        Path shared = code("a", "same");
        FunctionConfig f = registry.create(def("f", shared));
        FunctionConfig g = registry.create(def("g", shared));
        assertEquals(f.codeDir(), g.codeDir());
        registry.updateCode("f", code("b", "other"));
        assertTrue(Files.isDirectory(g.codeDir()), "g still uses it");
        registry.delete("g");
        assertFalse(Files.exists(g.codeDir()), "now unreferenced");
        assertEquals(List.of("f"), registry.list().stream().map(FunctionConfig::name).toList());
    }

    @Test
    void deleteRemovesRecordAndCode() throws IOException {
        FunctionConfig f = registry.create(def("f", code("a", "x")));
        registry.delete("f");
        assertEquals(Optional.empty(), registry.get("f"));
        assertFalse(Files.exists(f.codeDir()));
        assertThrows(ResourceNotFoundException.class, () -> registry.delete("f"));
    }

    @Test
    void rejectedCodeCreatesNothing() throws IOException {
        Path bad = ZipFixtures.write(src, "bad.zip", zip("../evil", "x"));
        assertThrows(CodeValidationException.class, () -> registry.create(def("f", bad)));
        assertEquals(Optional.empty(), registry.get("f"));
        assertEquals(List.of(), codeDirs());
    }

    @Test
    void createFromZip() throws IOException {
        Path z = ZipFixtures.write(src, "f.zip", zip("app.py", "def lambda_handler(e, c): pass"));
        FunctionConfig f = registry.create(def("f", z));
        assertEquals(Files.size(z), f.codeSize());
        assertEquals(CodeStore.codeSha256(z), f.codeSha256());
    }
}
