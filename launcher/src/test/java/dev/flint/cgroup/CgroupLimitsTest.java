package dev.flint.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CgroupLimitsTest {

  @ParameterizedTest(name = "{0} mb on {1} cpus -> quota {2}, shares {3}, weight {4}")
  @CsvSource({
    "128,  1, 1447,  128,  7",
    "128,  2, 1447,  128,  7",
    "1769, 1, 20000, 1769, 100",
    "1769, 2, 20000, 1769, 100",
    "3008, 1, 20000, 3008, 170",
    "3008, 2, 34008, 3008, 170",
    "3008, 64, 34008, 3008, 170",
  })
  void cpuIsProportionalToMemoryAndCappedAtHostCpus(
      int mb, int cpus, long quota, int shares, int weight) {
    CgroupLimits limits = CgroupLimits.forMemory(mb, cpus);

    assertEquals(mb, limits.memoryMb());
    assertEquals(20_000, limits.cpuPeriodUs());
    assertEquals(quota, limits.cpuQuotaUs());
    assertEquals(shares, limits.cpuShares());
    assertEquals(weight, limits.cpuWeight());
    assertEquals(1024, limits.pidsMax());
  }

  @Test
  void memoryBytesIsMebibytes() {
    assertEquals(134_217_728L, CgroupLimits.forMemory(128, 1).memoryBytes());
    assertEquals(3008L * 1024 * 1024, CgroupLimits.forMemory(3008, 1).memoryBytes());
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 0, 127, 3009, 10240})
  void memoryOutsideLambdaRangeIsRejectedWithClearMessage(int mb) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CgroupLimits.forMemory(mb, 2));
    assertEquals("memory must be between 128 and 3008 mb, got " + mb, e.getMessage());
  }

  @Test
  void hostCpusMustBePositive() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CgroupLimits.forMemory(128, 0));
    assertEquals("host cpus must be at least 1, got 0", e.getMessage());
  }

  @Test
  void quotaBelowKernelMinimumIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new CgroupLimits(128, 20_000, 999, 128, 7, 1024));
    assertEquals("cpu quota must be at least 1000 us, got 999", e.getMessage());
  }

  @Test
  void sharesAndWeightRangesAreChecked() {
    assertThrows(
        IllegalArgumentException.class, () -> new CgroupLimits(128, 20_000, 1447, 1, 7, 1024));
    assertThrows(
        IllegalArgumentException.class, () -> new CgroupLimits(128, 20_000, 1447, 128, 0, 1024));
    assertThrows(
        IllegalArgumentException.class,
        () -> new CgroupLimits(128, 20_000, 1447, 128, 10_001, 1024));
    assertThrows(
        IllegalArgumentException.class, () -> new CgroupLimits(128, 20_000, 1447, 128, 7, 0));
  }

  @Test
  void smallPeriodKeepsQuotaAtKernelMinimum() {
    // The canonical constructor accepts exactly the minimum the kernel takes.
    CgroupLimits limits = new CgroupLimits(128, 13_831, 1_000, 128, 7, 1024);
    assertEquals(1_000, limits.cpuQuotaUs());
  }
}
