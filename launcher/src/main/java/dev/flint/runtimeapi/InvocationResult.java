package dev.flint.runtimeapi;

import java.util.regex.Pattern;

/** How one invocation ended, as the runtime reported it. */
public sealed interface InvocationResult {

    /** {@code POST /runtime/invocation/{id}/response}: the body, as posted (at most 6 MiB + 100 B). */
    record Success(byte[] payload, String contentType) implements InvocationResult {}

    /**
     * {@code POST /runtime/invocation/{id}/error}, or a response over the size limit.
     *
     * @param errorType the raw {@code Lambda-Runtime-Function-Error-Type} header, or null when absent;
     *     {@code Function.ResponseSizeTooLarge} for an oversized response
     * @param errorJson the body as posted (the caller of a sync invoke gets it verbatim)
     */
    record FunctionError(String errorType, byte[] errorJson) implements InvocationResult {

        private static final Pattern VALID = Pattern.compile("(Runtime|Function)\\.[A-Z][a-zA-Z]+");

        /** RIE's rule: keep {@code (Runtime|Function).Xxx}, other {@code Function.*} → {@code Function.Unknown}, else {@code Runtime.Unknown}. */
        public String normalizedErrorType() {
            return normalize(errorType);
        }

        static String normalize(String type) {
            if (type != null && VALID.matcher(type).matches()) {
                return type;
            }
            if (type != null && type.startsWith("Function.")) {
                return "Function.Unknown";
            }
            return "Runtime.Unknown";
        }
    }
}
