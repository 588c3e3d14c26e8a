package dev.flint.cli;

/** The CLI's exit codes, in one place. Sandboxed commands pass their own code through. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The function or runtime returned or raised an error. */
    public static final int FUNCTION_ERROR = 1;
    /** Invalid input: options, sizes, names, payloads. */
    public static final int INVALID_INPUT = 2;
    /** The host cannot run sandboxes: no root, no cgroups, no overlayfs, no CRIU. */
    public static final int HOST_NOT_CAPABLE = 3;
    /** A bug or an unexpected failure. */
    public static final int INTERNAL = 4;
    /** The command could not be executed (as in shells). */
    public static final int COMMAND_NOT_RUNNABLE = 127;

    private ExitCodes() {}
}
