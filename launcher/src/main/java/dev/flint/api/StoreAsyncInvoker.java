package dev.flint.api;

import dev.flint.store.AsyncEvent;
import dev.flint.store.AsyncEventStore;
import java.time.Clock;

/**
 * {@link AsyncInvoker} on the durable queue: the event is committed to the
 * {@link AsyncEventStore} (fsynced) before {@link #accept} returns. It keeps the function name and
 * the qualifier as invoked, so the worker resolves the version (and an alias's weighted choice)
 * when it runs the event. Running, retries and destinations are the workers' business.
 *
 * <p>The client context is not stored: AWS accepts {@code X-Amz-Client-Context} for synchronous
 * invokes only (lambda-contract.md §6).
 */
public final class StoreAsyncInvoker implements AsyncInvoker {
    private final AsyncEventStore store;
    private final Clock clock;

    public StoreAsyncInvoker(AsyncEventStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void accept(String requestId, InvokeInput input) {
        store.enqueue(AsyncEvent.of(requestId, input.version().name(), input.qualifier(), input.payload(),
                clock.instant()));
    }
}
