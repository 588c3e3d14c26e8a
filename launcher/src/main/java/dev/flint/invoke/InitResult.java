package dev.flint.invoke;

/** How the Init phase of an env ended. */
sealed interface InitResult {
    /** Init lasted this long (sandbox creation until the runtime's first {@code next}). */
    long durationNanos();

    record Ready(long durationNanos) implements InitResult {}

    /**
     * @param status "error" or "timeout" (INIT_REPORT's Status)
     * @param errorType e.g. Runtime.ImportModuleError, Runtime.ExitError, Runtime.InvalidEntrypoint
     * @param errorJson what the caller of the invoke receives
     */
    record Failed(long durationNanos, String status, String errorType, byte[] errorJson) implements InitResult {}
}
