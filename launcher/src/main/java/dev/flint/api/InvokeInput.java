package dev.flint.api;

import dev.flint.function.FunctionConfig;
import java.util.Objects;

/**
 * One invocation as the API accepted it.
 *
 * @param version the resolved version to run (for a weighted alias: the one picked for this
 *     request); {@code version.version()} is what X-Amz-Executed-Version reports
 * @param qualifier the qualifier the caller used ({@code $LATEST}, a number, an alias), or null
 * @param invokedFunctionArn the ARN the caller invoked: qualified when a qualifier was given
 *     (the runtime's {@code Lambda-Runtime-Invoked-Function-Arn})
 * @param payload the event, size-checked (≤ 6 MB sync, ≤ 1 MB Event)
 * @param clientContext the decoded X-Amz-Client-Context JSON, or null
 */
public record InvokeInput(FunctionConfig version, String qualifier, String invokedFunctionArn, byte[] payload,
        String clientContext) {

    public InvokeInput {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(invokedFunctionArn, "invokedFunctionArn");
        Objects.requireNonNull(payload, "payload");
    }
}
