package dev.flint.invoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.function.FunctionDefinition;
import dev.flint.function.FunctionDirectory;
import dev.flint.function.Runtimes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each example in examples/ through the real stack (registry, code store, sandbox, Runtime API):
 * its expected response, a cold first invoke whose REPORT has Init Duration, and a warm second
 * invoke on the same env. Plus {@code scripts/flint run examples/hello-python} as a process.
 */
@RequiresSandboxHost(images = {"python3.11", "provided", "java17"})
class InvokeExamplesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLES = SandboxStack.projectRoot().resolve("examples");

    @TempDir
    Path tmp;
    private SandboxStack stack;

    @BeforeEach
    void setUp() {
        stack = new SandboxStack(tmp.resolve("state"));
    }

    @AfterEach
    void noLeftovers() {
        stack.close();
        List<String> left = stack.leftovers();
        assertTrue(left.isEmpty(), "left behind after close: " + left);
    }

    /** Invokes twice: cold with Init Duration, then warm on the same env without it. */
    private void coldThenWarm(FunctionSpec fn, String payload, String expected) throws IOException {
        InvokeResponse cold = stack.invoke(fn, payload);
        InvokeResponse warm = stack.invoke(fn, payload);

        for (InvokeResponse r : List.of(cold, warm)) {
            assertFalse(r.failed(), SandboxStack.text(r.payload()) + stack.transcript());
            assertEquals(JSON.readTree(expected), JSON.readTree(r.payload()), stack.transcript());
        }
        assertTrue(cold.coldStart());
        assertFalse(warm.coldStart());
        assertTrue(cold.initNanos() > 0);
        assertEquals(1, stack.service.environmentsCreated(), "the second invoke reuses the warm env");
        assertEquals(1, stack.service.idleEnvironments(fn));
        List<String> reports = stack.lines("REPORT RequestId: ");
        assertEquals(2, reports.size(), stack.transcript());
        assertTrue(reports.get(0).startsWith("REPORT RequestId: " + cold.requestId() + "\t"), stack.transcript());
        assertTrue(reports.get(0).matches(".*\tInit Duration: \\d+\\.\\d\\d ms\t"), stack.transcript());
        assertTrue(reports.get(1).startsWith("REPORT RequestId: " + warm.requestId() + "\t"), stack.transcript());
        assertFalse(reports.get(1).contains("Init Duration"), stack.transcript());
        assertTrue(stack.log.contains("START RequestId: " + warm.requestId() + " Version: $LATEST"), stack.transcript());
        assertTrue(stack.log.contains("END RequestId: " + warm.requestId()), stack.transcript());
    }

    @Test
    void helloPython() throws IOException {
        FunctionDefinition def = FunctionDirectory.load(EXAMPLES.resolve("hello-python"));
        assertEquals(Runtimes.PYTHON_311, def.runtime());
        FunctionSpec fn = stack.create(def.withMemoryMb(SandboxStack.FAST_MB));

        coldThenWarm(fn, "{\"key\":\"value\"}", "{\"statusCode\": 200, \"body\": \"Hello World\"}");
        assertEquals("{\"statusCode\": 200, \"body\": \"Hello World\"}",
                SandboxStack.text(stack.invoke(fn, "{}").payload()), "python's json.dumps output, byte for byte");
    }

    @Test
    void customRuntime() throws IOException {
        FunctionDefinition def = FunctionDirectory.load(EXAMPLES.resolve("custom-runtime"));
        assertEquals(Runtimes.PROVIDED, def.runtime());
        FunctionSpec fn = stack.create(def.withMemoryMb(SandboxStack.FAST_MB));

        coldThenWarm(fn, "{\"k\":\"v\"}", "{\"message\":\"Hello from a custom runtime!\",\"event\":{\"k\":\"v\"}}");
        assertTrue(stack.log.contains("handling: {\"k\":\"v\"}"), "the handler's stderr is logged" + stack.transcript());
    }

    /** FunctionDirectory finds the one jar in target/ (flint.json names only runtime and handler). */
    @Test
    void helloJavaDirectoryLoads() {
        Path dir = EXAMPLES.resolve("hello-java");
        Path jar = dir.resolve("target/hello-java.jar");
        assertTrue(Files.isRegularFile(jar), "build it: mvn -q -f examples/hello-java/pom.xml package");

        FunctionDefinition def = FunctionDirectory.load(dir);

        assertEquals(Runtimes.JAVA_17, def.runtime());
        assertEquals("example.Hello::handleRequest", def.handler());
        assertEquals(jar.toAbsolutePath().normalize(), def.code().toAbsolutePath().normalize());
    }

    /** Defined directly with the jar as code, so it does not depend on the directory loader. */
    @Test
    void helloJava() throws IOException {
        Path jar = EXAMPLES.resolve("hello-java/target/hello-java.jar");
        assertTrue(Files.isRegularFile(jar), "build it: mvn -q -f examples/hello-java/pom.xml package");
        FunctionSpec fn = stack.create(new FunctionDefinition("hello-java", Runtimes.JAVA_17,
                "example.Hello::handleRequest", jar, SandboxStack.FAST_MB, 30, Map.of(), null, null));

        coldThenWarm(fn, "{\"k\":\"v\"}", "{\"statusCode\":200,\"body\":\"Hello World\"}");
        assertTrue(stack.log.stream().anyMatch(l -> l.contains("event: {k=v}")),
                "the handler's LambdaLogger line is logged" + stack.transcript());
    }

    /**
     * The CLI as a user runs it. It uses the default state dir (/var/lib/flint): its image store
     * only accepts layers under its own root, so a private state dir cannot borrow the host's images.
     */
    @Test
    void flintRunHelloPython() throws Exception {
        Path root = SandboxStack.projectRoot();
        assertTrue(Files.isRegularFile(root.resolve("target/flint.jar")), "mvn package builds target/flint.jar");
        Path out = tmp.resolve("stdout");
        Path err = tmp.resolve("stderr");
        ProcessBuilder pb = new ProcessBuilder(root.resolve("scripts/flint").toString(), "run", "examples/hello-python")
                .directory(root.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Process p = pb.start();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        String why = "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        assertTrue(exited, "flint run did not finish in 60 s" + why);
        assertEquals(0, p.exitValue(), why);
        assertEquals("{\"statusCode\": 200, \"body\": \"Hello World\"}\n", stdout, why);
        List<String> lines = stderr.lines().toList();
        String start = lines.stream().filter(l -> l.startsWith("START RequestId: ")).findFirst().orElse(null);
        assertTrue(start != null && start.endsWith(" Version: $LATEST"), why);
        String id = start.substring("START RequestId: ".length(), start.indexOf(" Version:"));
        assertTrue(lines.contains("END RequestId: " + id), why);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("REPORT RequestId: " + id + "\tDuration: ")
                && l.contains("\tInit Duration: ") && l.endsWith("\t")), why);
        assertFalse(stderr.contains("Exception"), why);
    }
}
