package dev.flint.invoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.function.CodeValidationException;
import dev.flint.function.FunctionConfig;
import dev.flint.function.FunctionDefinition;
import dev.flint.function.FunctionRegistry;
import dev.flint.function.Runtimes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Function code from ZIP to /var/task: hostile ZIPs are refused with a clear reason and leave
 * nothing in the code store (these run anywhere); a good ZIP is extracted read-only, and inside
 * the sandbox the function sees the contract's filesystem, identity, variables and context
 * (privileged).
 */
class FunctionCodeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HANDLER = "lambda_function.lambda_handler";
    private static final String GOOD_PY = "def lambda_handler(event, context):\n    return 'ok'\n";

    @TempDir
    Path tmp;
    private SandboxStack stack;

    @AfterEach
    void noLeftovers() {
        if (stack != null) {
            stack.close();
            List<String> left = stack.leftovers();
            assertTrue(left.isEmpty(), "left behind after close: " + left + stack.transcript());
        }
    }

    // ---- hostile ZIPs --------------------------------------------------------------------------

    static Stream<Arguments> hostileZips() {
        return Stream.of(
                Arguments.of("parent-dir", (UnaryOperator<ZipBuilder>) z -> z.file("../x", "escape"),
                        "entry '../x' escapes the code directory"),
                Arguments.of("nested-parent-dir", (UnaryOperator<ZipBuilder>) z -> z.file("lib/../../x", "escape"),
                        "entry 'lib/../../x' escapes the code directory"),
                Arguments.of("absolute", (UnaryOperator<ZipBuilder>) z -> z.file("/etc/cron.d/x", "escape"),
                        "entry '/etc/cron.d/x' is an absolute path"),
                Arguments.of("symlink-absolute", (UnaryOperator<ZipBuilder>) z -> z.symlink("passwd", "/etc/passwd"),
                        "symbolic link 'passwd' points to the absolute path '/etc/passwd'"),
                Arguments.of("symlink-relative-escape",
                        (UnaryOperator<ZipBuilder>) z -> z.symlink("lib/passwd", "../../../etc/passwd"),
                        "outside the code directory"),
                Arguments.of("fifo", (UnaryOperator<ZipBuilder>) z -> z.entry("pipe", ZipBuilder.FIFO | 0644, new byte[0], false),
                        "entry 'pipe' is a fifo"),
                Arguments.of("char-device",
                        (UnaryOperator<ZipBuilder>) z -> z.entry("null", ZipBuilder.CHAR_DEVICE | 0666, new byte[0], false),
                        "entry 'null' is a character device"),
                Arguments.of("zip-bomb", (UnaryOperator<ZipBuilder>) z -> z.entry("zeros.bin", ZipBuilder.REGULAR | 0644,
                        new byte[20 * 1024 * 1024], true), "this looks like a zip bomb"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileZips")
    void hostileZipIsRejectedAndLeavesNothing(String name, UnaryOperator<ZipBuilder> hostile, String reason)
            throws IOException {
        Path state = tmp.resolve("state");
        FunctionRegistry registry = new FunctionRegistry(state);
        // a good file first, so a half-done extraction would leave something behind
        Path zip = hostile.apply(new ZipBuilder().file("lambda_function.py", GOOD_PY)).write(tmp.resolve(name + ".zip"));

        CodeValidationException e = assertThrows(CodeValidationException.class,
                () -> registry.create(FunctionDefinition.of(name, Runtimes.PYTHON_311, HANDLER, zip)));

        assertTrue(e.reason().contains(reason), "reason: " + e.reason());
        assertTrue(e.getMessage().startsWith("Could not unzip uploaded file."), e.getMessage());
        assertTrue(registry.get(name).isEmpty(), "no function record");
        assertTrue(registry.list().isEmpty());
        Path code = registry.codeStore().root();
        if (Files.exists(code)) {
            try (Stream<Path> left = Files.list(code)) {
                assertEquals(List.of(), left.toList(), "the code store is empty after a rejected ZIP");
            }
        }
        assertFalse(Files.exists(tmp.resolve("x")), "nothing was written outside the store");
    }

    // ---- a good ZIP ----------------------------------------------------------------------------

    private Path goodZip() throws IOException {
        String probe = Files.readString(SandboxStack.copyFunction("probe", tmp).resolve("lambda_function.py"));
        return new ZipBuilder()
                .file("lambda_function.py", probe)
                .dir("pkg")
                .file("pkg/data.txt", "data")
                .symlink("data-link", "pkg/data.txt")
                .entry("tool.sh", ZipBuilder.REGULAR | 0755, "#!/bin/sh\necho tool\n".getBytes(StandardCharsets.UTF_8), false)
                .entry("suid.sh", ZipBuilder.REGULAR | 04755, "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), false)
                .write(tmp.resolve("good.zip"));
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void goodZipIsExtractedReadOnly() throws IOException {
        FunctionRegistry registry = new FunctionRegistry(tmp.resolve("state"));
        FunctionConfig fn = registry.create(FunctionDefinition.of("good", Runtimes.PYTHON_311, HANDLER, goodZip()));

        Path dir = fn.codeDir();
        assertTrue(dir.startsWith(registry.codeStore().root()), dir.toString());
        assertEquals("r-xr-xr-x", mode(dir));
        assertEquals("r--r--r--", mode(dir.resolve("lambda_function.py")));
        assertEquals("r-xr-xr-x", mode(dir.resolve("pkg")));
        assertEquals("r--r--r--", mode(dir.resolve("pkg/data.txt")));
        assertEquals("r-xr-xr-x", mode(dir.resolve("tool.sh")));
        assertEquals("r-xr-xr-x", mode(dir.resolve("suid.sh")), "setuid is never kept");
        assertTrue(Files.isSymbolicLink(dir.resolve("data-link")));
        assertEquals(Path.of("pkg/data.txt"), Files.readSymbolicLink(dir.resolve("data-link")));
        assertEquals("data", Files.readString(dir.resolve("data-link")));
    }

    @Test
    @RequiresSandboxHost
    void sandboxSeesTheCodeReadOnlyAsUid993WithTheContractEnvironment() throws IOException {
        stack = new SandboxStack(tmp.resolve("state"));
        String name = "probe-fn";
        FunctionSpec fn = stack.create(new FunctionDefinition(name, Runtimes.PYTHON_311, HANDLER, goodZip(),
                SandboxStack.FAST_MB, 5, Map.of("PROBE_VAR", "hello"), null, null));

        InvokeResponse r = stack.invoke(fn, "{}");

        assertFalse(r.failed(), SandboxStack.text(r.payload()) + stack.transcript());
        JsonNode p = JSON.readTree(r.payload());
        String why = p.toPrettyString();
        assertEquals(993, p.get("uid").asInt(), why);
        assertEquals(993, p.get("gid").asInt(), why);
        assertEquals("/var/task", p.get("cwd").asText(), why);
        assertEquals(List.of("data-link", "lambda_function.py", "pkg", "suid.sh", "tool.sh"),
                JSON.convertValue(p.get("task"), List.class), why);
        assertTrue(p.get("write_task").asText().startsWith("error:"), "/var/task is not writable: " + why);
        assertTrue(p.get("write_root").asText().startsWith("error:"), "/ is not writable: " + why);
        assertEquals("ok:x", p.get("write_tmp").asText(), "/tmp is writable: " + why);
        JsonNode mounts = p.get("mounts");
        assertTrue(mounts.get("/").asText().matches("ro(,.*)?"), "/ is mounted read-only: " + why);
        assertTrue(mounts.get("/var/task").asText().matches("ro(,.*)?"), "/var/task is mounted read-only: " + why);
        assertTrue(mounts.get("/tmp").asText().matches("rw(,.*)?"), "/tmp is mounted read-write: " + why);

        JsonNode env = p.get("env");
        Map<String, String> expected = Map.ofEntries(
                Map.entry("_HANDLER", HANDLER),
                Map.entry("AWS_LAMBDA_FUNCTION_NAME", name),
                Map.entry("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(SandboxStack.FAST_MB)),
                Map.entry("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
                Map.entry("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"),
                Map.entry("AWS_REGION", SandboxStack.REGION),
                Map.entry("AWS_DEFAULT_REGION", SandboxStack.REGION),
                Map.entry("TZ", ":UTC"),
                Map.entry("LAMBDA_TASK_ROOT", "/var/task"),
                Map.entry("LAMBDA_RUNTIME_DIR", "/var/runtime"),
                Map.entry("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"),
                Map.entry("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + name),
                Map.entry("AWS_EXECUTION_ENV", "AWS_Lambda_python3.11"),
                Map.entry("PROBE_VAR", "hello"));
        expected.forEach((k, v) -> assertEquals(v, env.path(k).asText(null), k + ": " + why));
        assertTrue(env.get("AWS_LAMBDA_LOG_STREAM_NAME").asText().matches("\\d{4}/\\d\\d/\\d\\d/\\[\\$LATEST][0-9a-f]{32}"),
                why);

        JsonNode ctx = p.get("context");
        assertEquals(name, ctx.get("function_name").asText(), why);
        assertEquals("$LATEST", ctx.get("function_version").asText(), why);
        assertEquals(Integer.toString(SandboxStack.FAST_MB), ctx.get("memory_limit_in_mb").asText(), why);
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:" + name, ctx.get("invoked_function_arn").asText(), why);
        assertEquals(r.requestId(), ctx.get("aws_request_id").asText(), why);
        assertEquals("/aws/lambda/" + name, ctx.get("log_group_name").asText(), why);
        long remaining = ctx.get("remaining_ms").asLong();
        assertTrue(remaining > 0 && remaining <= 5000, "get_remaining_time_in_millis() within the 5 s timeout: " + remaining);

        // writing the code is an error of the function, which leaves the env warm
        InvokeResponse write = stack.invoke(fn, "{\"write\": \"/var/task/x\"}");
        assertEquals("Unhandled", write.functionError(), SandboxStack.text(write.payload()));
        JsonNode err = JSON.readTree(write.payload());
        assertTrue(List.of("PermissionError", "OSError").contains(err.get("errorType").asText()), err.toString());
        assertTrue(err.get("errorMessage").asText().contains("/var/task/x"), err.toString());
        assertFalse(Files.exists(fn.codeDir().resolve("x")), "nothing reached the code on the host");

        InvokeResponse tmpWrite = stack.invoke(fn, "{\"write\": \"/tmp/x\"}");
        assertEquals("{\"wrote\": \"/tmp/x\"}", SandboxStack.text(tmpWrite.payload()), stack.transcript());
        assertEquals(1, stack.service.environmentsCreated());
    }
}
