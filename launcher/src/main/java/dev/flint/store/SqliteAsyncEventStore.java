package dev.flint.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link AsyncEventStore} in {@code flint.db}: tables {@code async_events} and
 * {@code dead_letters}. Times are epoch milliseconds. Every method is one short transaction.
 */
public final class SqliteAsyncEventStore implements AsyncEventStore {

    private static final String COLUMNS =
            "id, function_name, qualifier, payload, attempts, enqueued_at, next_attempt_at";

    private final Database db;
    private final Clock clock;

    public SqliteAsyncEventStore(Database db) {
        this(db, Clock.systemUTC());
    }

    /** @param clock the time of {@link #replay} and of {@link #deadLetter} records */
    public SqliteAsyncEventStore(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void enqueue(AsyncEvent e) {
        db.transaction(c -> {
            insert(c, e);
            return null;
        });
    }

    private static void insert(Connection c, AsyncEvent e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO async_events (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, e.id());
            ps.setString(2, e.functionName());
            ps.setString(3, e.qualifier());
            ps.setBytes(4, e.payload());
            ps.setInt(5, e.attempts());
            ps.setLong(6, e.enqueuedAt().toEpochMilli());
            ps.setLong(7, e.nextAttemptAt().toEpochMilli());
            ps.executeUpdate();
        }
    }

    @Override
    public List<AsyncEvent> claimDue(Instant now, int max, Duration lease) {
        if (max <= 0) {
            return List.of();
        }
        long until = now.plus(lease).toEpochMilli();
        return db.transaction(c -> {
            // one process holds the connection lock, so select-then-update cannot double-claim;
            // PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED here, then the same UPDATE
            List<AsyncEvent> due = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM async_events WHERE lease_until IS NULL AND next_attempt_at <= ?"
                    + " ORDER BY next_attempt_at, enqueued_at LIMIT ?")) {
                ps.setLong(1, now.toEpochMilli());
                ps.setInt(2, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        due.add(event(rs));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE async_events SET lease_until = ? WHERE id = ?")) {
                for (AsyncEvent e : due) {
                    ps.setLong(1, until);
                    ps.setString(2, e.id());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return due;
        });
    }

    private static AsyncEvent event(ResultSet rs) throws SQLException {
        return new AsyncEvent(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBytes(4),
                rs.getInt(5), Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)));
    }

    @Override
    public void complete(String id) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM async_events WHERE id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void reschedule(String id, int attempts, Instant nextAttemptAt, String lastError) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE async_events SET attempts = ?,"
                    + " next_attempt_at = ?, last_error = ?, lease_until = NULL WHERE id = ?")) {
                ps.setInt(1, attempts);
                ps.setLong(2, nextAttemptAt.toEpochMilli());
                ps.setString(3, lastError);
                ps.setString(4, id);
                if (ps.executeUpdate() == 0) {
                    throw new StoreException("async queue: no event '" + id + "' to reschedule");
                }
            }
            return null;
        });
    }

    @Override
    public void deadLetter(String id, byte[] record, String reason) {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(reason, "reason");
        long at = clock.millis();
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO dead_letters"
                    + " (id, function_name, qualifier, payload, record, reason, at)"
                    + " SELECT id, function_name, qualifier, payload, ?, ?, ? FROM async_events"
                    + " WHERE id = ?")) {
                ps.setBytes(1, record);
                ps.setString(2, reason);
                ps.setLong(3, at);
                ps.setString(4, id);
                if (ps.executeUpdate() == 0) {
                    throw new StoreException("async queue: no event '" + id + "' to dead-letter");
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM async_events WHERE id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<DeadLetter> deadLetters(int max) {
        return db.transaction(c -> {
            List<DeadLetter> all = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, function_name, qualifier,"
                    + " payload, record, reason, at FROM dead_letters ORDER BY at, id LIMIT ?")) {
                ps.setInt(1, Math.max(0, max));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        all.add(new DeadLetter(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getBytes(4), rs.getBytes(5), rs.getString(6),
                                Instant.ofEpochMilli(rs.getLong(7))));
                    }
                }
            }
            return all;
        });
    }

    @Override
    public Optional<AsyncEvent> replay(String deadLetterId) {
        Instant now = clock.instant();
        return db.transaction(c -> {
            AsyncEvent e = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT id, function_name, qualifier,"
                    + " payload FROM dead_letters WHERE id = ?")) {
                ps.setString(1, deadLetterId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        e = AsyncEvent.of(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getBytes(4), now);
                    }
                }
            }
            if (e == null) {
                return Optional.<AsyncEvent>empty();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM dead_letters WHERE id = ?")) {
                ps.setString(1, deadLetterId);
                ps.executeUpdate();
            }
            insert(c, e);
            return Optional.of(e);
        });
    }

    @Override
    public int recoverExpiredLeases(Instant now) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE async_events SET lease_until = NULL"
                    + " WHERE lease_until IS NOT NULL AND lease_until <= ?")) {
                ps.setLong(1, now.toEpochMilli());
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public long pending() {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM async_events");
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }
}
