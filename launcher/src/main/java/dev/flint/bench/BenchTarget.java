package dev.flint.bench;

import dev.flint.function.CodeArtifact;
import dev.flint.function.CodeStore;
import dev.flint.function.FunctionConfig;
import dev.flint.function.FunctionDefinition;
import dev.flint.function.FunctionRegistry;
import dev.flint.image.ImageStore;
import dev.flint.invoke.FunctionSpec;
import dev.flint.invoke.FunctionSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** Resolves {@code flint bench TARGET}: a function directory (as {@code flint run}) or a created function's name. */
public final class BenchTarget {
    private BenchTarget() {}

    /**
     * @param stateDir the registry and code store root (/var/lib/flint)
     * @throws IllegalArgumentException when TARGET is neither an existing directory nor a function name
     */
    public static FunctionSpec resolve(String target, Path stateDir, ImageStore images) {
        Path dir = Path.of(target);
        if (Files.isDirectory(dir)) {
            FunctionDefinition def = InvokeBench.loadDefinition(dir);
            CodeArtifact code = new CodeStore(stateDir.resolve("code")).store(def.code());
            FunctionConfig fn = new FunctionConfig(def.name(), def.runtime(), def.handler(), def.memoryMb(),
                    def.timeoutSeconds(), def.environment(), def.ephemeralStorageMb(), code.sha256(), code.size(),
                    FunctionConfig.LATEST, Instant.now(), def.description(), code.dir());
            return FunctionSpecs.of(fn, images);
        }
        if (target.contains("/")) {
            throw new IllegalArgumentException("'" + target + "' is not a directory (and a function name has no '/')");
        }
        try (FunctionRegistry registry = new FunctionRegistry(stateDir)) {
            return FunctionSpecs.of(registry.require(target), images);
        }
    }
}
