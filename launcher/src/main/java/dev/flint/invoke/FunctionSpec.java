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
 * @param codeDir the extracted code, bound read-only at /var/task
 * @param environment the function's own variables (the reserved ones are added by flint)
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
        List<Path> layers) {

    public FunctionSpec {
        environment = Map.copyOf(environment);
        layers = List.copyOf(layers);
    }

    /** Custom runtimes (provided*) run the function's own bootstrap. */
    public boolean isCustomRuntime() {
        return runtime.startsWith("provided");
    }
}
