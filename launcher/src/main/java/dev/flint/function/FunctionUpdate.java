package dev.flint.function;

import java.util.Map;

/**
 * UpdateFunctionConfiguration's input: {@code null} fields stay unchanged. An empty environment
 * map clears the variables; {@link ImageCode.ImageOverrides#NONE} clears an Image function's
 * ImageConfig.
 */
public record FunctionUpdate(
        String runtime,
        String handler,
        Integer memoryMb,
        Integer timeoutSeconds,
        Map<String, String> environment,
        Integer ephemeralStorageMb,
        String description,
        ImageCode.ImageOverrides imageConfig) {

    public FunctionUpdate(String runtime, String handler, Integer memoryMb, Integer timeoutSeconds,
            Map<String, String> environment, Integer ephemeralStorageMb, String description) {
        this(runtime, handler, memoryMb, timeoutSeconds, environment, ephemeralStorageMb, description, null);
    }

    public static FunctionUpdate none() {
        return new FunctionUpdate(null, null, null, null, null, null, null, null);
    }

    public FunctionUpdate withImageConfig(ImageCode.ImageOverrides v) {
        return new FunctionUpdate(runtime, handler, memoryMb, timeoutSeconds, environment, ephemeralStorageMb,
                description, v);
    }

    public FunctionUpdate withRuntime(String v) {
        return new FunctionUpdate(v, handler, memoryMb, timeoutSeconds, environment,
                ephemeralStorageMb, description, imageConfig);
    }

    public FunctionUpdate withHandler(String v) {
        return new FunctionUpdate(runtime, v, memoryMb, timeoutSeconds, environment,
                ephemeralStorageMb, description, imageConfig);
    }

    public FunctionUpdate withMemoryMb(Integer v) {
        return new FunctionUpdate(runtime, handler, v, timeoutSeconds, environment,
                ephemeralStorageMb, description, imageConfig);
    }

    public FunctionUpdate withTimeoutSeconds(Integer v) {
        return new FunctionUpdate(runtime, handler, memoryMb, v, environment,
                ephemeralStorageMb, description, imageConfig);
    }

    public FunctionUpdate withEnvironment(Map<String, String> v) {
        return new FunctionUpdate(runtime, handler, memoryMb, timeoutSeconds, v,
                ephemeralStorageMb, description, imageConfig);
    }

    public FunctionUpdate withEphemeralStorageMb(Integer v) {
        return new FunctionUpdate(runtime, handler, memoryMb, timeoutSeconds, environment,
                v, description, imageConfig);
    }

    public FunctionUpdate withDescription(String v) {
        return new FunctionUpdate(runtime, handler, memoryMb, timeoutSeconds, environment,
                ephemeralStorageMb, v, imageConfig);
    }
}
