package dev.flint.store;

import java.util.List;

/**
 * The migrations of {@code flint.db}, oldest first: migration {@code i} (0-based) brings the
 * schema to version {@code i + 1}. Append only; never edit a released migration. The same
 * tables (with {@code BYTEA} for {@code BLOB} and {@code BIGINT} for epoch-millisecond columns)
 * are the PostgreSQL schema design.md §9 plans.
 */
final class Schema {

    private Schema() {}

    static final List<List<String>> MIGRATIONS = List.of(
            List.of(
                    // one row per function: its $LATEST, the version counter, reserved concurrency
                    """
                    CREATE TABLE functions (
                      name TEXT PRIMARY KEY,
                      runtime TEXT NOT NULL,
                      handler TEXT NOT NULL,
                      memory_mb INTEGER NOT NULL,
                      timeout_s INTEGER NOT NULL,
                      environment TEXT NOT NULL,
                      ephemeral_mb INTEGER NOT NULL,
                      code_sha256 TEXT NOT NULL,
                      code_size INTEGER NOT NULL,
                      last_modified TEXT NOT NULL,
                      description TEXT NOT NULL,
                      revision_id TEXT NOT NULL,
                      last_version INTEGER NOT NULL DEFAULT 0,
                      reserved_concurrency INTEGER
                    )""",
                    // published versions: immutable copies of $LATEST
                    """
                    CREATE TABLE function_versions (
                      function_name TEXT NOT NULL REFERENCES functions(name) ON DELETE CASCADE,
                      version INTEGER NOT NULL,
                      runtime TEXT NOT NULL,
                      handler TEXT NOT NULL,
                      memory_mb INTEGER NOT NULL,
                      timeout_s INTEGER NOT NULL,
                      environment TEXT NOT NULL,
                      ephemeral_mb INTEGER NOT NULL,
                      code_sha256 TEXT NOT NULL,
                      code_size INTEGER NOT NULL,
                      last_modified TEXT NOT NULL,
                      description TEXT NOT NULL,
                      revision_id TEXT NOT NULL,
                      published_from TEXT NOT NULL,
                      PRIMARY KEY (function_name, version)
                    )""",
                    "CREATE INDEX function_versions_code ON function_versions(code_sha256)",
                    "CREATE INDEX functions_code ON functions(code_sha256)",
                    """
                    CREATE TABLE aliases (
                      function_name TEXT NOT NULL REFERENCES functions(name) ON DELETE CASCADE,
                      name TEXT NOT NULL,
                      function_version TEXT NOT NULL,
                      description TEXT NOT NULL,
                      routing TEXT NOT NULL,
                      revision_id TEXT NOT NULL,
                      PRIMARY KEY (function_name, name)
                    )""",
                    // qualifier '$LATEST' also holds the unqualified function's settings
                    """
                    CREATE TABLE event_invoke_configs (
                      function_name TEXT NOT NULL REFERENCES functions(name) ON DELETE CASCADE,
                      qualifier TEXT NOT NULL,
                      maximum_retry_attempts INTEGER,
                      maximum_event_age_s INTEGER,
                      on_success TEXT,
                      on_failure TEXT,
                      last_modified INTEGER NOT NULL,
                      PRIMARY KEY (function_name, qualifier)
                    )""",
                    // no foreign key: an accepted event outlives a deleted function (the worker
                    // then fails it with ResourceNotFound, as Lambda does)
                    """
                    CREATE TABLE async_events (
                      id TEXT PRIMARY KEY,
                      function_name TEXT NOT NULL,
                      qualifier TEXT,
                      payload BLOB NOT NULL,
                      attempts INTEGER NOT NULL,
                      enqueued_at INTEGER NOT NULL,
                      next_attempt_at INTEGER NOT NULL,
                      lease_until INTEGER,
                      last_error TEXT
                    )""",
                    "CREATE INDEX async_events_due ON async_events(next_attempt_at) WHERE lease_until IS NULL",
                    """
                    CREATE TABLE dead_letters (
                      id TEXT PRIMARY KEY,
                      function_name TEXT NOT NULL,
                      qualifier TEXT,
                      payload BLOB NOT NULL,
                      record BLOB NOT NULL,
                      reason TEXT NOT NULL,
                      at INTEGER NOT NULL
                    )""",
                    "CREATE INDEX dead_letters_at ON dead_letters(at)",
                    // one-off facts, e.g. that the legacy function.json files were imported
                    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"),
            List.of(
                    // PackageType Image functions: {imageUri, imageName, imageDigest, overrides}
                    // as JSON; NULL for Zip functions (their runtime and handler columns hold "")
                    "ALTER TABLE functions ADD COLUMN image TEXT",
                    "ALTER TABLE function_versions ADD COLUMN image TEXT"));

    /** The schema version this build writes. */
    static int latest() {
        return MIGRATIONS.size();
    }
}
