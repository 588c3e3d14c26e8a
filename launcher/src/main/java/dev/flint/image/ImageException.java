package dev.flint.image;

/** Base of the image layer's exceptions. Messages are lowercase, one line, with names quoted. */
public class ImageException extends RuntimeException {
    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
