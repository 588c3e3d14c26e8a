package dev.flint.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flint}: the root command. */
@Command(
        name = "flint",
        mixinStandardHelpOptions = true,
        versionProvider = FlintCommand.Version.class,
        description = {
            "Lambda-style execution environments on one Linux host.",
            "Sandboxes from namespaces, cgroups and an overlay root filesystem; run as root (sudo)."
        },
        subcommands = {RunCommand.class, InvokeCommand.class, FunctionCommand.class, SandboxCommand.class,
            ServeCommand.class, BenchCommand.class, ProbeCommand.class, ImageCommand.class, DlqCommand.class,
            DoctorCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the function returned or raised an error",
            "2:invalid input",
            "3:the host cannot run sandboxes (root, cgroups, overlayfs, CRIU)",
            "4:internal error",
            "N:a sandboxed command's own exit code (128+N when killed by signal N)"
        })
public final class FlintCommand implements Runnable {
    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "print stack traces on errors")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: choose one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    static boolean verbose(CommandLine.ParseResult parsed) {
        return parsed != null && parsed.hasMatchedOption("--verbose");
    }

    /** Reads the version from the jar manifest; "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FlintCommand.class.getPackage().getImplementationVersion();
            return new String[] {"flint " + (v == null ? "dev" : v)};
        }
    }
}
