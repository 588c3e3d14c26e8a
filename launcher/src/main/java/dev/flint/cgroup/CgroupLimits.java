package dev.flint.cgroup;

/**
 * The limits of one sandbox, already in the units the kernel files take. Build it with {@link
 * #forMemory(int, int)}, which derives CPU from memory the way Lambda does; the canonical
 * constructor only checks ranges the kernel would reject.
 *
 * @param memoryMb memory limit in MiB, also the swap+memory limit (no swap)
 * @param cpuPeriodUs CFS period ({@code cpu.cfs_period_us} / second field of {@code cpu.max})
 * @param cpuQuotaUs CFS quota per period ({@code cpu.cfs_quota_us} / first field of {@code
 *     cpu.max})
 * @param cpuShares v1 {@code cpu.shares}
 * @param cpuWeight v2 {@code cpu.weight}
 * @param pidsMax {@code pids.max}: processes plus threads
 */
public record CgroupLimits(
    int memoryMb, long cpuPeriodUs, long cpuQuotaUs, int cpuShares, int cpuWeight, int pidsMax) {

  public static final int MIN_MEMORY_MB = 128;
  public static final int MAX_MEMORY_MB = 3008;
  /** Lambda gives one full vCPU at 1769 MB and scales linearly. */
  public static final int MB_PER_VCPU = 1769;
  /**
   * Short period: at 128 MB the share is 7.2 %, which with the default 100 ms period means ~7 ms
   * of work then a ~93 ms stall; 20 ms keeps the same share with stalls under 19 ms.
   */
  public static final long CPU_PERIOD_US = 20_000;
  /** The kernel rejects {@code cpu.cfs_quota_us} below 1 ms with EINVAL (measured). */
  public static final long MIN_CPU_QUOTA_US = 1_000;
  /** Lambda's limit on processes and threads per environment. */
  public static final int PIDS_MAX = 1024;

  public CgroupLimits {
    checkMemory(memoryMb);
    if (cpuPeriodUs < 1_000 || cpuPeriodUs > 1_000_000) {
      throw new IllegalArgumentException(
          "cpu period must be between 1000 and 1000000 us, got " + cpuPeriodUs);
    }
    if (cpuQuotaUs < MIN_CPU_QUOTA_US) {
      throw new IllegalArgumentException(
          "cpu quota must be at least " + MIN_CPU_QUOTA_US + " us, got " + cpuQuotaUs);
    }
    if (cpuShares < 2) {
      throw new IllegalArgumentException("cpu shares must be at least 2, got " + cpuShares);
    }
    if (cpuWeight < 1 || cpuWeight > 10_000) {
      throw new IllegalArgumentException(
          "cpu weight must be between 1 and 10000, got " + cpuWeight);
    }
    if (pidsMax < 1) {
      throw new IllegalArgumentException("pids max must be at least 1, got " + pidsMax);
    }
  }

  /**
   * Lambda semantics: CPU proportional to memory (1769 MB = 1 vCPU), as a hard quota capped at the
   * host's CPUs and as a proportional share/weight for contention.
   *
   * @param memoryMb 128..3008
   * @param hostCpus CPUs the host has (quota cap), at least 1
   */
  public static CgroupLimits forMemory(int memoryMb, int hostCpus) {
    checkMemory(memoryMb);
    if (hostCpus < 1) {
      throw new IllegalArgumentException("host cpus must be at least 1, got " + hostCpus);
    }
    long quota = Math.round((double) CPU_PERIOD_US * memoryMb / MB_PER_VCPU);
    quota = Math.min(quota, hostCpus * CPU_PERIOD_US);
    quota = Math.max(quota, MIN_CPU_QUOTA_US);
    int shares = Math.max(2, memoryMb);
    int weight = (int) Math.max(1, Math.min(10_000, Math.round(100.0 * memoryMb / MB_PER_VCPU)));
    return new CgroupLimits(memoryMb, CPU_PERIOD_US, quota, shares, weight, PIDS_MAX);
  }

  /** The memory limit in bytes, as {@code memory.limit_in_bytes} / {@code memory.max} take it. */
  public long memoryBytes() {
    return (long) memoryMb * 1024 * 1024;
  }

  private static void checkMemory(int memoryMb) {
    if (memoryMb < MIN_MEMORY_MB || memoryMb > MAX_MEMORY_MB) {
      throw new IllegalArgumentException(
          "memory must be between "
              + MIN_MEMORY_MB
              + " and "
              + MAX_MEMORY_MB
              + " mb, got "
              + memoryMb);
    }
  }
}
