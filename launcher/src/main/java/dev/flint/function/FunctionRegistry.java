package dev.flint.function;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Functions ($LATEST only for now): create, read, update code or configuration, delete. Root
 * default {@value #DEFAULT_ROOT}: records in {@code functions/<name>/function.json}, code in
 * {@code code/<hex sha>/}. Mutations are serialised by one lock, so "delete the code when no
 * other function uses it" cannot race a create that reuses the same code. One supervisor
 * process owns the root.
 */
public final class FunctionRegistry {

    public static final String DEFAULT_ROOT = "/var/lib/flint";

    private final FunctionStore store;
    private final CodeStore code;
    private final Clock clock;
    private final Object lock = new Object();

    public FunctionRegistry() {
        this(Path.of(DEFAULT_ROOT));
    }

    public FunctionRegistry(Path root) {
        this(new JsonFunctionStore(root.resolve("functions")), new CodeStore(root.resolve("code")),
                Clock.systemUTC());
    }

    public FunctionRegistry(FunctionStore store, CodeStore code, Clock clock) {
        this.store = store;
        this.code = code;
        this.clock = clock;
    }

    public CodeStore codeStore() {
        return code;
    }

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
            CodeArtifact artifact = code.store(def.code());
            FunctionConfig config = new FunctionConfig(def.name(), def.runtime(), def.handler(),
                    def.memoryMb(), def.timeoutSeconds(), def.environment(),
                    def.ephemeralStorageMb(), artifact.sha256(), artifact.size(),
                    FunctionConfig.LATEST, now(), def.description(), artifact.dir());
            try {
                store.put(StoredFunction.of(config));
            } catch (RuntimeException e) {
                dropCodeIfUnused(artifact.sha256(), null);
                throw e;
            }
            return config;
        }
    }

    public Optional<FunctionConfig> get(String name) {
        FunctionRules.validateName(name);
        return store.get(name).map(s -> s.toConfig(code.dirFor(s.codeSha256())));
    }

    /** @throws ResourceNotFoundException "Function not found: arn:aws:lambda:...:function:NAME" */
    public FunctionConfig require(String name) {
        return get(name).orElseThrow(() -> notFound(name));
    }

    /** Every function, sorted by name. */
    public List<FunctionConfig> list() {
        List<FunctionConfig> all = new ArrayList<>();
        for (StoredFunction s : store.list()) {
            all.add(s.toConfig(code.dirFor(s.codeSha256())));
        }
        return all;
    }

    /** Replaces the code; the old code is removed when no other function uses it. */
    public FunctionConfig updateCode(String name, Path dirOrZip) {
        synchronized (lock) {
            FunctionConfig old = require(name);
            CodeArtifact artifact = code.store(dirOrZip);
            FunctionConfig updated = old.withCode(artifact, now());
            store.put(StoredFunction.of(updated));
            if (!old.codeSha256().equals(updated.codeSha256())) {
                dropCodeIfUnused(old.codeSha256(), name);
            }
            return updated;
        }
    }

    /** Applies the update's non-null fields; the result is validated before anything is written. */
    public FunctionConfig updateConfiguration(String name, FunctionUpdate update) {
        synchronized (lock) {
            FunctionConfig updated = require(name).with(update, now());
            store.put(StoredFunction.of(updated));
            return updated;
        }
    }

    /** Deletes the function, and its code when no other function uses it. */
    public void delete(String name) {
        synchronized (lock) {
            FunctionConfig old = require(name);
            store.delete(name);
            dropCodeIfUnused(old.codeSha256(), name);
        }
    }

    /** Removes code no function (other than {@code except}) references. */
    private void dropCodeIfUnused(String sha, String except) {
        for (StoredFunction s : store.list()) {
            if (!s.name().equals(except) && s.codeSha256().equals(sha)) {
                return;
            }
        }
        code.remove(sha);
    }

    private Instant now() {
        return clock.instant();
    }

    static ResourceConflictException conflict(String name) {
        return new ResourceConflictException("Function already exist: " + name);
    }

    static ResourceNotFoundException notFound(String name) {
        return new ResourceNotFoundException("Function not found: " + FunctionArns.functionArn(name));
    }
}
