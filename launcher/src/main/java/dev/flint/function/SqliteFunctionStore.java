package dev.flint.function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.store.Database;
import dev.flint.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntFunction;

/**
 * {@link FunctionStore} in {@code flint.db} (tables {@code functions}, {@code function_versions},
 * {@code aliases}, {@code event_invoke_configs}; see {@code dev.flint.store.Schema}).
 * Environment variables and routing weights are JSON text columns. ARNs are not stored: they
 * are built on read with the configured region and account.
 */
public final class SqliteFunctionStore implements FunctionStore {

    static final String JSON_IMPORTED = "functions.json-imported";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> ENV = new TypeReference<>() {};
    private static final TypeReference<LinkedHashMap<String, Double>> WEIGHTS = new TypeReference<>() {};
    private static final TypeReference<ImageCode> IMAGE = new TypeReference<>() {};
    /** Image functions store "" as runtime and handler (NOT NULL columns) and their image as JSON. */
    private static final String CONFIG_COLUMNS = "runtime, handler, memory_mb, timeout_s, environment,"
            + " ephemeral_mb, code_sha256, code_size, last_modified, description, revision_id, image";

    private final Database db;
    private final boolean ownsDatabase;

    /** A store on {@code db}; closing the store leaves {@code db} open. */
    public SqliteFunctionStore(Database db) {
        this(db, false);
    }

    private SqliteFunctionStore(Database db, boolean ownsDatabase) {
        this.db = Objects.requireNonNull(db, "db");
        this.ownsDatabase = ownsDatabase;
    }

    /**
     * Opens {@code <stateDir>/flint.db} and, the first time, imports the legacy
     * {@code <stateDir>/functions/<name>/function.json} records (which are left in place).
     */
    public static SqliteFunctionStore open(Path stateDir) {
        Database db = Database.open(stateDir);
        try {
            SqliteFunctionStore store = new SqliteFunctionStore(db, true);
            store.importJson(new JsonFunctionStore(stateDir.resolve("functions")));
            return store;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * A store on a shared, already open {@code db} (closing the store leaves it open), after the
     * one-time import of {@code <stateDir>/functions/<name>/function.json}.
     */
    public static SqliteFunctionStore open(Database db, Path stateDir) {
        SqliteFunctionStore store = new SqliteFunctionStore(db, false);
        store.importJson(new JsonFunctionStore(stateDir.resolve("functions")));
        return store;
    }

    public Database database() {
        return db;
    }

    /**
     * Imports every legacy record not already present, once per database (a marker in
     * {@code meta} says it was done).
     *
     * @return how many were imported
     */
    int importJson(JsonFunctionStore legacy) {
        boolean done = db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM meta WHERE key = ?")) {
                ps.setString(1, JSON_IMPORTED);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
        if (done) {
            return 0;
        }
        List<StoredFunction> records = legacy.list();
        return db.transaction(c -> {
            int n = 0;
            for (StoredFunction s : records) {
                if (find(c, s.name()).isPresent()) {
                    continue;
                }
                if (s.revisionId() == null) {
                    s = new StoredFunction(s.name(), s.runtime(), s.handler(), s.memoryMb(),
                            s.timeoutSeconds(), s.environment(), s.ephemeralStorageMb(), s.codeSha256(),
                            s.codeSize(), FunctionConfig.LATEST, s.lastModified(), s.description(),
                            FunctionConfig.newRevisionId(), null);
                }
                upsert(c, s);
                n++;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO meta (key, value) VALUES (?, ?)")) {
                ps.setString(1, JSON_IMPORTED);
                ps.setString(2, Instant.now() + " " + n);
                ps.executeUpdate();
            }
            return n;
        });
    }

    @Override
    public Optional<StoredFunction> get(String name) {
        return db.transaction(c -> find(c, name));
    }

    private static Optional<StoredFunction> find(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT name, " + CONFIG_COLUMNS
                + " FROM functions WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(record(rs, FunctionConfig.LATEST, null)) : Optional.empty();
            }
        }
    }

    /** Reads name + CONFIG_COLUMNS from the current row. */
    private static StoredFunction record(ResultSet rs, String version, String publishedFrom)
            throws SQLException {
        String image = rs.getString(13);
        ImageCode code = image == null ? null : fromJson(image, IMAGE);
        return new StoredFunction(rs.getString(1), code == null ? rs.getString(2) : null,
                code == null ? rs.getString(3) : null, rs.getInt(4),
                rs.getInt(5), fromJson(rs.getString(6), ENV), rs.getInt(7), rs.getString(8),
                rs.getLong(9), version, rs.getString(10), rs.getString(11), rs.getString(12),
                publishedFrom, code);
    }

    @Override
    public List<StoredFunction> list() {
        return db.transaction(c -> {
            List<StoredFunction> all = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name, " + CONFIG_COLUMNS
                    + " FROM functions ORDER BY name");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(record(rs, FunctionConfig.LATEST, null));
                }
            }
            return all;
        });
    }

    @Override
    public void put(StoredFunction function) {
        if (!FunctionConfig.LATEST.equals(function.version())) {
            throw new IllegalArgumentException("put stores $LATEST only, not version " + function.version());
        }
        db.transaction(c -> {
            upsert(c, function);
            return null;
        });
    }

    private static void upsert(Connection c, StoredFunction f) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO functions (name, " + CONFIG_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
                + " runtime = excluded.runtime, handler = excluded.handler,"
                + " memory_mb = excluded.memory_mb, timeout_s = excluded.timeout_s,"
                + " environment = excluded.environment, ephemeral_mb = excluded.ephemeral_mb,"
                + " code_sha256 = excluded.code_sha256, code_size = excluded.code_size,"
                + " last_modified = excluded.last_modified, description = excluded.description,"
                + " revision_id = excluded.revision_id, image = excluded.image")) {
            bindConfig(ps, 1, f);
            ps.executeUpdate();
        }
    }

    /** Binds name + CONFIG_COLUMNS from {@code first}; @return the next index. */
    private static int bindConfig(PreparedStatement ps, int first, StoredFunction f) throws SQLException {
        int i = first;
        ps.setString(i++, f.name());
        ps.setString(i++, f.runtime() == null ? "" : f.runtime());
        ps.setString(i++, f.handler() == null ? "" : f.handler());
        ps.setInt(i++, f.memoryMb());
        ps.setInt(i++, f.timeoutSeconds());
        ps.setString(i++, toJson(f.environment() == null ? Map.of() : f.environment()));
        ps.setInt(i++, f.ephemeralStorageMb());
        ps.setString(i++, f.codeSha256());
        ps.setLong(i++, f.codeSize());
        ps.setString(i++, f.lastModified());
        ps.setString(i++, f.description() == null ? "" : f.description());
        ps.setString(i++, Objects.requireNonNull(f.revisionId(), "revisionId"));
        ps.setString(i++, f.image() == null ? null : toJson(f.image()));
        return i;
    }

    @Override
    public boolean delete(String name) {
        // versions, aliases and invoke settings go with it: ON DELETE CASCADE
        return db.transaction(c -> update(c, "DELETE FROM functions WHERE name = ?", name) > 0);
    }

    @Override
    public boolean codeInUse(String codeSha256) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM functions WHERE code_sha256 = ?"
                    + " UNION ALL SELECT 1 FROM function_versions WHERE code_sha256 = ? LIMIT 1")) {
                ps.setString(1, codeSha256);
                ps.setString(2, codeSha256);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    @Override
    public StoredFunction publish(String name, IntFunction<StoredFunction> make) {
        return db.transaction(c -> {
            // PostgreSQL: UPDATE ... RETURNING last_version does the allocation in one statement
            if (update(c, "UPDATE functions SET last_version = last_version + 1 WHERE name = ?", name) == 0) {
                throw new StoreException("function store: no function '" + name + "' to publish");
            }
            int number;
            try (PreparedStatement ps = c.prepareStatement("SELECT last_version FROM functions WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    number = rs.getInt(1);
                }
            }
            StoredFunction v = make.apply(number);
            if (!name.equals(v.name()) || !String.valueOf(number).equals(v.version())
                    || v.publishedFrom() == null) {
                throw new IllegalArgumentException("publish: expected version " + number + " of '"
                        + name + "' with publishedFrom, got " + v.name() + ":" + v.version());
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO function_versions"
                    + " (function_name, " + CONFIG_COLUMNS + ", version, published_from)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                int i = bindConfig(ps, 1, v);
                ps.setInt(i++, number);
                ps.setString(i, v.publishedFrom());
                ps.executeUpdate();
            }
            return v;
        });
    }

    private static final String VERSION_SELECT = "SELECT function_name, " + CONFIG_COLUMNS
            + ", version, published_from FROM function_versions";

    private static StoredFunction versionRecord(ResultSet rs) throws SQLException {
        return record(rs, String.valueOf(rs.getInt(14)), rs.getString(15));
    }

    @Override
    public List<StoredFunction> versions(String name) {
        return db.transaction(c -> {
            List<StoredFunction> all = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(VERSION_SELECT
                    + " WHERE function_name = ? ORDER BY version")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        all.add(versionRecord(rs));
                    }
                }
            }
            return all;
        });
    }

    @Override
    public Optional<StoredFunction> version(String name, String version) {
        Integer n = number(version);
        if (n == null) {
            return Optional.empty();
        }
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(VERSION_SELECT
                    + " WHERE function_name = ? AND version = ?")) {
                ps.setString(1, name);
                ps.setInt(2, n);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(versionRecord(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean deleteVersion(String name, String version) {
        Integer n = number(version);
        if (n == null) {
            return false;
        }
        return db.transaction(c -> {
            update(c, "DELETE FROM event_invoke_configs WHERE function_name = ? AND qualifier = ?", name, version);
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM function_versions WHERE function_name = ? AND version = ?")) {
                ps.setString(1, name);
                ps.setInt(2, n);
                return ps.executeUpdate() > 0;
            }
        });
    }

    private static Integer number(String version) {
        if (version == null || !version.matches("[0-9]{1,9}")) {
            return null;
        }
        return Integer.valueOf(version);
    }

    @Override
    public Optional<AliasConfig> alias(String function, String alias) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT function_name, name, function_version,"
                    + " description, routing, revision_id FROM aliases WHERE function_name = ? AND name = ?")) {
                ps.setString(1, function);
                ps.setString(2, alias);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(aliasRecord(rs)) : Optional.empty();
                }
            }
        });
    }

    private static AliasConfig aliasRecord(ResultSet rs) throws SQLException {
        return new AliasConfig(FunctionArns.functionArn(rs.getString(1), rs.getString(2)),
                rs.getString(2), rs.getString(3), rs.getString(4), fromJson(rs.getString(5), WEIGHTS),
                rs.getString(6));
    }

    @Override
    public List<AliasConfig> aliases(String function) {
        return db.transaction(c -> {
            List<AliasConfig> all = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT function_name, name, function_version,"
                    + " description, routing, revision_id FROM aliases WHERE function_name = ? ORDER BY name")) {
                ps.setString(1, function);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        all.add(aliasRecord(rs));
                    }
                }
            }
            return all;
        });
    }

    @Override
    public void putAlias(String function, AliasConfig alias) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO aliases (function_name, name,"
                    + " function_version, description, routing, revision_id) VALUES (?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (function_name, name) DO UPDATE SET"
                    + " function_version = excluded.function_version, description = excluded.description,"
                    + " routing = excluded.routing, revision_id = excluded.revision_id")) {
                ps.setString(1, function);
                ps.setString(2, alias.name());
                ps.setString(3, alias.functionVersion());
                ps.setString(4, alias.description());
                ps.setString(5, toJson(alias.additionalVersionWeights()));
                ps.setString(6, alias.revisionId());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public boolean deleteAlias(String function, String alias) {
        return db.transaction(c -> {
            update(c, "DELETE FROM event_invoke_configs WHERE function_name = ? AND qualifier = ?", function, alias);
            return update(c, "DELETE FROM aliases WHERE function_name = ? AND name = ?", function, alias) > 0;
        });
    }

    @Override
    public OptionalInt reservedConcurrency(String function) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT reserved_concurrency FROM functions WHERE name = ?")) {
                ps.setString(1, function);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return OptionalInt.empty();
                    }
                    int v = rs.getInt(1);
                    return rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(v);
                }
            }
        });
    }

    @Override
    public void setReservedConcurrency(String function, Integer value) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE functions SET reserved_concurrency = ? WHERE name = ?")) {
                if (value == null) {
                    ps.setNull(1, java.sql.Types.INTEGER);
                } else {
                    ps.setInt(1, value);
                }
                ps.setString(2, function);
                if (ps.executeUpdate() == 0) {
                    throw new StoreException("function store: no function '" + function + "'");
                }
            }
            return null;
        });
    }

    @Override
    public int totalReserved() {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COALESCE(SUM(reserved_concurrency), 0) FROM functions");
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        });
    }

    @Override
    public Optional<EventInvokeConfig> eventInvokeConfig(String function, String qualifier) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT maximum_retry_attempts,"
                    + " maximum_event_age_s, on_success, on_failure, last_modified FROM event_invoke_configs"
                    + " WHERE function_name = ? AND qualifier = ?")) {
                ps.setString(1, function);
                ps.setString(2, qualifier);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<EventInvokeConfig>empty();
                    }
                    Integer retries = rs.getInt(1);
                    if (rs.wasNull()) {
                        retries = null;
                    }
                    Integer age = rs.getInt(2);
                    if (rs.wasNull()) {
                        age = null;
                    }
                    return Optional.of(new EventInvokeConfig(FunctionArns.functionArn(function, qualifier),
                            retries, age, rs.getString(3), rs.getString(4),
                            Instant.ofEpochMilli(rs.getLong(5))));
                }
            }
        });
    }

    @Override
    public void putEventInvokeConfig(String function, String qualifier, EventInvokeConfig config) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO event_invoke_configs"
                    + " (function_name, qualifier, maximum_retry_attempts, maximum_event_age_s,"
                    + " on_success, on_failure, last_modified) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, function);
                ps.setString(2, qualifier);
                ps.setObject(3, config.maximumRetryAttempts());
                ps.setObject(4, config.maximumEventAgeInSeconds());
                ps.setString(5, config.onSuccessDestination());
                ps.setString(6, config.onFailureDestination());
                ps.setLong(7, config.lastModified().toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public boolean deleteEventInvokeConfig(String function, String qualifier) {
        return db.transaction(c -> update(c,
                "DELETE FROM event_invoke_configs WHERE function_name = ? AND qualifier = ?",
                function, qualifier) > 0);
    }

    private static int update(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new StoreException("function store: cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    private static <T> T fromJson(String text, TypeReference<T> type) {
        try {
            return JSON.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new StoreException("function store: corrupt JSON column: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public void close() {
        if (ownsDatabase) {
            db.close();
        }
    }
}
