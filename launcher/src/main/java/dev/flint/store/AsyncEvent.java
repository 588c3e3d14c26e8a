package dev.flint.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;

/**
 * One accepted {@code Event} invocation in the durable queue.
 *
 * @param id the request id returned to the caller (unique)
 * @param qualifier the qualifier it was invoked with ({@code null} = unqualified)
 * @param attempts attempts made so far (0 when new)
 * @param enqueuedAt when it was accepted; MaximumEventAgeInSeconds counts from here
 * @param nextAttemptAt not run before this time
 */
public record AsyncEvent(String id, String functionName, String qualifier, byte[] payload,
        int attempts, Instant enqueuedAt, Instant nextAttemptAt) {

    public AsyncEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(payload, "payload");
        enqueuedAt = Objects.requireNonNull(enqueuedAt, "enqueuedAt").truncatedTo(ChronoUnit.MILLIS);
        nextAttemptAt = Objects.requireNonNull(nextAttemptAt, "nextAttemptAt").truncatedTo(ChronoUnit.MILLIS);
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must be >= 0: " + attempts);
        }
    }

    /** A new event, due now. */
    public static AsyncEvent of(String id, String functionName, String qualifier, byte[] payload, Instant now) {
        return new AsyncEvent(id, functionName, qualifier, payload, 0, now, now);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AsyncEvent e && id.equals(e.id) && functionName.equals(e.functionName)
                && Objects.equals(qualifier, e.qualifier) && Arrays.equals(payload, e.payload)
                && attempts == e.attempts && enqueuedAt.equals(e.enqueuedAt)
                && nextAttemptAt.equals(e.nextAttemptAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, functionName, qualifier, Arrays.hashCode(payload), attempts,
                enqueuedAt, nextAttemptAt);
    }

    @Override
    public String toString() {
        return "AsyncEvent[id=" + id + ", function=" + functionName + ", qualifier=" + qualifier
                + ", payload=" + payload.length + " bytes, attempts=" + attempts + ", enqueuedAt="
                + enqueuedAt + ", nextAttemptAt=" + nextAttemptAt + "]";
    }
}
