package dev.flint.sandbox;

/** The sandbox spec is invalid input (exit code 2 in the CLI). */
public final class InvalidSpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidSpecException(String message) {
        super(message);
    }
}
