package dev.flint.sandbox;

import dev.flint.nativeffi.Stage;

/**
 * A sandbox could not be set up or supervised. The message is one line naming the stage, e.g.
 * "mount-rootfs: ENOENT: image layer '/x' missing"; {@link #hint()} may add a known cause.
 */
public class SandboxException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Stage stage;
    private final int errno;
    private final String hint;

    public SandboxException(Stage stage, int errno, String message, String hint) {
        super(message);
        this.stage = stage;
        this.errno = errno;
        this.hint = hint;
    }

    public SandboxException(Stage stage, int errno, String message) {
        this(stage, errno, message, null);
    }

    public Stage stage() {
        return stage;
    }

    public int errno() {
        return errno;
    }

    /** A hint for a known cause, or null. */
    public String hint() {
        return hint;
    }
}
