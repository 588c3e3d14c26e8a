package dev.flint.api;

/** Accepts Event invocations: stores them durably; workers run them later (with retries). */
@FunctionalInterface
public interface AsyncInvoker {

    /**
     * Accepts one event. Returns only once the event is stored durably: the API answers 202
     * after this, so an accepted event survives a crash of the daemon.
     *
     * @param requestId the id returned to the caller (x-amzn-RequestId)
     */
    void accept(String requestId, InvokeInput input);
}
