package dev.flint.api;

import dev.flint.function.FunctionConfig;

/** Accepts Event invocations: stores them durably, then runs them later (with retries). */
@FunctionalInterface
public interface AsyncInvoker {

    /**
     * Accepts one event. Returns only once the event is stored durably: the API answers 202
     * after this, so an accepted event survives a crash of the daemon.
     *
     * @param requestId the id returned to the caller (x-amzn-RequestId)
     * @param fn the resolved version
     * @param qualifier the qualifier the caller used (alias, version, or null)
     */
    void accept(String requestId, FunctionConfig fn, String qualifier, byte[] payload);
}
