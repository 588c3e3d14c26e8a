package dev.flint.bench;

/** A bench that cannot give honest figures: an invoke failed, or a warm invoke was not warm. */
public final class BenchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BenchException(String message) {
        super(message);
    }
}
