package dev.flint.cgroup;

/**
 * One reading of a cgroup's counters. All values are cumulative since the cgroup was created,
 * except {@code currentMemoryBytes}.
 *
 * @param peakMemoryBytes highest memory charge seen (REPORT's "Max Memory Used")
 * @param currentMemoryBytes memory charged right now
 * @param cpuUsageNanos CPU time used by all processes
 * @param oomKills processes the kernel OOM-killed because of this cgroup's limit
 * @param pidsMaxEvents fork/clone attempts refused by {@code pids.max}
 * @param nrThrottled CFS periods in which the quota ran out
 * @param throttledNanos total time processes waited for the next period
 */
public record CgroupStats(
    long peakMemoryBytes,
    long currentMemoryBytes,
    long cpuUsageNanos,
    long oomKills,
    long pidsMaxEvents,
    long nrThrottled,
    long throttledNanos) {}
