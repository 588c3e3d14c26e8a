package dev.flint.invoke;

/** 429: no concurrency left for this invoke; {@link #reason()} is Lambda's Reason field. */
public final class TooManyRequestsException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public static final String ACCOUNT_LIMIT = "ConcurrentInvocationLimitExceeded";
    public static final String RESERVED_LIMIT = "ReservedFunctionConcurrentInvocationLimitExceeded";
    private final String reason;

    public TooManyRequestsException(String reason) {
        super("Rate Exceeded.");
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }

    public String errorType() {
        return "TooManyRequestsException";
    }

    public int httpStatus() {
        return 429;
    }
}
