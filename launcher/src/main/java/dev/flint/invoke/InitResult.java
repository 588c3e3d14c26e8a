package dev.flint.invoke;

/** How the Init phase of an env ended. */
sealed interface InitResult {
    /** Init lasted this long (sandbox creation until the runtime's first {@code next}). */
    long durationNanos();

    record Ready(long durationNanos) implements InitResult {}

    /**
     * The env was restored from a snapshot (SnapStart's Restore phase).
     *
     * @param durationNanos restore start until the runtime's first {@code next} (Restore Duration)
     * @param hooksNanos the runtime's part after the sandbox was back: after-restore hooks
     *     (Billed Restore Duration; Lambda bills that part of a restore, not the snapshot load)
     */
    record Restored(long durationNanos, long hooksNanos) implements InitResult {}

    /**
     * @param status "error" or "timeout" (INIT_REPORT's Status)
     * @param errorType e.g. Runtime.ImportModuleError, Runtime.ExitError, Runtime.InvalidEntrypoint
     * @param errorJson what the caller of the invoke receives
     * @param restore the Restore phase failed (RESTORE_REPORT), not Init (INIT_REPORT)
     */
    record Failed(long durationNanos, String status, String errorType, byte[] errorJson, boolean restore)
            implements InitResult {
        Failed(long durationNanos, String status, String errorType, byte[] errorJson) {
            this(durationNanos, status, errorType, errorJson, false);
        }
    }
}
