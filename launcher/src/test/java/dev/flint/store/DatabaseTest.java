package dev.flint.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {

    @TempDir Path tmp;

    private static String pragma(Database db, String name) {
        return db.transaction(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
                rs.next();
                return rs.getString(1);
            }
        });
    }

    private static int count(Database db, String sql) {
        return db.transaction(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @Test
    void createsTheFileInTheStateDirWithDurableSettings() {
        Path state = tmp.resolve("state/nested");
        try (Database db = Database.open(state)) {
            assertEquals(state.resolve("flint.db"), db.file());
            assertTrue(Files.isRegularFile(state.resolve("flint.db")));
            assertEquals("wal", pragma(db, "journal_mode"));
            assertEquals("2", pragma(db, "synchronous"), "FULL");
            assertEquals("1", pragma(db, "foreign_keys"));
            assertEquals(String.valueOf(Database.BUSY_TIMEOUT_MS), pragma(db, "busy_timeout"));
        }
    }

    @Test
    void migratesToTheLatestVersionOnceAndKeepsDataAcrossReopen() {
        try (Database db = Database.open(tmp)) {
            assertEquals(Schema.latest(), db.schemaVersion());
            db.transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')");
                }
                return null;
            });
        }
        try (Database db = Database.open(tmp)) {
            assertEquals(Schema.latest(), db.schemaVersion());
            assertEquals(1, count(db, "SELECT COUNT(*) FROM schema_version"), "one row, not one per open");
            assertEquals(1, count(db, "SELECT COUNT(*) FROM meta WHERE key = 'k'"));
        }
    }

    @Test
    void refusesADatabaseFromANewerFlint() {
        try (Database db = Database.open(tmp)) {
            db.transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("UPDATE schema_version SET version = 999");
                }
                return null;
            });
        }
        StoreException e = assertThrows(StoreException.class, () -> Database.open(tmp));
        assertTrue(e.getMessage().contains("schema version 999"), e.getMessage());
    }

    @Test
    void aFailingTransactionIsRolledBack() {
        try (Database db = Database.open(tmp)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> db.transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')");
                }
                throw new IllegalStateException("boom");
            }));
            assertEquals("boom", e.getMessage());
            assertEquals(0, count(db, "SELECT COUNT(*) FROM meta"));
            StoreException sql = assertThrows(StoreException.class, () -> db.transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')");
                    s.execute("INSERT INTO nope VALUES (1)");
                }
                return null;
            }));
            assertTrue(sql.getMessage().contains("nope"), sql.getMessage());
            assertEquals(0, count(db, "SELECT COUNT(*) FROM meta"));
        }
    }

    @Test
    void closedDatabaseRefusesWork() {
        Database db = Database.open(tmp);
        db.close();
        db.close();
        assertThrows(StoreException.class, db::schemaVersion);
    }

    @Test
    void foreignKeysCascadeFromFunctions() {
        try (Database db = Database.open(tmp)) {
            db.transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO functions (name, runtime, handler, memory_mb, timeout_s, environment,"
                            + " ephemeral_mb, code_sha256, code_size, last_modified, description, revision_id)"
                            + " VALUES ('f', 'provided', 'h', 128, 3, '{}', 512, 'sha', 1, 't', '', 'r')");
                    s.execute("INSERT INTO aliases VALUES ('f', 'a', '$LATEST', '', '{}', 'r')");
                    s.execute("DELETE FROM functions WHERE name = 'f'");
                }
                return null;
            });
            assertEquals(0, count(db, "SELECT COUNT(*) FROM aliases"));
            assertThrows(StoreException.class, () -> db.transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO aliases VALUES ('ghost', 'a', '$LATEST', '', '{}', 'r')");
                }
                return null;
            }));
        }
    }
}
