package dev.flint.invoke;

/**
 * What the caller of an invoke receives, with the measured figures of the REPORT line.
 *
 * @param payload the function's response, or the error JSON when {@code functionError} is set
 * @param functionError null on success; "Unhandled" when the function or runtime failed
 * @param errorType the Lambda error type when the invocation failed (Runtime.ExitError, ...)
 * @param logTail the last 4 KB of this invocation's log lines
 * @param coldStart whether this invoke created (and initialised) a new env
 * @param initNanos Init duration on a cold start (Restore duration when {@code restored}), else 0
 * @param restored the cold start restored a SnapStart snapshot instead of running Init
 */
public record InvokeResponse(
        String requestId,
        byte[] payload,
        String functionError,
        String errorType,
        String executedVersion,
        String logTail,
        boolean coldStart,
        long durationNanos,
        long initNanos,
        long maxMemoryUsedBytes,
        boolean restored) {

    public InvokeResponse(String requestId, byte[] payload, String functionError, String errorType,
            String executedVersion, String logTail, boolean coldStart, long durationNanos, long initNanos,
            long maxMemoryUsedBytes) {
        this(requestId, payload, functionError, errorType, executedVersion, logTail, coldStart, durationNanos,
                initNanos, maxMemoryUsedBytes, false);
    }

    public boolean failed() {
        return functionError != null;
    }
}
