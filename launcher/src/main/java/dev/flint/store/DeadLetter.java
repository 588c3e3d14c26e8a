package dev.flint.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;

/**
 * An async event that ran out of retries or age and had no destination that took it (shown by
 * {@code flint dlq list}, re-queued by {@code flint dlq replay}).
 *
 * @param id the event's id (its request id)
 * @param record the destination-style record (lambda-contract.md §8), JSON bytes
 * @param reason e.g. {@code RetriesExhausted}, {@code EventAgeExceeded}
 */
public record DeadLetter(String id, String functionName, String qualifier, byte[] payload,
        byte[] record, String reason, Instant at) {

    public DeadLetter {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(reason, "reason");
        at = Objects.requireNonNull(at, "at").truncatedTo(ChronoUnit.MILLIS);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetter d && id.equals(d.id) && functionName.equals(d.functionName)
                && Objects.equals(qualifier, d.qualifier) && Arrays.equals(payload, d.payload)
                && Arrays.equals(record, d.record) && reason.equals(d.reason) && at.equals(d.at);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, functionName, qualifier, Arrays.hashCode(payload),
                Arrays.hashCode(record), reason, at);
    }

    @Override
    public String toString() {
        return "DeadLetter[id=" + id + ", function=" + functionName + ", qualifier=" + qualifier
                + ", reason=" + reason + ", at=" + at + "]";
    }
}
