package dev.flint.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How to restore one sandbox from a checkpoint.
 *
 * @param bindSources host paths to bind instead of the dumped ones, by mountpoint inside (the
 *     Runtime API dir of the new env); every other external mount gets its dumped source
 * @param timeout wall-clock limit of the restored sandbox, or null
 * @param limit how long CRIU may take
 */
public record RestoreRequest(Map<String, Path> bindSources, Duration timeout, Duration limit) {
    public RestoreRequest {
        bindSources = Map.copyOf(bindSources);
    }
}
