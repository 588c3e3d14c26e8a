package dev.flint.image;

/** A recipe could not be read, or its build script failed or timed out. */
public class ImageBuildException extends ImageException {
    public ImageBuildException(String message) {
        super(message);
    }

    public ImageBuildException(String message, Throwable cause) {
        super(message, cause);
    }
}
