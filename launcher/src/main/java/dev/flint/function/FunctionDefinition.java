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
 * @param code a directory or a ZIP (a JAR is a ZIP); null for an Image function
 * @param image the resolved image of a {@code PackageType: Image} function (then runtime,
 *     handler and code are null); null for Zip
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
        String description,
        ImageCode image) {

    public FunctionDefinition {
        memoryMb = memoryMb == null ? FunctionRules.MEMORY_DEFAULT_MB : memoryMb;
        timeoutSeconds = timeoutSeconds == null ? FunctionRules.TIMEOUT_DEFAULT_S : timeoutSeconds;
        ephemeralStorageMb = ephemeralStorageMb == null
                ? FunctionRules.EPHEMERAL_DEFAULT_MB : ephemeralStorageMb;
        environment = FunctionRules.copyEnvironment(environment);
        description = description == null ? "" : description;
        FunctionRules.validateName(name);
        if (image == null) {
            Runtimes.requireSupported(runtime);
            Runtimes.validateHandler(runtime, handler);
            Objects.requireNonNull(code, "code");
        } else if (runtime != null || handler != null) {
            throw new InvalidParameterValueException(FunctionConfig.IMAGE_NO_RUNTIME);
        } else if (code != null) {
            throw new InvalidParameterValueException("An Image function takes Code.ImageUri only, not a ZIP");
        }
        FunctionRules.validateMemory(memoryMb);
        FunctionRules.validateTimeout(timeoutSeconds);
        FunctionRules.validateEphemeralStorage(ephemeralStorageMb);
        FunctionRules.validateDescription(description);
        FunctionRules.validateEnvironment(environment);
    }

    /** A Zip function's definition. */
    public FunctionDefinition(String name, String runtime, String handler, Path code, Integer memoryMb,
            Integer timeoutSeconds, Map<String, String> environment, Integer ephemeralStorageMb, String description) {
        this(name, runtime, handler, code, memoryMb, timeoutSeconds, environment, ephemeralStorageMb, description,
                null);
    }

    /** A definition with every optional field at its default. */
    public static FunctionDefinition of(String name, String runtime, String handler, Path code) {
        return new FunctionDefinition(name, runtime, handler, code, null, null, null, null, null);
    }

    /** An Image function with every optional field at its default. */
    public static FunctionDefinition ofImage(String name, ImageCode image) {
        return new FunctionDefinition(name, null, null, null, null, null, null, null, null, image);
    }

    public boolean isImage() {
        return image != null;
    }

    public FunctionDefinition withMemoryMb(int v) {
        return new FunctionDefinition(name, runtime, handler, code, v, timeoutSeconds, environment,
                ephemeralStorageMb, description, image);
    }

    public FunctionDefinition withTimeoutSeconds(int v) {
        return new FunctionDefinition(name, runtime, handler, code, memoryMb, v, environment,
                ephemeralStorageMb, description, image);
    }

    public FunctionDefinition withEnvironment(Map<String, String> v) {
        return new FunctionDefinition(name, runtime, handler, code, memoryMb, timeoutSeconds, v,
                ephemeralStorageMb, description, image);
    }

    public FunctionDefinition withEphemeralStorageMb(int v) {
        return new FunctionDefinition(name, runtime, handler, code, memoryMb, timeoutSeconds, environment,
                v, description, image);
    }

    public FunctionDefinition withDescription(String v) {
        return new FunctionDefinition(name, runtime, handler, code, memoryMb, timeoutSeconds, environment,
                ephemeralStorageMb, v, image);
    }

    public FunctionDefinition withCode(Path v) {
        return new FunctionDefinition(name, runtime, handler, v, memoryMb, timeoutSeconds, environment,
                ephemeralStorageMb, description, image);
    }
}
