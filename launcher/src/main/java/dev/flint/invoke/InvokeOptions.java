package dev.flint.invoke;

/**
 * Per-request details of an invoke.
 *
 * @param invokedFunctionArn the ARN the caller used (qualified when it named a version or alias),
 *     or null for the function's unqualified ARN
 * @param clientContext base64 JSON from {@code X-Amz-Client-Context}, or null
 * @param reservedConcurrency the function's reserved concurrency, or null when it has none
 * @param requestId the invocation's request id (an Event keeps the id its caller got), or null for a new one
 */
public record InvokeOptions(String invokedFunctionArn, String clientContext, Integer reservedConcurrency,
        String requestId) {
    public InvokeOptions(String invokedFunctionArn, String clientContext, Integer reservedConcurrency) {
        this(invokedFunctionArn, clientContext, reservedConcurrency, null);
    }

    public static InvokeOptions defaults() {
        return new InvokeOptions(null, null, null, null);
    }

    public InvokeOptions withRequestId(String id) {
        return new InvokeOptions(invokedFunctionArn, clientContext, reservedConcurrency, id);
    }
}
