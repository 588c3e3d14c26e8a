package dev.flint.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteAsyncEventStoreTest {

    static final Instant T0 = Instant.parse("2024-01-01T12:00:00Z");
    static final Duration LEASE = Duration.ofSeconds(30);

    @TempDir Path tmp;
    Database db;
    SqliteAsyncEventStore queue;

    @BeforeEach
    void setUp() {
        db = Database.open(tmp);
        queue = new SqliteAsyncEventStore(db, Clock.fixed(T0, ZoneOffset.UTC));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    static AsyncEvent event(String id, Instant at) {
        return AsyncEvent.of(id, "fn", null, ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8), at);
    }

    private static List<String> ids(List<AsyncEvent> events) {
        return events.stream().map(AsyncEvent::id).toList();
    }

    @Test
    void enqueuedEventsAreClaimedOldestDueFirstAndOnlyOnce() {
        queue.enqueue(event("b", T0.plusSeconds(2)));
        queue.enqueue(event("a", T0.plusSeconds(1)));
        queue.enqueue(event("later", T0.plusSeconds(60)));
        assertEquals(3, queue.pending());
        List<AsyncEvent> claimed = queue.claimDue(T0.plusSeconds(5), 10, LEASE);
        assertEquals(List.of("a", "b"), ids(claimed));
        assertEquals(event("a", T0.plusSeconds(1)), claimed.get(0), "payload and times round-trip");
        assertEquals(List.of(), queue.claimDue(T0.plusSeconds(6), 10, LEASE), "leased: not claimed again");
        assertEquals(List.of("later"), ids(queue.claimDue(T0.plusSeconds(60), 10, LEASE)));
        assertEquals(3, queue.pending(), "in flight still counts");
    }

    @Test
    void claimRespectsMax() {
        for (int i = 0; i < 5; i++) {
            queue.enqueue(event("e" + i, T0.plusMillis(i)));
        }
        assertEquals(List.of("e0", "e1"), ids(queue.claimDue(T0.plusSeconds(1), 2, LEASE)));
        assertEquals(List.of("e2", "e3", "e4"), ids(queue.claimDue(T0.plusSeconds(1), 10, LEASE)));
        assertEquals(List.of(), queue.claimDue(T0.plusSeconds(1), 0, LEASE));
    }

    @Test
    void completeRemovesTheEvent() {
        queue.enqueue(event("a", T0));
        queue.claimDue(T0, 1, LEASE);
        queue.complete("a");
        assertEquals(0, queue.pending());
        assertEquals(List.of(), queue.claimDue(T0.plus(Duration.ofHours(1)), 10, LEASE));
    }

    @Test
    void rescheduleReleasesTheLeaseWithANewDueTimeAndAttemptCount() {
        queue.enqueue(event("a", T0));
        queue.claimDue(T0, 1, LEASE);
        queue.reschedule("a", 1, T0.plusSeconds(60), "Unhandled");
        assertEquals(List.of(), queue.claimDue(T0.plusSeconds(59), 10, LEASE));
        List<AsyncEvent> again = queue.claimDue(T0.plusSeconds(60), 10, LEASE);
        assertEquals(1, again.get(0).attempts());
        assertEquals(T0.plusSeconds(60), again.get(0).nextAttemptAt());
        assertEquals(T0, again.get(0).enqueuedAt(), "age still counts from acceptance");
        assertThrows(StoreException.class, () -> queue.reschedule("ghost", 1, T0, "x"));
    }

    @Test
    void expiredLeasesAreRecoveredAfterACrash() {
        queue.enqueue(event("a", T0));
        queue.enqueue(event("b", T0));
        queue.claimDue(T0, 1, LEASE);
        assertEquals(0, queue.recoverExpiredLeases(T0.plusSeconds(29)), "lease still running");
        assertEquals(1, queue.recoverExpiredLeases(T0.plus(LEASE)));
        assertEquals(List.of("a", "b"), ids(queue.claimDue(T0.plus(LEASE), 10, LEASE)));
    }

    @Test
    void deadLetterMovesTheEventAndReplayBringsItBack() {
        queue.enqueue(new AsyncEvent("a", "fn", "prod", new byte[] {1, 2}, 2, T0.minusSeconds(5), T0));
        queue.claimDue(T0, 1, LEASE);
        byte[] record = "{\"condition\":\"RetriesExhausted\"}".getBytes(StandardCharsets.UTF_8);
        queue.deadLetter("a", record, "RetriesExhausted");
        assertEquals(0, queue.pending());
        List<DeadLetter> dlq = queue.deadLetters(10);
        assertEquals(1, dlq.size());
        DeadLetter d = dlq.get(0);
        assertEquals(new DeadLetter("a", "fn", "prod", new byte[] {1, 2}, record, "RetriesExhausted", T0), d);
        assertThrows(StoreException.class, () -> queue.deadLetter("a", record, "again"), "no longer queued");

        Optional<AsyncEvent> replayed = queue.replay("a");
        assertEquals(Optional.of(new AsyncEvent("a", "fn", "prod", new byte[] {1, 2}, 0, T0, T0)), replayed);
        assertEquals(List.of(), queue.deadLetters(10));
        assertEquals(1, queue.pending());
        assertArrayEquals(new byte[] {1, 2}, queue.claimDue(T0, 1, LEASE).get(0).payload());
        assertEquals(Optional.empty(), queue.replay("a"));
        assertEquals(Optional.empty(), queue.replay("ghost"));
    }

    @Test
    void deadLettersAreListedOldestFirstUpToMax() {
        Instant[] at = {T0.plusSeconds(3), T0.plusSeconds(1), T0.plusSeconds(2)};
        for (int i = 0; i < 3; i++) {
            SqliteAsyncEventStore q = new SqliteAsyncEventStore(db, Clock.fixed(at[i], ZoneOffset.UTC));
            q.enqueue(event("e" + i, T0));
            q.deadLetter("e" + i, new byte[0], "EventAgeExceeded");
        }
        assertEquals(List.of("e1", "e2"), queue.deadLetters(2).stream().map(DeadLetter::id).toList());
    }

    @Test
    void duplicateIdsAreRejected() {
        queue.enqueue(event("a", T0));
        assertThrows(StoreException.class, () -> queue.enqueue(event("a", T0)));
        assertEquals(1, queue.pending());
    }

    @Test
    void queueAndDeadLettersSurviveAReopen() {
        queue.enqueue(event("a", T0));
        queue.enqueue(event("b", T0));
        queue.claimDue(T0, 1, LEASE);
        queue.enqueue(event("c", T0));
        queue.deadLetter("c", new byte[] {9}, "RetriesExhausted");
        db.close();
        db = Database.open(tmp);
        queue = new SqliteAsyncEventStore(db, Clock.fixed(T0, ZoneOffset.UTC));
        assertEquals(2, queue.pending());
        assertEquals(List.of("c"), queue.deadLetters(10).stream().map(DeadLetter::id).toList());
        assertEquals(List.of("b"), ids(queue.claimDue(T0, 10, LEASE)), "a is still leased");
        assertEquals(2, queue.recoverExpiredLeases(T0.plus(LEASE)));
        assertEquals(List.of("a", "b"), ids(queue.claimDue(T0.plus(LEASE), 10, LEASE)));
    }
}
