package dev.flint.runtimeapi;

/** Failures of the Runtime API layer: socket setup, or a future failed because the env was closed. */
public class RuntimeApiException extends RuntimeException {

    public RuntimeApiException(String message) {
        super(message);
    }

    public RuntimeApiException(String message, Throwable cause) {
        super(message, cause);
    }
}
