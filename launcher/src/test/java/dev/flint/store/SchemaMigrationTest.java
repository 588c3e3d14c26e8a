package dev.flint.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A flint.db written by the first schema opens, migrates to the latest and keeps its rows. */
class SchemaMigrationTest {
    @TempDir Path tmp;

    @Test
    void version1GainsTheImageColumnsAndKeepsItsFunctions() throws Exception {
        Path file = tmp.resolve("flint.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
            for (String sql : Schema.MIGRATIONS.get(0)) {
                s.execute(sql);
            }
            s.execute("INSERT INTO schema_version (version) VALUES (1)");
            s.execute("INSERT INTO functions (name, runtime, handler, memory_mb, timeout_s, environment, ephemeral_mb,"
                    + " code_sha256, code_size, last_modified, description, revision_id) VALUES ('old', 'python3.11',"
                    + " 'a.b', 128, 3, '{}', 512, 'c2hh', 1, '2024-01-01T00:00:00.000+0000', '', 'rev')");
        }
        try (Database db = Database.openFile(file)) {
            assertEquals(Schema.latest(), db.schemaVersion());
            db.transaction(c -> {
                for (String table : List.of("functions", "function_versions")) {
                    List<String> cols = new ArrayList<>();
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
                        while (rs.next()) {
                            cols.add(rs.getString("name"));
                        }
                    }
                    assertTrue(cols.contains("image"), table + ": " + cols);
                }
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT runtime, image FROM functions WHERE name = 'old'")) {
                    assertTrue(rs.next());
                    assertEquals("python3.11", rs.getString(1));
                    assertNull(rs.getString(2), "a Zip function has no image");
                }
                return null;
            });
        }
    }
}
