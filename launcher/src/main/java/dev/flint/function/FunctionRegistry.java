package dev.flint.function;

import dev.flint.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Functions and everything hanging off them: $LATEST (create, read, update code or
 * configuration, delete), published versions, aliases, reserved concurrency, event invoke
 * settings, and the resolution of a name/ARN + qualifier to the version to run. State lives in
 * a {@link FunctionStore} (default: SQLite at {@code <root>/flint.db}), code in a
 * {@link CodeStore} ({@code <root>/code/<hex sha>/}). Mutations are serialised by one lock, so
 * "delete the code when nothing uses it" cannot race a create that reuses the same code. One
 * supervisor process owns the root. Errors are {@link FunctionException}s with AWS's types and
 * messages (lambda-contract.md §6, §11).
 */
public final class FunctionRegistry implements AutoCloseable {

    public static final String DEFAULT_ROOT = "/var/lib/flint";
    /** Lambda's default account concurrency limit (lambda-contract.md §7). */
    public static final int DEFAULT_ACCOUNT_CONCURRENCY = 1000;
    /** Lambda keeps this much of the account limit unreserved. */
    public static final int MIN_UNRESERVED_CONCURRENCY = 100;
    public static final int ALIAS_NAME_MAX = 128;
    public static final int QUALIFIER_MAX = 128;
    public static final int FUNCTION_ARN_MAX = 170;

    static final String ALIAS_NAME_REGEX = "(?!^[0-9]+$)([a-zA-Z0-9-_]+)";
    static final String VERSION_REGEX = "(\\$LATEST|[0-9]+)";
    static final String QUALIFIER_REGEX = "(|[a-zA-Z0-9$_-]+)";
    static final String FUNCTION_NAME_REGEX = "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?"
            + "(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";
    private static final Pattern ALIAS_NAME = Pattern.compile(ALIAS_NAME_REGEX);
    private static final Pattern VERSION = Pattern.compile(VERSION_REGEX);
    private static final Pattern NUMBER = Pattern.compile("[0-9]+");
    private static final Pattern QUALIFIER = Pattern.compile(QUALIFIER_REGEX);
    /** name | name:q | ACCOUNT:function:name[:q] | arn:PARTITION:lambda:REGION:ACCOUNT:function:name[:q] */
    private static final Pattern FUNCTION_REF = Pattern.compile(
            "(?:arn:(aws[a-zA-Z-]*):lambda:([a-z]{2}(?:-gov)?-[a-z]+-\\d):(\\d{12}):function:"
                    + "|(\\d{12}):function:)?([a-zA-Z0-9-_]+)(?::(\\$LATEST|[a-zA-Z0-9-_]+))?");
    private static final Pattern LAMBDA_FUNCTION_ARN = Pattern.compile(
            "arn:aws[a-zA-Z-]*:lambda:[a-z]{2}(?:-gov)?-[a-z]+-\\d:\\d{12}:function:[a-zA-Z0-9-_]{1,64}"
                    + "(?::(?:\\$LATEST|[a-zA-Z0-9-_]{1,128}))?");

    private final FunctionStore store;
    private final CodeStore code;
    private final SnapStartStore snapStart;
    private final Clock clock;
    private final int accountConcurrencyLimit;
    private final Object lock = new Object();

    public FunctionRegistry() {
        this(Path.of(DEFAULT_ROOT));
    }

    /** SQLite at {@code <root>/flint.db} (imports legacy {@code functions/*}/function.json once). */
    public FunctionRegistry(Path root) {
        this(SqliteFunctionStore.open(root), new CodeStore(root.resolve("code")), Clock.systemUTC());
    }

    public FunctionRegistry(FunctionStore store, CodeStore code, Clock clock) {
        this(store, code, clock, DEFAULT_ACCOUNT_CONCURRENCY);
    }

    /** @param accountConcurrencyLimit the account's concurrency limit (reserved + unreserved) */
    public FunctionRegistry(FunctionStore store, CodeStore code, Clock clock, int accountConcurrencyLimit) {
        this.store = store;
        this.code = code;
        this.snapStart = new SnapStartStore(code.root().resolveSibling("snapshots"));
        this.clock = clock;
        if (accountConcurrencyLimit < MIN_UNRESERVED_CONCURRENCY) {
            throw new IllegalArgumentException("account concurrency limit must be >= "
                    + MIN_UNRESERVED_CONCURRENCY + ": " + accountConcurrencyLimit);
        }
        this.accountConcurrencyLimit = accountConcurrencyLimit;
    }

    /**
     * A registry on a shared database (e.g. the one {@code flint serve} also gives to the async
     * queue), with code under {@code <stateDir>/code}. Closing the registry leaves {@code db} open.
     */
    public static FunctionRegistry open(Database db, Path stateDir, Clock clock, int accountConcurrencyLimit) {
        return new FunctionRegistry(SqliteFunctionStore.open(db, stateDir),
                new CodeStore(stateDir.resolve("code")), clock, accountConcurrencyLimit);
    }

    public CodeStore codeStore() {
        return code;
    }

    /** SnapStart settings and the checkpoints of published versions (beside the code store). */
    public SnapStartStore snapStart() {
        return snapStart;
    }

    public int accountConcurrencyLimit() {
        return accountConcurrencyLimit;
    }

    // ---- $LATEST ---------------------------------------------------------------------------

    /**
     * Creates a function from a validated definition.
     *
     * @throws ResourceConflictException "Function already exist: NAME"
     * @throws CodeValidationException the code was rejected (nothing is stored)
     */
    public FunctionConfig create(FunctionDefinition def) {
        synchronized (lock) {
            if (store.get(def.name()).isPresent()) {
                throw conflict(def.name());
            }
            if (def.isImage()) {
                FunctionConfig config = FunctionConfig.ofImage(def.name(), def.memoryMb(), def.timeoutSeconds(),
                        def.environment(), def.ephemeralStorageMb(), FunctionConfig.LATEST, now(),
                        def.description(), def.image());
                store.put(StoredFunction.of(config));
                return config;
            }
            CodeArtifact artifact = code.store(def.code());
            FunctionConfig config = new FunctionConfig(def.name(), def.runtime(), def.handler(),
                    def.memoryMb(), def.timeoutSeconds(), def.environment(),
                    def.ephemeralStorageMb(), artifact.sha256(), artifact.size(),
                    FunctionConfig.LATEST, now(), def.description(), artifact.dir());
            try {
                store.put(StoredFunction.of(config));
            } catch (RuntimeException e) {
                dropCodeIfUnused(artifact.sha256());
                throw e;
            }
            return config;
        }
    }

    /** $LATEST. */
    public Optional<FunctionConfig> get(String name) {
        FunctionRules.validateName(name);
        return store.get(name).map(this::toConfig);
    }

    /** @throws ResourceNotFoundException "Function not found: arn:aws:lambda:...:function:NAME" */
    public FunctionConfig require(String name) {
        return get(name).orElseThrow(() -> notFound(name));
    }

    /** Every function's $LATEST, sorted by name. */
    public List<FunctionConfig> list() {
        List<FunctionConfig> all = new ArrayList<>();
        for (StoredFunction s : store.list()) {
            all.add(toConfig(s));
        }
        return all;
    }

    /** Replaces the code; the old code is removed when no function or version uses it. */
    public FunctionConfig updateCode(String name, Path dirOrZip) {
        synchronized (lock) {
            FunctionConfig old = require(name);
            CodeArtifact artifact = code.store(dirOrZip);
            FunctionConfig updated = old.withCode(artifact, now());
            store.put(StoredFunction.of(updated));
            if (!old.codeSha256().equals(updated.codeSha256())) {
                dropCodeIfUnused(old.codeSha256());
            }
            return updated;
        }
    }

    /** Points an Image function at another image (UpdateFunctionCode with ImageUri); ImageConfig is kept. */
    public FunctionConfig updateImage(String name, ImageCode image) {
        synchronized (lock) {
            FunctionConfig updated = require(name).withImage(image, now());
            store.put(StoredFunction.of(updated));
            return updated;
        }
    }

    /**
     * Every function's $LATEST and published versions: what runs on which image
     * ({@code flint image ls} and {@code rm} ask this).
     */
    public List<FunctionConfig> allVersions() {
        List<FunctionConfig> all = new ArrayList<>();
        for (FunctionConfig f : list()) {
            all.addAll(listVersions(f.name()));
        }
        return all;
    }

    /** Applies the update's non-null fields; the result is validated before anything is written. */
    public FunctionConfig updateConfiguration(String name, FunctionUpdate update) {
        synchronized (lock) {
            FunctionConfig updated = require(name).with(update, now());
            store.put(StoredFunction.of(updated));
            return updated;
        }
    }

    /**
     * Deletes the function with its versions, aliases, concurrency and invoke settings, and the
     * code nothing else uses.
     */
    public void delete(String name) {
        synchronized (lock) {
            FunctionConfig old = require(name);
            Set<String> shas = new HashSet<>();
            shas.add(old.codeSha256());
            for (StoredFunction v : store.versions(name)) {
                shas.add(v.codeSha256());
            }
            store.delete(name);
            snapStart.deleteFunction(name);
            for (String sha : shas) {
                dropCodeIfUnused(sha);
            }
        }
    }

    // ---- versions --------------------------------------------------------------------------

    /**
     * PublishVersion: freezes $LATEST into the next number ("1", "2", ...; never reused). If
     * neither code nor configuration changed since the newest published version, returns that
     * version instead (AWS's rule).
     *
     * @param description the version's description ({@code null}/empty: $LATEST's)
     * @param codeSha256IfMatch publish only if $LATEST's CodeSha256 is this
     * @param revisionIdIfMatch publish only if $LATEST's RevisionId is this
     * @throws InvalidParameterValueException the CodeSha256 differs
     * @throws PreconditionFailedException the RevisionId differs
     */
    public FunctionConfig publishVersion(String name, String description, String codeSha256IfMatch,
            String revisionIdIfMatch) {
        FunctionRules.validateDescription(description);
        synchronized (lock) {
            FunctionConfig latest = require(name);
            if (revisionIdIfMatch != null && !revisionIdIfMatch.equals(latest.revisionId())) {
                throw revisionMismatch("GetFunction");
            }
            if (codeSha256IfMatch != null && !codeSha256IfMatch.equals(latest.codeSha256())) {
                throw new InvalidParameterValueException("CodeSHA256 (" + codeSha256IfMatch
                        + ") is different from current CodeSHA256 in $LATEST (" + latest.codeSha256()
                        + "). Please try again with the current CodeSHA256.");
            }
            List<StoredFunction> versions = store.versions(name);
            if (!versions.isEmpty()) {
                StoredFunction newest = versions.get(versions.size() - 1);
                if (latest.revisionId().equals(newest.publishedFrom())) {
                    return toConfig(newest);
                }
            }
            Instant now = now();
            StoredFunction published = store.publish(name, n -> StoredFunction.of(
                    latest.asVersion(String.valueOf(n), description, now), latest.revisionId()));
            return toConfig(published);
        }
    }

    /** ListVersionsByFunction: $LATEST first, then the published versions by number. */
    public List<FunctionConfig> listVersions(String name) {
        FunctionConfig latest = require(name);
        List<FunctionConfig> all = new ArrayList<>();
        all.add(latest);
        for (StoredFunction v : store.versions(name)) {
            all.add(toConfig(v));
        }
        return all;
    }

    /**
     * A published version or $LATEST ({@code null} qualifier: $LATEST). Aliases are not
     * versions: use {@link #resolve}.
     *
     * @throws ResourceNotFoundException "Function not found: arn:...:function:NAME:QUALIFIER"
     */
    public FunctionConfig getVersion(String name, String qualifier) {
        FunctionConfig latest = require(name);
        if (qualifier == null || FunctionConfig.LATEST.equals(qualifier)) {
            return latest;
        }
        return store.version(name, qualifier).map(this::toConfig)
                .orElseThrow(() -> notFound(name, qualifier));
    }

    /**
     * Deletes a published version (DeleteFunction with a Qualifier); its code goes when nothing
     * else uses it.
     *
     * @throws InvalidParameterValueException for $LATEST
     * @throws ResourceConflictException an alias points at the version
     * @throws ResourceNotFoundException no such version
     */
    public void deleteVersion(String name, String version) {
        synchronized (lock) {
            require(name);
            if (FunctionConfig.LATEST.equals(version)) {
                throw new InvalidParameterValueException(
                        "$LATEST version cannot be deleted without deleting the function.");
            }
            StoredFunction v = store.version(name, version).orElseThrow(() -> notFound(name, version));
            List<String> users = new ArrayList<>();
            for (AliasConfig a : store.aliases(name)) {
                if (a.functionVersion().equals(version) || a.additionalVersionWeights().containsKey(version)) {
                    users.add(a.name());
                }
            }
            if (!users.isEmpty()) {
                throw new ResourceConflictException(
                        "Unable to delete version because the following aliases reference it: " + users);
            }
            store.deleteVersion(name, version);
            snapStart.deleteVersion(name, version);
            dropCodeIfUnused(v.codeSha256());
        }
    }

    // ---- aliases ---------------------------------------------------------------------------

    /**
     * CreateAlias.
     *
     * @param weights AdditionalVersionWeights ({@code null} or empty: no routing)
     * @throws ResourceConflictException "Alias already exists: ARN"
     */
    public AliasConfig createAlias(String function, String name, String version, String description,
            Map<String, Double> weights) {
        validateAliasName(name);
        FunctionRules.validateDescription(description);
        synchronized (lock) {
            require(function);
            if (store.alias(function, name).isPresent()) {
                throw new ResourceConflictException("Alias already exists: " + FunctionArns.functionArn(function, name));
            }
            validateRouting(function, version, weights);
            AliasConfig alias = new AliasConfig(FunctionArns.functionArn(function, name), name, version,
                    description, weights, FunctionConfig.newRevisionId());
            store.putAlias(function, alias);
            return alias;
        }
    }

    /** @throws ResourceNotFoundException "Cannot find alias arn: ARN" */
    public AliasConfig getAlias(String function, String name) {
        validateAliasName(name);
        require(function);
        return store.alias(function, name).orElseThrow(() -> aliasNotFound(function, name));
    }

    /**
     * UpdateAlias: {@code null} arguments stay unchanged; an empty {@code weights} map removes
     * the routing.
     *
     * @throws PreconditionFailedException the alias's RevisionId is not {@code revisionIdIfMatch}
     */
    public AliasConfig updateAlias(String function, String name, String version, String description,
            Map<String, Double> weights, String revisionIdIfMatch) {
        FunctionRules.validateDescription(description);
        synchronized (lock) {
            AliasConfig old = getAlias(function, name);
            if (revisionIdIfMatch != null && !revisionIdIfMatch.equals(old.revisionId())) {
                throw revisionMismatch("GetAlias");
            }
            String newVersion = version != null ? version : old.functionVersion();
            Map<String, Double> newWeights = weights != null ? weights : old.additionalVersionWeights();
            validateRouting(function, newVersion, newWeights);
            AliasConfig alias = new AliasConfig(old.aliasArn(), name, newVersion,
                    description != null ? description : old.description(), newWeights,
                    FunctionConfig.newRevisionId());
            store.putAlias(function, alias);
            return alias;
        }
    }

    /** DeleteAlias (with its event invoke settings). */
    public void deleteAlias(String function, String name) {
        synchronized (lock) {
            getAlias(function, name);
            store.deleteAlias(function, name);
        }
    }

    /**
     * ListAliases, by name.
     *
     * @param functionVersionFilter only aliases that route to this version (primary or
     *     additional); {@code null}: all
     */
    public List<AliasConfig> listAliases(String function, String functionVersionFilter) {
        require(function);
        List<AliasConfig> all = new ArrayList<>();
        for (AliasConfig a : store.aliases(function)) {
            if (functionVersionFilter == null || a.functionVersion().equals(functionVersionFilter)
                    || a.additionalVersionWeights().containsKey(functionVersionFilter)) {
                all.add(a);
            }
        }
        return all;
    }

    private static void validateAliasName(String name) {
        if (name == null || name.isEmpty()) {
            throw ValidationException.of("", "name", "Member must have length greater than or equal to 1");
        }
        if (name.length() > ALIAS_NAME_MAX) {
            throw ValidationException.of(name, "name",
                    "Member must have length less than or equal to " + ALIAS_NAME_MAX);
        }
        if (!ALIAS_NAME.matcher(name).matches()) {
            throw ValidationException.of(name, "name",
                    "Member must satisfy regular expression pattern: " + ALIAS_NAME_REGEX);
        }
    }

    /** The primary version exists; routing has ≤ 1 other published version, weight in [0, 1]. */
    private void validateRouting(String function, String version, Map<String, Double> weights) {
        if (version == null || !VERSION.matcher(version).matches() || version.length() > 1024) {
            throw ValidationException.of(version, "functionVersion",
                    "Member must satisfy regular expression pattern: " + VERSION_REGEX);
        }
        requireVersionExists(function, version);
        if (weights == null || weights.isEmpty()) {
            return;
        }
        if (weights.size() > 1) {
            throw new ValidationException("1 validation error detected: Value '" + weights
                    + "' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint:"
                    + " Member must have length less than or equal to 1");
        }
        Map.Entry<String, Double> e = weights.entrySet().iterator().next();
        String extra = e.getKey();
        Double w = e.getValue();
        if (extra == null || !NUMBER.matcher(extra).matches() && !FunctionConfig.LATEST.equals(extra)) {
            throw new ValidationException("1 validation error detected: Value '" + weights
                    + "' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint:"
                    + " Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [0-9]+]");
        }
        if (w == null || w.isNaN() || w < 0.0 || w > 1.0) {
            throw new ValidationException("1 validation error detected: Value '" + weights
                    + "' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint:"
                    + " Map value must satisfy constraint: [Member must have value less than or equal"
                    + " to 1.0, Member must have value greater than or equal to 0.0]");
        }
        if (FunctionConfig.LATEST.equals(version) || FunctionConfig.LATEST.equals(extra)) {
            throw new InvalidParameterValueException(
                    "$LATEST is not supported for an alias pointing to more than 1 version");
        }
        if (extra.equals(version)) {
            throw new InvalidParameterValueException("Invalid function version " + extra
                    + ". Function version " + extra + " is already included in routing configuration.");
        }
        requireVersionExists(function, extra);
    }

    private void requireVersionExists(String function, String version) {
        if (!FunctionConfig.LATEST.equals(version) && store.version(function, version).isEmpty()) {
            throw notFound(function, version);
        }
    }

    // ---- resolution ------------------------------------------------------------------------

    /**
     * Resolves what an invoke (or a control-plane call taking FunctionName + Qualifier)
     * addresses. {@code functionNameOrArn} is a name, {@code name:qualifier}, a partial ARN
     * {@code ACCOUNT:function:NAME[:QUALIFIER]} or a full ARN
     * {@code arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]}.
     *
     * @param qualifierParam the separate Qualifier parameter ({@code null}/empty: none)
     * @throws InvalidParameterValueException the ARN's region is not ours, or two different
     *     qualifiers were given
     * @throws ResourceNotFoundException no such function (or another account's), version or alias
     * @throws ValidationException the name or qualifier is malformed
     */
    public ResolvedFunction resolve(String functionNameOrArn, String qualifierParam) {
        FunctionRef ref = parseFunctionRef(functionNameOrArn);
        String qualifier = qualifierParam == null || qualifierParam.isEmpty() ? null : qualifierParam;
        if (qualifier != null) {
            validateQualifier(qualifier);
        }
        if (ref.qualifier() != null && qualifier != null && !ref.qualifier().equals(qualifier)) {
            throw new InvalidParameterValueException(
                    "The derived qualifier from the function name does not match the specified qualifier.");
        }
        String q = ref.qualifier() != null ? ref.qualifier() : qualifier;
        String name = ref.name();
        FunctionConfig latest = require(name);
        if (q == null) {
            return new ResolvedFunction(name, null, null, latest);
        }
        if (FunctionConfig.LATEST.equals(q)) {
            return new ResolvedFunction(name, q, null, latest);
        }
        if (NUMBER.matcher(q).matches()) {
            return new ResolvedFunction(name, q, null, getVersion(name, q));
        }
        AliasConfig alias = store.alias(name, q).orElseThrow(() -> notFound(name, q));
        FunctionConfig primary = getVersion(name, alias.functionVersion());
        FunctionConfig extra = null;
        if (!alias.additionalVersionWeights().isEmpty()) {
            extra = getVersion(name, alias.additionalVersionWeights().keySet().iterator().next());
        }
        return new ResolvedFunction(name, q, alias, primary, extra);
    }

    /** A parsed FunctionName: the bare name and the qualifier it carried ({@code null}: none). */
    record FunctionRef(String name, String qualifier) {}

    static FunctionRef parseFunctionRef(String functionNameOrArn) {
        if (functionNameOrArn == null || functionNameOrArn.isEmpty()) {
            throw ValidationException.of("", "functionName", "Member must have length greater than or equal to 1");
        }
        if (functionNameOrArn.length() > FUNCTION_ARN_MAX) {
            throw ValidationException.of(functionNameOrArn, "functionName",
                    "Member must have length less than or equal to " + FUNCTION_ARN_MAX);
        }
        Matcher m = FUNCTION_REF.matcher(functionNameOrArn);
        if (!m.matches()) {
            throw ValidationException.of(functionNameOrArn, "functionName",
                    "Member must satisfy regular expression pattern: " + FUNCTION_NAME_REGEX);
        }
        String region = m.group(2);
        String account = m.group(3) != null ? m.group(3) : m.group(4);
        String name = m.group(5);
        String qualifier = m.group(6);
        FunctionRules.validateName(name);
        if (qualifier != null) {
            validateQualifier(qualifier);
        }
        if (region != null && !region.equals(FunctionArns.region())) {
            throw new InvalidParameterValueException("Functions from '" + region
                    + "' are not reachable in this region ('" + FunctionArns.region() + "')");
        }
        if (account != null && !account.equals(FunctionArns.account())) {
            String arn = "arn:aws:lambda:" + FunctionArns.region() + ":" + account + ":function:" + name;
            throw new ResourceNotFoundException("Function not found: " + (qualifier == null ? arn : arn + ":" + qualifier));
        }
        return new FunctionRef(name, qualifier);
    }

    private static void validateQualifier(String qualifier) {
        if (qualifier.length() > QUALIFIER_MAX) {
            throw ValidationException.of(qualifier, "qualifier",
                    "Member must have length less than or equal to " + QUALIFIER_MAX);
        }
        if (!QUALIFIER.matcher(qualifier).matches()) {
            throw ValidationException.of(qualifier, "qualifier",
                    "Member must satisfy regular expression pattern: " + QUALIFIER_REGEX);
        }
    }

    // ---- concurrency -----------------------------------------------------------------------

    /** The function's reserved concurrency; empty when it has none (it uses the unreserved pool). */
    public OptionalInt reservedConcurrency(String name) {
        require(name);
        return store.reservedConcurrency(name);
    }

    /**
     * PutFunctionConcurrency: reserves {@code value} (0 throttles every invoke) while keeping
     * {@value #MIN_UNRESERVED_CONCURRENCY} of the account limit unreserved.
     *
     * @return {@code value}
     */
    public int putReservedConcurrency(String name, int value) {
        if (value < 0) {
            throw ValidationException.of(value, "reservedConcurrentExecutions",
                    "Member must have value greater than or equal to 0");
        }
        synchronized (lock) {
            require(name);
            int others = store.totalReserved() - store.reservedConcurrency(name).orElse(0);
            if (accountConcurrencyLimit - others - value < MIN_UNRESERVED_CONCURRENCY) {
                throw new InvalidParameterValueException("Specified ReservedConcurrentExecutions for"
                        + " function decreases account's UnreservedConcurrentExecution below its"
                        + " minimum value of [" + MIN_UNRESERVED_CONCURRENCY + "].");
            }
            store.setReservedConcurrency(name, value);
            return value;
        }
    }

    /** DeleteFunctionConcurrency (no-op when none was reserved). */
    public void deleteReservedConcurrency(String name) {
        synchronized (lock) {
            require(name);
            store.setReservedConcurrency(name, null);
        }
    }

    /** The sum of all functions' reserved concurrency. */
    public int totalReserved() {
        return store.totalReserved();
    }

    // ---- event invoke config ---------------------------------------------------------------

    /**
     * PutFunctionEventInvokeConfig: replaces the settings of the function ({@code null}
     * qualifier, the same as {@code $LATEST}), a version or an alias. {@code null} fields are
     * unset (Lambda's defaults apply).
     */
    public EventInvokeConfig putEventInvokeConfig(String name, String qualifier, Integer maximumRetryAttempts,
            Integer maximumEventAgeInSeconds, String onSuccessDestination, String onFailureDestination) {
        validateEventInvokeConfig(maximumRetryAttempts, maximumEventAgeInSeconds, onSuccessDestination,
                onFailureDestination);
        synchronized (lock) {
            String key = requireQualifier(name, qualifier);
            EventInvokeConfig config = new EventInvokeConfig(arn(name, qualifier), maximumRetryAttempts,
                    maximumEventAgeInSeconds, onSuccessDestination, onFailureDestination, now());
            store.putEventInvokeConfig(name, key, config);
            return config;
        }
    }

    /**
     * UpdateFunctionEventInvokeConfig: like {@link #putEventInvokeConfig} but {@code null}
     * fields keep their current values (creates the settings when there are none).
     */
    public EventInvokeConfig updateEventInvokeConfig(String name, String qualifier, Integer maximumRetryAttempts,
            Integer maximumEventAgeInSeconds, String onSuccessDestination, String onFailureDestination) {
        validateEventInvokeConfig(maximumRetryAttempts, maximumEventAgeInSeconds, onSuccessDestination,
                onFailureDestination);
        synchronized (lock) {
            String key = requireQualifier(name, qualifier);
            Optional<EventInvokeConfig> old = store.eventInvokeConfig(name, key);
            EventInvokeConfig config = new EventInvokeConfig(arn(name, qualifier),
                    or(maximumRetryAttempts, old.map(EventInvokeConfig::maximumRetryAttempts)),
                    or(maximumEventAgeInSeconds, old.map(EventInvokeConfig::maximumEventAgeInSeconds)),
                    or(onSuccessDestination, old.map(EventInvokeConfig::onSuccessDestination)),
                    or(onFailureDestination, old.map(EventInvokeConfig::onFailureDestination)),
                    now());
            store.putEventInvokeConfig(name, key, config);
            return config;
        }
    }

    /** The settings, with {@code functionArn} qualified as asked; empty when none were put. */
    public Optional<EventInvokeConfig> eventInvokeConfig(String name, String qualifier) {
        String key = requireQualifier(name, qualifier);
        return store.eventInvokeConfig(name, key).map(c -> new EventInvokeConfig(arn(name, qualifier),
                c.maximumRetryAttempts(), c.maximumEventAgeInSeconds(), c.onSuccessDestination(),
                c.onFailureDestination(), c.lastModified()));
    }

    /** @throws ResourceNotFoundException "The function ARN doesn't have an EventInvokeConfig" */
    public void deleteEventInvokeConfig(String name, String qualifier) {
        synchronized (lock) {
            String key = requireQualifier(name, qualifier);
            if (!store.deleteEventInvokeConfig(name, key)) {
                throw noEventInvokeConfig(name, qualifier);
            }
        }
    }

    /** "The function ARN doesn't have an EventInvokeConfig" (GetFunctionEventInvokeConfig's 404). */
    public static ResourceNotFoundException noEventInvokeConfig(String name, String qualifier) {
        return new ResourceNotFoundException("The function " + arn(name, qualifier)
                + " doesn't have an EventInvokeConfig");
    }

    private static void validateEventInvokeConfig(Integer retries, Integer age, String onSuccess, String onFailure) {
        if (retries != null && (retries < 0 || retries > EventInvokeConfig.MAX_RETRY_ATTEMPTS)) {
            throw ValidationException.of(retries, "maximumRetryAttempts", retries < 0
                    ? "Member must have value greater than or equal to 0"
                    : "Member must have value less than or equal to " + EventInvokeConfig.MAX_RETRY_ATTEMPTS);
        }
        if (age != null && (age < EventInvokeConfig.MIN_EVENT_AGE_S || age > EventInvokeConfig.MAX_EVENT_AGE_S)) {
            throw ValidationException.of(age, "maximumEventAgeInSeconds", age < EventInvokeConfig.MIN_EVENT_AGE_S
                    ? "Member must have value greater than or equal to " + EventInvokeConfig.MIN_EVENT_AGE_S
                    : "Member must have value less than or equal to " + EventInvokeConfig.MAX_EVENT_AGE_S);
        }
        validateDestination(onSuccess);
        validateDestination(onFailure);
    }

    private static void validateDestination(String arn) {
        if (arn == null) {
            return;
        }
        if (!arn.startsWith("arn:")) {
            throw new InvalidParameterValueException("The destination ARN " + arn + " is invalid.");
        }
        if (!LAMBDA_FUNCTION_ARN.matcher(arn).matches()) {
            throw new InvalidParameterValueException("The destination ARN " + arn + " is not supported"
                    + " by flint: only Lambda function ARNs (arn:aws:lambda:REGION:ACCOUNT:function:NAME)"
                    + " are; SQS, SNS, S3 and EventBridge destinations are not.");
        }
    }

    /** The store key of a qualifier that exists ({@code null} → {@code $LATEST}). */
    private String requireQualifier(String name, String qualifier) {
        require(name);
        if (qualifier == null || qualifier.isEmpty() || FunctionConfig.LATEST.equals(qualifier)) {
            return FunctionConfig.LATEST;
        }
        validateQualifier(qualifier);
        boolean exists = NUMBER.matcher(qualifier).matches() ? store.version(name, qualifier).isPresent()
                : store.alias(name, qualifier).isPresent();
        if (!exists) {
            throw notFound(name, qualifier);
        }
        return qualifier;
    }

    private static String arn(String name, String qualifier) {
        return qualifier == null || qualifier.isEmpty() ? FunctionArns.functionArn(name)
                : FunctionArns.functionArn(name, qualifier);
    }

    private static <T> T or(T value, Optional<T> fallback) {
        return value != null ? value : fallback.orElse(null);
    }

    // ---- helpers ---------------------------------------------------------------------------

    private FunctionConfig toConfig(StoredFunction s) {
        return s.toConfig(code.dirFor(s.codeSha256()));
    }

    /** Removes code that no function ($LATEST or version) references any more. */
    private void dropCodeIfUnused(String sha) {
        if (!store.codeInUse(sha)) {
            code.remove(sha);
        }
    }

    private Instant now() {
        return clock.instant();
    }

    @Override
    public void close() {
        store.close();
    }

    static ResourceConflictException conflict(String name) {
        return new ResourceConflictException("Function already exist: " + name);
    }

    static ResourceNotFoundException notFound(String name) {
        return new ResourceNotFoundException("Function not found: " + FunctionArns.functionArn(name));
    }

    static ResourceNotFoundException notFound(String name, String qualifier) {
        return new ResourceNotFoundException("Function not found: " + FunctionArns.functionArn(name, qualifier));
    }

    static ResourceNotFoundException aliasNotFound(String function, String alias) {
        return new ResourceNotFoundException("Cannot find alias arn: " + FunctionArns.functionArn(function, alias));
    }

    static PreconditionFailedException revisionMismatch(String api) {
        return new PreconditionFailedException("The Revision Id provided does not match the latest"
                + " Revision Id. Call the " + api + " API to retrieve the latest Revision Id");
    }

    /** Copy helper for callers building weights maps. */
    public static Map<String, Double> weights(String version, double weight) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(version, weight);
        return m;
    }
}
