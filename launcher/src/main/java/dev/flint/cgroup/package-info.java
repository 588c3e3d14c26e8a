/**
 * Sandbox cgroups on cgroup v1 and v2 behind one interface, {@link dev.flint.cgroup.Cgroups}.
 *
 * <h2>Which version</h2>
 *
 * {@link dev.flint.cgroup.Cgroups#detect()} reads {@code /proc/self/mountinfo}. Pure v2 hosts
 * (most user machines) mount cgroup2 at {@code /sys/fs/cgroup} and list the controllers in its
 * {@code cgroup.controllers}; flint then uses {@code /sys/fs/cgroup/flint/NAME}, after enabling
 * {@code +memory +cpu +pids} in the root's and {@code flint/}'s {@code cgroup.subtree_control}.
 * Hybrid hosts (like the development machine) bind the controllers to v1 hierarchies, one mount
 * each, and mount a controller-less cgroup2 at {@code /sys/fs/cgroup/unified}; writing {@code
 * +memory} there fails with ENOENT, so flint uses v1: {@code /sys/fs/cgroup/{memory,cpu,cpuacct,
 * pids}/flint/NAME} (cpuacct only when not co-mounted with cpu). The sandbox child joins by writing
 * "0" into every file of {@link dev.flint.cgroup.Cgroup#procsFiles()} before it execs.
 *
 * <h2>Limits (Lambda semantics, design §4)</h2>
 *
 * <ul>
 *   <li>Memory 128–3008 MB and no swap: v1 {@code memory.limit_in_bytes} then an equal {@code
 *       memory.memsw.limit_in_bytes} (skipped only when swap accounting is off); v2 {@code
 *       memory.max} and {@code memory.swap.max = 0}.
 *   <li>CPU proportional to memory, 1769 MB = 1 vCPU. Hard quota = 20 000 µs × MB / 1769, at most
 *       hostCpus × 20 000 µs and at least 1 000 µs (the kernel minimum). The 20 ms period keeps
 *       a 128 MB function (7.2 % of a CPU) from running 7 ms and then stalling 93 ms, as it would
 *       with the default 100 ms. Contention share: v1 {@code cpu.shares} = MB (at least 2); v2
 *       {@code cpu.weight} = clamp(round(100 × MB / 1769), 1, 10000) and {@code cpu.max = "QUOTA
 *       PERIOD"}.
 *       Examples: 128 MB → quota 1447, shares 128, weight 7; 1769 MB → 20000, 1769, 100; 3008 MB
 *       → 20000 on 1 CPU or 34008 on 2, shares 3008, weight 170.
 *   <li>{@code pids.max} = 1024 processes and threads.
 * </ul>
 *
 * <h2>Signals read back</h2>
 *
 * Peak memory for REPORT comes from v1 {@code memory.max_usage_in_bytes} / v2 {@code memory.peak}
 * (falling back to {@code memory.current} before Linux 5.19). An OOM is the {@code oom_kill}
 * counter of v1 {@code memory.oom_control} / v2 {@code memory.events} rising; {@code
 * memory.failcnt} stayed 0 during measured OOM kills, so it is not used. CPU time comes from v1
 * {@code cpuacct.usage} / v2 {@code cpu.stat usage_usec}, throttling from {@code cpu.stat}.
 *
 * <h2>Removal</h2>
 *
 * {@link dev.flint.cgroup.Cgroup#close()} kills what is left (v2 {@code cgroup.kill} when present,
 * else SIGKILL per pid in a bounded loop) and rmdirs every directory, retrying EBUSY briefly. Each
 * removed memory cgroup lingers in the kernel as a dying memcg for a while, so callers should pool
 * and reuse cgroups where they can.
 *
 * <h2>Testing</h2>
 *
 * All file access goes through a package-private {@code CgroupFs} under an injected root, so unit
 * tests drive both versions against a temp-dir fake tree; {@code CgroupsV1IT} runs on the real
 * hierarchy as root.
 */
package dev.flint.cgroup;
