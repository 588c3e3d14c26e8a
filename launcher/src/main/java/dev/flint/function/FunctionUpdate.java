package dev.flint.function;

import java.util.Map;

/**
 * UpdateFunctionConfiguration's input: {@code null} fields stay unchanged. An empty environment
 * map clears the variables.
 */
public record FunctionUpdate(
        String runtime,
        String handler,
        Integer memoryMb,
        Integer timeoutSeconds,
        Map<String, String> environment,
        Integer ephemeralStorageMb,
        String description) {

    public static FunctionUpdate none() {
        return new FunctionUpdate(null, null, null, null, null, null, null);
    }

    public FunctionUpdate withRuntime(String v) {
        return new FunctionUpdate(v, handler, memoryMb, timeoutSeconds, environment, ephemeralStorageMb, description);
    }

    public FunctionUpdate withHandler(String v) {
        return new FunctionUpdate(runtime, v, memoryMb, timeoutSeconds, environment, ephemeralStorageMb, description);
    }

    public FunctionUpdate withMemoryMb(Integer v) {
        return new FunctionUpdate(runtime, handler, v, timeoutSeconds, environment, ephemeralStorageMb, description);
    }

    public FunctionUpdate withTimeoutSeconds(Integer v) {
        return new FunctionUpdate(runtime, handler, memoryMb, v, environment, ephemeralStorageMb, description);
    }

    public FunctionUpdate withEnvironment(Map<String, String> v) {
        return new FunctionUpdate(runtime, handler, memoryMb, timeoutSeconds, v, ephemeralStorageMb, description);
    }

    public FunctionUpdate withEphemeralStorageMb(Integer v) {
        return new FunctionUpdate(runtime, handler, memoryMb, timeoutSeconds, environment, v, description);
    }

    public FunctionUpdate withDescription(String v) {
        return new FunctionUpdate(runtime, handler, memoryMb, timeoutSeconds, environment, ephemeralStorageMb, v);
    }
}
