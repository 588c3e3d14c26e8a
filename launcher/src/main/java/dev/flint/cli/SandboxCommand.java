package dev.flint.cli;

import picocli.CommandLine.Command;

/** {@code flint sandbox}: raw sandboxes without the Lambda layer. */
@Command(name = "sandbox", description = "Run commands in sandboxes (no Lambda runtime).",
        mixinStandardHelpOptions = true, subcommands = {SandboxRunCommand.class})
final class SandboxCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
