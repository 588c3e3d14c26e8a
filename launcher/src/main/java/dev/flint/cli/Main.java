package dev.flint.cli;

/** The {@code flint} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(FlintCli.commandLine().execute(args));
    }
}
