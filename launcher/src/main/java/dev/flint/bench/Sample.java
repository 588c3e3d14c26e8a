package dev.flint.bench;

/**
 * One measured invoke. Durations are nanoseconds; −1 means "not measured for this sample" (e.g.
 * no sandbox is created on a warm invoke, and per-invoke CPU needs a pool of one env).
 *
 * @param mode            "cold", "warm" or "restore"
 * @param memoryMb        the function's memory size for this sample
 * @param seq             0-based index within its mode and memory size, in start order
 * @param thread          the client thread that ran it (0 … concurrency−1)
 * @param atMillis        when it started, in ms since the bench started (drift shows up here)
 * @param roundTripNanos  client round trip: wall time of {@code InvokeService.invoke()}
 * @param sandboxCreateNanos cold: the sum of the env's sandbox phases (cgroup, clone, flint-init's
 *                        setup stages) as the sandbox reported them; restore: the sum of the restore's
 *                        phases (cgroup, images, root, criu); warm: −1
 * @param initNanos       cold: Init Duration (env created → the runtime's first {@code next}); else −1
 * @param restoreNanos    restore: Restore Duration (restore started → the runtime's first {@code next}
 *                        after its after-restore hooks), as REPORT prints it; else −1
 * @param invokeNanos     REPORT Duration (event handed over → response)
 * @param cpuNanos        CPU time charged to the env's cgroup by this sample (cold: Init and the
 *                        first invoke; warm: the invoke), −1 where it cannot be attributed
 * @param peakMemoryBytes the env's cgroup memory peak so far (REPORT's Max Memory Used)
 */
public record Sample(String mode, int memoryMb, int seq, int thread, long atMillis, long roundTripNanos,
        long sandboxCreateNanos, long initNanos, long restoreNanos, long invokeNanos, long cpuNanos,
        long peakMemoryBytes) {

    public static final String COLD = "cold";
    public static final String WARM = "warm";
    public static final String RESTORE = "restore";

    /** The CSV header matching {@link #csv()}. */
    public static final String CSV_HEADER = "mode,memory_mb,seq,thread,at_ms,round_trip_ns,sandbox_create_ns,init_ns,"
            + "restore_ns,invoke_ns,cpu_ns,peak_memory_bytes";

    /** One CSV line; a −1 (not measured) is an empty field. */
    public String csv() {
        return String.join(",", mode, Integer.toString(memoryMb), Integer.toString(seq), Integer.toString(thread),
                Long.toString(atMillis), Long.toString(roundTripNanos), opt(sandboxCreateNanos), opt(initNanos),
                opt(restoreNanos), opt(invokeNanos), opt(cpuNanos), opt(peakMemoryBytes));
    }

    private static String opt(long v) {
        return v < 0 ? "" : Long.toString(v);
    }
}
