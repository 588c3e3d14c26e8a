package dev.flint.runtimeapi;

/**
 * Hooks for the invoke layer's state machine (timing Init, REPORT lines). Every method runs on a
 * Jetty thread while a request is being answered: return quickly, never block.
 */
public interface RuntimeApiListener {

    RuntimeApiListener NONE = new RuntimeApiListener() {};

    /** The runtime called {@code next} for the first time: Init is over. Runs before {@link #onNext()}. */
    default void onInitReady() {}

    /** {@code POST /runtime/init/error}. */
    default void onInitError(String errorType, byte[] errorJson) {}

    /** Every {@code GET /runtime/invocation/next}: the runtime is idle. */
    default void onNext() {}

    /** An event was written to the runtime's pending {@code next}. */
    default void onInvocationDelivered(String requestId) {}

    /** {@code POST /runtime/invocation/{id}/response} was accepted (also for a 413). */
    default void onResponse(String requestId) {}

    /** {@code POST /runtime/invocation/{id}/error} was accepted. */
    default void onError(String requestId, String errorType) {}

    /** {@code GET /runtime/restore/next}: Init is over and the runtime is parked for the snapshot. */
    default void onRestoreNext() {}

    /** {@code POST /runtime/restore/error}: an after-restore hook failed. */
    default void onRestoreError(String errorType, byte[] errorJson) {}
}
