package dev.flint.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The machine a bench ran on, as far as it can be read without privileges.
 *
 * @param cpuModel      /proc/cpuinfo "model name"
 * @param cores         CPUs this JVM may use
 * @param kernel        {@code uname -r}
 * @param cgroupVersion the hierarchy flint uses ("v1", "v2")
 * @param flintVersion  the jar's Maven version, plus the git commit of flint.home when known
 * @param memTotal      /proc/meminfo MemTotal
 * @param java          Java version and the -X flags of this JVM
 */
public record MachineInfo(String cpuModel, int cores, String kernel, String cgroupVersion, String flintVersion,
        String memTotal, String java) {

    public static MachineInfo probe(String cgroupVersion) {
        return new MachineInfo(procField(Path.of("/proc/cpuinfo"), "model name"),
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.version"),
                cgroupVersion.toLowerCase(Locale.ROOT), readFlintVersion(), readMemTotal(),
                "Java " + Runtime.version() + " " + String.join(" ", ManagementFactory.getRuntimeMXBean()
                        .getInputArguments().stream().filter(a -> a.startsWith("-X")).toList()));
    }

    /** "AMD EPYC, 2 cores, Linux 6.18…, cgroup v1, 23.5 GiB RAM, flint 0.1.0 (git abc123)". */
    public String line() {
        return String.format(Locale.ROOT, "%s, %d cores, Linux %s, cgroup %s, %s RAM, flint %s, %s", cpuModel, cores,
                kernel, cgroupVersion, memTotal, flintVersion, java);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu_model", cpuModel);
        m.put("cores", cores);
        m.put("kernel", kernel);
        m.put("cgroup_version", cgroupVersion);
        m.put("flint_version", flintVersion);
        m.put("mem_total", memTotal);
        m.put("java", java);
        return m;
    }

    /** 1-minute load average, or −1 off Linux: printed before and after each mode as a noise hint. */
    public static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static String readFlintVersion() {
        String version = "dev";
        try (InputStream in = MachineInfo.class.getResourceAsStream("/META-INF/maven/dev.flint/flint/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                version = p.getProperty("version", version);
            }
        } catch (IOException e) {
            // keep "dev"
        }
        String commit = gitCommit(Path.of(System.getProperty("flint.home", ".")));
        return commit == null ? version : version + " (git " + commit + ")";
    }

    private static String gitCommit(Path home) {
        if (!Files.exists(home.resolve(".git"))) {
            return null;
        }
        try {
            Process p = new ProcessBuilder("git", "-C", home.toString(), "rev-parse", "--short", "HEAD")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty() || out.contains(" ")) {
                return null;
            }
            String dirty = "";
            Process s = new ProcessBuilder("git", "-C", home.toString(), "status", "--porcelain", "--untracked-files=no")
                    .redirectErrorStream(true).start();
            String st = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (s.waitFor(5, TimeUnit.SECONDS) && s.exitValue() == 0 && !st.isEmpty()) {
                dirty = "+dirty";
            }
            return out + dirty;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String procField(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                    return line.substring(colon + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux or not readable
        }
        return "unknown";
    }

    private static String readMemTotal() {
        String kb = procField(Path.of("/proc/meminfo"), "MemTotal");
        try {
            long v = Long.parseLong(kb.replace("kB", "").trim());
            return String.format(Locale.ROOT, "%.1f GiB", v / (1024.0 * 1024.0));
        } catch (NumberFormatException e) {
            return "unknown";
        }
    }
}
