package dev.flint.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flint.function.FunctionDefinition;
import dev.flint.function.InvalidParameterValueException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InvokeBenchDefinitionTest {
    @TempDir
    Path dir;

    @Test
    void aCodeKeyInFlintJsonNamesTheCode() throws Exception {
        Path fn = Files.createDirectories(dir.resolve("hello-java"));
        Files.createDirectories(fn.resolve("target"));
        Files.write(fn.resolve("target/hello.jar"), new byte[] {'P', 'K', 5, 6});
        Files.writeString(fn.resolve("flint.json"),
                "{\"runtime\":\"java17\",\"handler\":\"example.Hello::handleRequest\",\"code\":\"target/hello.jar\"}");
        FunctionDefinition d = InvokeBench.loadDefinition(fn);
        assertEquals("java17", d.runtime());
        assertEquals("hello-java", d.name());
        assertEquals(fn.resolve("target/hello.jar"), d.code());
    }

    @Test
    void aMissingJarSaysHowToBuildIt() throws Exception {
        Path fn = Files.createDirectories(dir.resolve("j"));
        Files.writeString(fn.resolve("flint.json"),
                "{\"runtime\":\"java17\",\"handler\":\"example.Hello\",\"code\":\"target/x.jar\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InvokeBench.loadDefinition(fn));
        assertEquals(true, e.getMessage().contains("mvn -q -f"));
    }

    @Test
    void otherUnknownKeysStillFail() throws Exception {
        Path fn = Files.createDirectories(dir.resolve("p"));
        Files.writeString(fn.resolve("flint.json"), "{\"runtime\":\"python3.11\",\"bogus\":1}");
        assertThrows(InvalidParameterValueException.class, () -> InvokeBench.loadDefinition(fn));
    }

    @Test
    void aPlainDirectoryLoadsAsFlintRunReadsIt() throws Exception {
        Path fn = Files.createDirectories(dir.resolve("py"));
        Files.writeString(fn.resolve("lambda_function.py"), "def lambda_handler(event, context):\n    return 1\n");
        FunctionDefinition d = InvokeBench.loadDefinition(fn);
        assertEquals("python3.11", d.runtime());
        assertEquals("lambda_function.lambda_handler", d.handler());
    }
}
