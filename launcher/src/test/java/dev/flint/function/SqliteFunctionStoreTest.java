package dev.flint.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flint.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteFunctionStoreTest {

    @TempDir Path tmp;

    /** Base64 of 32 zero bytes: a well-formed CodeSha256. */
    static final String SHA = java.util.Base64.getEncoder().encodeToString(new byte[32]);

    private static StoredFunction legacy(String name) {
        return new StoredFunction(name, "python3.11", "app.h", 256, 7, Map.of("KEY", "v"), 512, SHA, 10,
                "$LATEST", "2024-01-01T12:00:00.000+0000", "old", null, null);
    }

    @Test
    void legacyJsonRecordsAreImportedOnceAndLeftInPlace() {
        JsonFunctionStore json = new JsonFunctionStore(tmp.resolve("functions"));
        json.put(legacy("a"));
        json.put(legacy("b"));
        try (SqliteFunctionStore store = SqliteFunctionStore.open(tmp)) {
            List<StoredFunction> all = store.list();
            assertEquals(List.of("a", "b"), all.stream().map(StoredFunction::name).toList());
            StoredFunction a = all.get(0);
            assertEquals(256, a.memoryMb());
            assertEquals(Map.of("KEY", "v"), a.environment());
            assertEquals("old", a.description());
            assertNotNull(a.revisionId(), "a revision id is made on import");
            store.delete("b");
        }
        assertTrue(Files.isRegularFile(tmp.resolve("functions/a/function.json")), "left in place");
        json.put(legacy("c"));
        try (SqliteFunctionStore store = SqliteFunctionStore.open(tmp)) {
            assertEquals(List.of("a"), store.list().stream().map(StoredFunction::name).toList(),
                    "imported once: neither the deleted b nor the later c come back");
        }
    }

    @Test
    void registryOnAStateDirImportsAndServesLegacyFunctions() throws IOException {
        new JsonFunctionStore(tmp.resolve("functions")).put(legacy("a"));
        try (FunctionRegistry registry = new FunctionRegistry(tmp)) {
            FunctionConfig a = registry.require("a");
            assertEquals(Instant.parse("2024-01-01T12:00:00Z"), a.lastModified());
            assertEquals(a.revisionId(), registry.require("a").revisionId());
        }
        assertTrue(Files.isRegularFile(tmp.resolve(Database.FILE)));
    }

    @Test
    void aSharedDatabaseStaysOpenWhenTheStoreCloses() {
        try (Database db = Database.open(tmp)) {
            SqliteFunctionStore store = SqliteFunctionStore.open(db, tmp);
            store.put(new StoredFunction("f", "provided", "h", 128, 3, Map.of(), 512, "sha", 1, "$LATEST",
                    "2024-01-01T12:00:00.000+0000", "", "rev", null));
            store.close();
            assertEquals("rev", new SqliteFunctionStore(db).get("f").orElseThrow().revisionId());
        }
    }
}
