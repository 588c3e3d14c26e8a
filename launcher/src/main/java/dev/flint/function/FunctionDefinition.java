package dev.flint.function;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a user asks to create: CreateFunction's input, or what {@link FunctionDirectory} reads
 * from a directory. {@code null} numbers, environment and description take AWS's defaults
 * (128 MB, 3 s, none, 512 MB, ""); every field is validated on construction, so bad input fails
 * before any code is stored.
 *
 * @param code a directory or a ZIP (a JAR is a ZIP)
 */
public record FunctionDefinition(
        String name,
        String runtime,
        String handler,
        Path code,
        Integer memoryMb,
        Integer timeoutSeconds,
        Map<String, String> environment,
        Integer ephemeralStorageMb,
        String description) {

    public FunctionDefinition {
        memoryMb = memoryMb == null ? FunctionRules.MEMORY_DEFAULT_MB : memoryMb;
        timeoutSeconds = timeoutSeconds == null ? FunctionRules.TIMEOUT_DEFAULT_S : timeoutSeconds;
        ephemeralStorageMb = ephemeralStorageMb == null
                ? FunctionRules.EPHEMERAL_DEFAULT_MB : ephemeralStorageMb;
        environment = FunctionRules.copyEnvironment(environment);
        description = description == null ? "" : description;
        FunctionRules.validateName(name);
        Runtimes.requireSupported(runtime);
        Runtimes.validateHandler(runtime, handler);
        FunctionRules.validateMemory(memoryMb);
        FunctionRules.validateTimeout(timeoutSeconds);
        FunctionRules.validateEphemeralStorage(ephemeralStorageMb);
        FunctionRules.validateDescription(description);
        FunctionRules.validateEnvironment(environment);
        Objects.requireNonNull(code, "code");
    }

    /** A definition with every optional field at its default. */
    public static FunctionDefinition of(String name, String runtime, String handler, Path code) {
        return new FunctionDefinition(name, runtime, handler, code, null, null, null, null, null);
    }

    public FunctionDefinition withMemoryMb(int v) {
        return new FunctionDefinition(name, runtime, handler, code, v, timeoutSeconds, environment, ephemeralStorageMb, description);
    }

    public FunctionDefinition withTimeoutSeconds(int v) {
        return new FunctionDefinition(name, runtime, handler, code, memoryMb, v, environment, ephemeralStorageMb, description);
    }

    public FunctionDefinition withEnvironment(Map<String, String> v) {
        return new FunctionDefinition(name, runtime, handler, code, memoryMb, timeoutSeconds, v, ephemeralStorageMb, description);
    }

    public FunctionDefinition withEphemeralStorageMb(int v) {
        return new FunctionDefinition(name, runtime, handler, code, memoryMb, timeoutSeconds, environment, v, description);
    }

    public FunctionDefinition withDescription(String v) {
        return new FunctionDefinition(name, runtime, handler, code, memoryMb, timeoutSeconds, environment, ephemeralStorageMb, v);
    }

    public FunctionDefinition withCode(Path v) {
        return new FunctionDefinition(name, runtime, handler, v, memoryMb, timeoutSeconds, environment, ephemeralStorageMb, description);
    }
}
