package dev.flint.image;

/** A registry refused or failed a request; the message names the registry, the request and its answer. */
public class RegistryException extends ImageException {
    private final int status;

    public RegistryException(String message, int status) {
        super(message);
        this.status = status;
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    /** The HTTP status, or 0 when the request did not get an answer. */
    public int status() {
        return status;
    }
}
