package dev.flint.invoke;

/**
 * Per-request details of an invoke.
 *
 * @param invokedFunctionArn the ARN the caller used (qualified when it named a version or alias),
 *     or null for the function's unqualified ARN
 * @param clientContext base64 JSON from {@code X-Amz-Client-Context}, or null
 * @param reservedConcurrency the function's reserved concurrency, or null when it has none
 */
public record InvokeOptions(String invokedFunctionArn, String clientContext, Integer reservedConcurrency) {
    public static InvokeOptions defaults() {
        return new InvokeOptions(null, null, null);
    }
}
