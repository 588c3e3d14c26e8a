package dev.flint.invoke;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the invoke layer needs to know about one function version: its own view, so the
 * scheduler does not depend on how functions are stored.
 *
 * @param image the runtime image's name ("python3.11", "java17", "provided")
 * @param runtime the Lambda runtime identifier ("python3.11", "provided.al2023", ...)
 * @param codeDir the extracted code, bound read-only at /var/task (null for an Image function)
 * @param environment the function's own variables (the reserved ones are added by flint)
 * @param runtime null for an Image function
 * @param handler for an Image function its CMD, joined by spaces
 * @param imageLaunch how an Image function starts; null for Zip functions
 */
public record FunctionSpec(
        String name,
        String version,
        String runtime,
        String image,
        String handler,
        int memoryMb,
        Duration timeout,
        Map<String, String> environment,
        int ephemeralStorageMb,
        Path codeDir,
        List<Path> layers,
        ImageLaunch imageLaunch) {

    public FunctionSpec {
        environment = Map.copyOf(environment);
        layers = List.copyOf(layers);
    }

    /** A Zip function's spec. */
    public FunctionSpec(String name, String version, String runtime, String image, String handler, int memoryMb,
            Duration timeout, Map<String, String> environment, int ephemeralStorageMb, Path codeDir,
            List<Path> layers) {
        this(name, version, runtime, image, handler, memoryMb, timeout, environment, ephemeralStorageMb, codeDir,
                layers, null);
    }

    /** Custom runtimes (provided*) run the function's own bootstrap. */
    public boolean isCustomRuntime() {
        return runtime != null && runtime.startsWith("provided");
    }
}
