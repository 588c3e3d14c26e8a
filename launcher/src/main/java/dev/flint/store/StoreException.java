package dev.flint.store;

/** A storage operation failed (I/O, a locked database past the busy timeout, a corrupt file). */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
