package dev.flint.cli;

import dev.flint.cgroup.CgroupException;
import dev.flint.function.FunctionException;
import dev.flint.image.ImageBuildException;
import dev.flint.image.ImageException;
import dev.flint.image.ImageNotFoundException;
import dev.flint.nativeffi.NativeLoader;
import dev.flint.nativeffi.Stage;
import dev.flint.sandbox.InvalidSpecException;
import dev.flint.sandbox.SandboxException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The single factory for the command line, used by {@link Main} and by the tests (jbang's
 * {@code getCommandLine()} model): every exception becomes one message line and an exit code.
 */
public final class FlintCli {
    private FlintCli() {}

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new FlintCommand());
        cl.setExecutionExceptionHandler(FlintCli::handle);
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        int code = exitCodeOf(e);
        err.println("flint: " + e.getMessage());
        if (e instanceof SandboxException se && se.hint() != null) {
            err.println("hint: " + se.hint());
        }
        if (FlintCommand.verbose(parsed) || code == ExitCodes.INTERNAL) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    static int exitCodeOf(Throwable e) {
        if (e instanceof ExitException x) {
            return x.code();
        }
        if (e instanceof InvalidSpecException || e instanceof ImageNotFoundException
                || e instanceof FunctionException || e instanceof IllegalArgumentException) {
            return ExitCodes.INVALID_INPUT;
        }
        if (e instanceof SandboxException se) {
            return exitCodeOf(se.stage());
        }
        if (e instanceof CgroupException || e instanceof NativeLoader.NativeLoadException
                || e instanceof UnsatisfiedLinkError) {
            return ExitCodes.HOST_NOT_CAPABLE;
        }
        if (e instanceof ImageBuildException) {
            return ExitCodes.HOST_NOT_CAPABLE;
        }
        if (e instanceof ImageException) {
            // a refused image (hostile layer, wrong digest, unknown platform) or registry answer
            return ExitCodes.INVALID_INPUT;
        }
        return ExitCodes.INTERNAL;
    }

    static int exitCodeOf(Stage stage) {
        return switch (stage) {
            case SPEC, MOUNT_BIND -> ExitCodes.INVALID_INPUT;
            case EXEC, CREDENTIALS -> ExitCodes.COMMAND_NOT_RUNNABLE;
            default -> ExitCodes.HOST_NOT_CAPABLE;
        };
    }
}
