package dev.flint.runtimeapi;

import java.util.Objects;

/**
 * One event for the runtime, as {@code GET /runtime/invocation/next} hands it out.
 *
 * <p>{@code traceId}, {@code clientContext} and {@code cognitoIdentity} may be null or empty; like
 * RIE, the server then leaves the matching header out. {@code clientContext} is the decoded JSON
 * (the Invoke API's {@code X-Amz-Client-Context} is base64; decoding it is the caller's job).
 * {@code cognitoIdentity} is the JSON {@code {"cognitoIdentityId":…,"cognitoIdentityPoolId":…}}.
 */
public record Invocation(
        String requestId,
        byte[] payload,
        long deadlineEpochMs,
        String invokedFunctionArn,
        String traceId,
        String clientContext,
        String cognitoIdentity) {

    public Invocation {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(payload, "payload");
        if (requestId.isEmpty()) {
            throw new IllegalArgumentException("runtime api: request id is empty");
        }
        if (payload.length > RuntimeApiServer.MAX_PAYLOAD_SIZE) {
            throw new IllegalArgumentException("runtime api: event is " + payload.length
                    + " bytes, limit is " + RuntimeApiServer.MAX_PAYLOAD_SIZE);
        }
        requireHeaderSafe("requestId", requestId);
        requireHeaderSafe("invokedFunctionArn", invokedFunctionArn);
        requireHeaderSafe("traceId", traceId);
        requireHeaderSafe("clientContext", clientContext);
        requireHeaderSafe("cognitoIdentity", cognitoIdentity);
    }

    private static void requireHeaderSafe(String name, String value) {
        if (value == null) {
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("runtime api: " + name + " contains CR, LF or NUL");
            }
        }
    }
}
