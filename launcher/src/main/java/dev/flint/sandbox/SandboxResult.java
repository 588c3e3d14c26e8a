package dev.flint.sandbox;

import java.util.Map;

/**
 * How a sandbox ended, all measured.
 *
 * @param exitCode the command's exit code, 128+N when killed by signal N
 * @param signal the signal that ended flint-init or the command (0 when it exited)
 * @param oomKilled the cgroup's OOM-kill counter rose
 * @param timedOut the sandbox was killed at its timeout
 * @param peakMemoryBytes the cgroup's peak memory use
 * @param cpuNanos CPU time of everything in the cgroup
 * @param wallNanos from spawn to exit
 * @param phasesMicros setup phases in microseconds: "clone", "cgroup", then flint-init's stages
 */
public record SandboxResult(
        int exitCode,
        int signal,
        boolean oomKilled,
        boolean timedOut,
        long peakMemoryBytes,
        long cpuNanos,
        long wallNanos,
        Map<String, Long> phasesMicros) {}
