package dev.flint.invoke;

/**
 * The invoke request itself is bad (before any function code runs), with Lambda's error type:
 * InvalidRequestContentException, RequestTooLargeException.
 */
public final class InvokeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String errorType;
    private final int httpStatus;

    public InvokeException(String errorType, int httpStatus, String message) {
        super(message);
        this.errorType = errorType;
        this.httpStatus = httpStatus;
    }

    public String errorType() {
        return errorType;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
