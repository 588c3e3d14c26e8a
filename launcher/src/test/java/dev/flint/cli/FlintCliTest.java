package dev.flint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flint.cgroup.CgroupException;
import dev.flint.cgroup.CgroupStage;
import dev.flint.image.ImageNotFoundException;
import dev.flint.nativeffi.NativeLoader;
import dev.flint.nativeffi.Stage;
import dev.flint.sandbox.InvalidSpecException;
import dev.flint.sandbox.SandboxException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/** The CLI through the shared factory, with captured out/err: only paths that fail before touching the host. */
class FlintCliTest {

    /** One execution: exit code and what was printed. */
    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out ---\n" + out + "--- err ---\n" + err;
        }
    }

    static Run run(String... args) {
        CommandLine cl = FlintCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aSeccompFileMustBeAJsonListOfNames(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path notList = java.nio.file.Files.writeString(dir.resolve("a.json"), "{\"mount\":1}");
        Run r = run("sandbox", "run", "--seccomp", notList.toString(), "--", "true");
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("must hold a JSON list of syscall names"), r::toString);
        Run missing = run("sandbox", "run", "--seccomp", dir.resolve("nope").toString(), "--", "true");
        assertEquals(2, missing.code(), missing::toString);
        assertTrue(missing.err().contains("is neither off, default nor a readable file"), missing::toString);
        Run net = run("sandbox", "run", "--network", "bridge", "--", "true");
        assertEquals(2, net.code(), net::toString);
        assertTrue(net.err().contains("--network must be 'private' or 'host'"), net::toString);
    }

    @Test
    void memoryBelowTheRangeExits2NamingTheRange() {
        Run r = run("sandbox", "run", "--memory", "99", "--", "true");
        assertEquals(ExitCodes.INVALID_INPUT, r.code(), r::toString);
        assertTrue(r.err().contains("128–3008"), r::toString);
        assertTrue(r.err().startsWith("flint: memory 99 MB is out of range"), r::toString);
        assertEquals("", r.out(), r::toString);
    }

    @Test
    void memoryAboveTheRangeExits2() {
        Run r = run("sandbox", "run", "--memory", "3009", "--", "true");
        assertEquals(ExitCodes.INVALID_INPUT, r.code(), r::toString);
        assertTrue(r.err().contains("128–3008"), r::toString);
    }

    @Test
    void runWithoutACommandExits2() {
        Run r = run("sandbox", "run");
        assertEquals(ExitCodes.INVALID_INPUT, r.code(), r::toString);
        assertTrue(r.err().contains("CMD"), r::toString);
    }

    @Test
    void badInputExits2BeforeTouchingTheHost() {
        for (String[] args : new String[][] {
            {"sandbox", "run", "--ro-bind", "relative:/x", "--", "true"},
            {"sandbox", "run", "--ro-bind", "/etc:/a/../b", "--", "true"},
            {"sandbox", "run", "--hostname", "bad name", "--", "true"},
            {"sandbox", "run", "--env", "NOEQUALS", "--", "true"},
            {"sandbox", "run", "--tmp-size", "0", "--", "true"},
            {"sandbox", "run", "--timeout", "0", "--", "true"},
            {"sandbox", "run", "--user", "nobody", "--", "true"},
            {"sandbox", "run", "--memory", "lots", "--", "true"},
        }) {
            Run r = run(args);
            assertEquals(ExitCodes.INVALID_INPUT, r.code(), () -> String.join(" ", args) + "\n" + r);
            assertFalse(r.err().isBlank(), () -> String.join(" ", args) + "\n" + r);
            assertFalse(r.err().contains("\tat "), () -> "stack trace without --verbose: " + r);
        }
    }

    @Test
    void runHelpListsEveryOption() {
        Run r = run("sandbox", "run", "--help");
        assertEquals(0, r.code(), r::toString);
        for (String opt : new String[] {"--image", "--memory", "--timeout", "--hostname", "--tmp-size", "--env",
            "--ro-bind", "--user", "--result", "CMD", "out of memory: limit N MB"}) {
            assertTrue(r.out().contains(opt), () -> opt + " missing from help:\n" + r);
        }
    }

    @Test
    void rootHelpListsSubcommandsAndExitCodes() {
        Run r = run("--help");
        assertEquals(0, r.code(), r::toString);
        for (String s : new String[] {"sandbox", "image", "doctor", "Exit codes:", "invalid input"}) {
            assertTrue(r.out().contains(s), () -> s + " missing from help:\n" + r);
        }
    }

    @Test
    void noSubcommandExits2() {
        Run r = run();
        assertEquals(ExitCodes.INVALID_INPUT, r.code(), r::toString);
        assertTrue(r.err().contains("missing command"), r::toString);
    }

    private static final Map<Stage, Integer> EXPECTED = new EnumMap<>(Stage.class);

    static {
        for (Stage s : Stage.values()) {
            EXPECTED.put(s, ExitCodes.HOST_NOT_CAPABLE);
        }
        EXPECTED.put(Stage.SPEC, ExitCodes.INVALID_INPUT);
        EXPECTED.put(Stage.MOUNT_BIND, ExitCodes.INVALID_INPUT);
        EXPECTED.put(Stage.EXEC, ExitCodes.COMMAND_NOT_RUNNABLE);
        EXPECTED.put(Stage.CREDENTIALS, ExitCodes.COMMAND_NOT_RUNNABLE);
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void everyStageMapsToAnExitCode(Stage stage) {
        assertEquals(EXPECTED.get(stage), FlintCli.exitCodeOf(stage));
        assertEquals(EXPECTED.get(stage), FlintCli.exitCodeOf(new SandboxException(stage, 2, stage.wireName() + ": x")));
    }

    @Test
    void exceptionsMapToExitCodes() {
        assertEquals(2, FlintCli.exitCodeOf(new InvalidSpecException("x")));
        assertEquals(2, FlintCli.exitCodeOf(new IllegalArgumentException("x")));
        assertEquals(2, FlintCli.exitCodeOf(new ImageNotFoundException("nope", java.util.List.of("provided"))));
        assertEquals(127, FlintCli.exitCodeOf(new SandboxException(Stage.EXEC, 2, "exec: ENOENT: exec 'x'")));
        assertEquals(3, FlintCli.exitCodeOf(new SandboxException(Stage.MOUNT_ROOTFS, 2, "mount-rootfs: ENOENT")));
        assertEquals(3, FlintCli.exitCodeOf(
                new CgroupException(CgroupStage.CREATE, "EACCES", "mkdir", null, "denied", null, null)));
        assertEquals(3, FlintCli.exitCodeOf(new NativeLoader.NativeLoadException("no lib")));
        assertEquals(3, FlintCli.exitCodeOf(new UnsatisfiedLinkError("no lib")));
        assertEquals(5, FlintCli.exitCodeOf(new ExitException(5, "x")));
        assertEquals(4, FlintCli.exitCodeOf(new IllegalStateException("bug")));
    }

    @Test
    void anInternalErrorPrintsItsStackTrace() throws Exception {
        // exit 4 is the only one where a stack trace helps without --verbose
        CommandLine cl = FlintCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        int code = cl.getExecutionExceptionHandler().handleExecutionException(
                new IllegalStateException("boom"), cl, null);
        assertEquals(ExitCodes.INTERNAL, code);
        assertTrue(err.toString().startsWith("flint: boom"), err::toString);
        assertTrue(err.toString().contains("\tat "), err::toString);
    }
}
