package dev.flint.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FunctionDirectoryTest {

    @TempDir Path tmp;

    private Path dir(String name) throws IOException {
        return Files.createDirectories(tmp.resolve(name));
    }

    private static void executable(Path p) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lambda_function", "app", "handler"})
    void pythonModuleDefiningLambdaHandler(String module) throws IOException {
        Path d = dir("py");
        Files.writeString(d.resolve(module + ".py"), "import json\n\ndef lambda_handler(event, context):\n    return event\n");
        FunctionDefinition def = FunctionDirectory.load(d);
        assertEquals("python3.11", def.runtime());
        assertEquals(module + ".lambda_handler", def.handler());
        assertEquals("py", def.name());
        assertEquals(d, def.code());
        assertEquals(128, def.memoryMb());
        assertEquals(3, def.timeoutSeconds());
    }

    @Test
    void lambdaFunctionWinsOverAppAndFilesWithoutTheHandlerAreSkipped() throws IOException {
        Path d = dir("py");
        Files.writeString(d.resolve("lambda_function.py"), "def other(): pass\n");
        Files.writeString(d.resolve("app.py"), "def lambda_handler(e, c): pass\n");
        Files.writeString(d.resolve("handler.py"), "def lambda_handler(e, c): pass\n");
        assertEquals("app.lambda_handler", FunctionDirectory.load(d).handler());
    }

    @Test
    void executableBootstrapIsProvided() throws IOException {
        Path d = dir("custom");
        Path b = Files.writeString(d.resolve("bootstrap"), "#!/bin/sh\n");
        executable(b);
        FunctionDefinition def = FunctionDirectory.load(d);
        assertEquals("provided", def.runtime());
        assertEquals("function.handler", def.handler());
    }

    @Test
    void nonExecutableBootstrapSaysChmod() throws IOException {
        Path d = dir("custom");
        Files.writeString(d.resolve("bootstrap"), "#!/bin/sh\n");
        InvalidParameterValueException e = assertThrows(InvalidParameterValueException.class,
                () -> FunctionDirectory.load(d));
        assertTrue(e.getMessage().contains("chmod +x bootstrap"), e.getMessage());
    }

    @Test
    void jarWithoutFlintJsonAsksForIt() throws IOException {
        Path d = dir("java");
        Files.createDirectories(d.resolve("target"));
        Files.write(d.resolve("target/fn-1.0.jar"), ZipFixtures.zip("example/Handler.class", "x"));
        InvalidParameterValueException e = assertThrows(InvalidParameterValueException.class,
                () -> FunctionDirectory.load(d));
        assertTrue(e.getMessage().contains("java17 functions need a flint.json"), e.getMessage());
        assertTrue(e.getMessage().contains("fn-1.0.jar"), e.getMessage());
    }

    @Test
    void javaWithFlintJsonUsesTheJarAsCode() throws IOException {
        Path d = dir("java");
        Files.createDirectories(d.resolve("target"));
        Path jar = d.resolve("target/fn-1.0.jar");
        Files.write(jar, ZipFixtures.zip("example/Handler.class", "x"));
        Files.writeString(d.resolve("flint.json"),
                "{\"runtime\":\"java17\",\"handler\":\"example.Handler::handleRequest\",\"memory\":512}");
        FunctionDefinition def = FunctionDirectory.load(d);
        assertEquals("java17", def.runtime());
        assertEquals("example.Handler::handleRequest", def.handler());
        assertEquals(jar, def.code());
        assertEquals(512, def.memoryMb());
    }

    @Test
    void java17WithoutHandlerSaysSo() throws IOException {
        Path d = dir("java");
        Files.writeString(d.resolve("flint.json"), "{\"runtime\":\"java17\"}");
        InvalidParameterValueException e = assertThrows(InvalidParameterValueException.class,
                () -> FunctionDirectory.load(d));
        assertTrue(e.getMessage().contains("no handler"), e.getMessage());
    }

    @Test
    void flintJsonGivesEverything() throws IOException {
        Path d = dir("whatever");
        Files.writeString(d.resolve("flint.json"), """
                {"name":"hello","runtime":"provided.al2023","handler":"my.handler","memory":256,
                 "timeout":30,"environment":{"ZZ":"1","AA":"2"},"ephemeralStorage":1024,
                 "description":"hi"}
                """);
        FunctionDefinition def = FunctionDirectory.load(d);
        assertEquals(new FunctionDefinition("hello", "provided.al2023", "my.handler", d, 256, 30,
                Map.of("ZZ", "1", "AA", "2"), 1024, "hi"), def);
        assertEquals(List.of("ZZ", "AA"), List.copyOf(def.environment().keySet()));
    }

    @Test
    void flintJsonRuntimeWithoutHandlerInfersTheModule() throws IOException {
        Path d = dir("py");
        Files.writeString(d.resolve("handler.py"), "async def lambda_handler(e, c): pass\n");
        Files.writeString(d.resolve("flint.json"), "{\"runtime\":\"python3.11\",\"timeout\":60}");
        FunctionDefinition def = FunctionDirectory.load(d);
        assertEquals("handler.lambda_handler", def.handler());
        assertEquals(60, def.timeoutSeconds());
    }

    @Test
    void snapStartIsReadAndValidated() throws IOException {
        Path d = dir("py");
        Files.writeString(d.resolve("lambda_function.py"), "def lambda_handler(e, c): pass\n");
        assertEquals("None", FunctionDirectory.snapStart(d), "no flint.json");
        Files.writeString(d.resolve("flint.json"), "{\"runtime\":\"python3.11\"}");
        assertEquals("None", FunctionDirectory.snapStart(d), "not named");
        Files.writeString(d.resolve("flint.json"), "{\"runtime\":\"python3.11\",\"snapStart\":\"PublishedVersions\"}");
        assertEquals("PublishedVersions", FunctionDirectory.snapStart(d));
        assertEquals("lambda_function.lambda_handler", FunctionDirectory.load(d).handler());
        Files.writeString(d.resolve("flint.json"), "{\"runtime\":\"python3.11\",\"snapStart\":\"None\"}");
        assertEquals("None", FunctionDirectory.snapStart(d));

        Files.writeString(d.resolve("flint.json"), "{\"runtime\":\"python3.11\",\"snapStart\":\"Always\"}");
        InvalidParameterValueException e = assertThrows(InvalidParameterValueException.class,
                () -> FunctionDirectory.load(d));
        assertTrue(e.getMessage().contains("snapStart must be \"PublishedVersions\" or \"None\""), e.getMessage());
        assertThrows(InvalidParameterValueException.class, () -> FunctionDirectory.snapStart(d));
    }

    /** Every example's flint.json loads, and the SnapStart ones ask for it. */
    @Test
    void examplesLoad() {
        Path examples = Path.of(System.getProperty("flint.home", ".")).resolve("examples");
        for (String name : List.of("hello-python", "snapstart-python", "snapstart-python-heavy")) {
            FunctionDefinition def = FunctionDirectory.load(examples.resolve(name));
            assertEquals("python3.11", def.runtime(), name);
        }
        for (String name : List.of("snapstart-python", "snapstart-python-heavy", "snapstart-java")) {
            assertEquals("PublishedVersions", FunctionDirectory.snapStart(examples.resolve(name)), name);
        }
        assertEquals("None", FunctionDirectory.snapStart(examples.resolve("hello-python")));
    }

    @Test
    void unknownKeyInFlintJsonIsNamed() throws IOException {
        Path d = dir("py");
        Files.writeString(d.resolve("flint.json"), "{\"runtime\":\"python3.11\",\"memorySize\":256}");
        InvalidParameterValueException e = assertThrows(InvalidParameterValueException.class,
                () -> FunctionDirectory.load(d));
        assertTrue(e.getMessage().contains("unknown key 'memorySize'"), e.getMessage());
        assertTrue(e.getMessage().contains("known keys: name, runtime, handler, memory"), e.getMessage());
    }

    @Test
    void malformedFlintJsonSaysWhere() throws IOException {
        Path d = dir("py");
        Files.writeString(d.resolve("flint.json"), "{\"memory\": \"lots\"}");
        InvalidParameterValueException e = assertThrows(InvalidParameterValueException.class,
                () -> FunctionDirectory.load(d));
        assertTrue(e.getMessage().contains("flint.json") && e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void flintJsonValuesAreValidated() throws IOException {
        Path d = dir("py");
        Files.writeString(d.resolve("app.py"), "def lambda_handler(e, c): pass\n");
        Files.writeString(d.resolve("flint.json"), "{\"memory\":64}");
        assertThrows(ValidationException.class, () -> FunctionDirectory.load(d));
    }

    @Test
    void nothingToInferListsWhatWasLookedFor() throws IOException {
        Path d = dir("empty");
        Files.writeString(d.resolve("README.md"), "hi");
        InvalidParameterValueException e = assertThrows(InvalidParameterValueException.class,
                () -> FunctionDirectory.load(d));
        for (String looked : List.of("flint.json", "lambda_function.py", "app.py", "handler.py",
                "bootstrap", "*.jar", "target/*.jar")) {
            assertTrue(e.getMessage().contains(looked), looked + " missing from: " + e.getMessage());
        }
    }

    @Test
    void notADirectory() {
        assertThrows(InvalidParameterValueException.class, () -> FunctionDirectory.load(tmp.resolve("nope")));
    }

    @Test
    void defaultNameIsSanitised() {
        assertEquals("my-fn-v2", FunctionDirectory.defaultName(Path.of("/x/my fn.v2")));
        assertEquals("a".repeat(64), FunctionDirectory.defaultName(Path.of("/x/" + "a".repeat(80))));
        assertEquals("function", FunctionDirectory.defaultName(Path.of("/")));
        assertEquals("ok_name-1", FunctionDirectory.defaultName(Path.of("ok_name-1")));
    }

    @Test
    void loadedDirectoryCreatesARunnableFunction() throws IOException {
        Path d = dir("hello");
        Files.writeString(d.resolve("lambda_function.py"), "def lambda_handler(e, c):\n    return 'hi'\n");
        FunctionRegistry registry = new FunctionRegistry(tmp.resolve("state"));
        FunctionConfig c = registry.create(FunctionDirectory.load(d));
        assertEquals("hello", c.name());
        assertEquals("python3.11", c.image());
        assertEquals("r--r--r--", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(c.codeDir().resolve("lambda_function.py"))));
    }
}
