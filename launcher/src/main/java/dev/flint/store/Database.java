package dev.flint.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code flint.db}: the embedded SQLite store (design.md §8) holding functions, versions,
 * aliases, invoke settings and the async queue. One connection, guarded by one lock, so every
 * {@link #transaction} is serialised within the process; other processes wait up to
 * {@value #BUSY_TIMEOUT_MS} ms (busy timeout). WAL journal with {@code synchronous=FULL}: a
 * transaction is on disk (the WAL fsynced) when {@link #transaction} returns, which is what
 * makes an accepted async event survive kill -9 and power loss.
 *
 * <p>SQLite-specific; the stores built on it ({@code SqliteFunctionStore},
 * {@link SqliteAsyncEventStore}) implement interfaces a PostgreSQL store can satisfy too.
 */
public final class Database implements AutoCloseable {

    public static final String FILE = "flint.db";
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/flint");
    public static final int BUSY_TIMEOUT_MS = 10_000;

    /** SQL work on the connection; runs inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    private Database(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens (creating and migrating as needed) {@code <stateDir>/flint.db}. */
    public static Database open(Path stateDir) {
        return openFile(stateDir.resolve(FILE));
    }

    /** Opens (creating and migrating as needed) the database file {@code file}. */
    public static Database openFile(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new StoreException("database: cannot create directory for '" + file + "'", e);
        }
        Connection c;
        try {
            c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        } catch (SQLException e) {
            throw new StoreException("database: cannot open '" + file + "': " + e.getMessage(), e);
        }
        Database db = new Database(file, c);
        try {
            db.configure();
            db.migrate();
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw e instanceof StoreException se ? se
                    : new StoreException("database: cannot initialise '" + file + "': " + e.getMessage(), e);
        }
        return db;
    }

    public Path file() {
        return file;
    }

    private void configure() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MS);
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
                if (!rs.next() || !"wal".equalsIgnoreCase(rs.getString(1))) {
                    throw new StoreException("database: '" + file + "' refused WAL journal mode");
                }
            }
            // FULL: the WAL is fsynced at every commit (NORMAL would only fsync at checkpoints,
            // and a power loss could drop an event we already answered 202 for)
            s.execute("PRAGMA synchronous = FULL");
            s.execute("PRAGMA foreign_keys = ON");
        }
    }

    private void migrate() throws SQLException {
        transaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            }
            return null;
        });
        int current = schemaVersion();
        List<List<String>> migrations = Schema.MIGRATIONS;
        if (current > migrations.size()) {
            throw new StoreException("database: '" + file + "' has schema version " + current
                    + ", newer than this flint understands (" + migrations.size() + ")");
        }
        for (int v = current; v < migrations.size(); v++) {
            int target = v + 1;
            List<String> steps = migrations.get(v);
            transaction(c -> {
                try (Statement s = c.createStatement()) {
                    for (String sql : steps) {
                        s.execute(sql);
                    }
                    s.execute("DELETE FROM schema_version");
                    s.execute("INSERT INTO schema_version (version) VALUES (" + target + ")");
                }
                return null;
            });
        }
    }

    /** The schema version on disk (0 for a new file before migration). */
    public int schemaVersion() {
        return transaction(c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        });
    }

    /**
     * Runs {@code work} in one transaction under the lock: committed (durably) when this
     * returns, rolled back when it throws. Keep the work short: it blocks every other caller.
     * Checked {@link SQLException}s come out as {@link StoreException}; unchecked exceptions
     * pass through unchanged (after the rollback).
     */
    public <T> T transaction(Work<T> work) {
        lock.lock();
        try {
            if (closed) {
                throw new StoreException("database: '" + file + "' is closed");
            }
            boolean committed = false;
            try {
                connection.setAutoCommit(false);
                T result = work.run(connection);
                connection.commit();
                committed = true;
                return result;
            } catch (SQLException e) {
                throw new StoreException("database: '" + file + "': " + e.getMessage(), e);
            } finally {
                if (!committed) {
                    rollbackQuietly();
                }
                try {
                    connection.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // the next transaction sets it again
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the original failure is the one to report
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                connection.close();
            }
        } catch (SQLException e) {
            throw new StoreException("database: cannot close '" + file + "'", e);
        } finally {
            lock.unlock();
        }
    }
}
