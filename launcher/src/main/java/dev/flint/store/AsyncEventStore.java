package dev.flint.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The durable queue behind {@code Event} invokes (lambda-contract.md §8). An event is either
 * queued (due at {@code nextAttemptAt}), in flight (claimed, leased until a deadline), or moved
 * to the dead-letter table. {@link SqliteAsyncEventStore} is the embedded implementation; a
 * PostgreSQL one claims with {@code SELECT ... FOR UPDATE SKIP LOCKED} so that many hosts can
 * share one queue (design.md §9).
 */
public interface AsyncEventStore {

    /** Stores a new event; it is committed (fsynced) before this returns. Ids are unique. */
    void enqueue(AsyncEvent event);

    /**
     * Up to {@code max} events due at {@code now} (oldest due first) that nobody holds, marked
     * in flight until {@code now + lease}; a claimed event is not returned again until it is
     * {@link #reschedule rescheduled} or its lease is {@link #recoverExpiredLeases recovered}.
     */
    List<AsyncEvent> claimDue(Instant now, int max, Duration lease);

    /** Done (ran, or was handed to its destination): removes the event. */
    void complete(String id);

    /** Failed, try again: releases the lease and records the attempt count and error. */
    void reschedule(String id, int attempts, Instant nextAttemptAt, String lastError);

    /** Moves the event to the dead-letter table, with its failure record. */
    void deadLetter(String id, byte[] record, String reason);

    /** Dead letters, oldest first. */
    List<DeadLetter> deadLetters(int max);

    /**
     * Puts a dead letter back on the queue as a fresh event (attempts 0, due now, its age
     * counted from now) and removes it from the dead-letter table.
     *
     * @return the re-queued event, or empty if there is no such dead letter
     */
    Optional<AsyncEvent> replay(String deadLetterId);

    /** In-flight events whose lease ended before {@code now} are due again (after a crash). */
    int recoverExpiredLeases(Instant now);

    /** Events queued or in flight (dead letters excluded). */
    long pending();
}
