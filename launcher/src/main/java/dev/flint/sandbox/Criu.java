package dev.flint.sandbox;

import dev.flint.nativeffi.FlintError;
import dev.flint.nativeffi.FlintExit;
import dev.flint.nativeffi.FlintLibrary;
import dev.flint.nativeffi.NativeLoader;
import dev.flint.nativeffi.Stage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CRIU, driven as an external tool through its command line. Located once (setup.sh installs
 * 4.2.1 at /usr/local/sbin/criu when the distro's is older), version- and feature-checked once per
 * process: 4.2 is the first release that dumps TCP sockets on kernels ≥ 6.16, and 3.17 fails on
 * this kernel's vDSO; the kernel must let it take user and cgroup namespaces.
 */
public final class Criu {
    public static final int MIN_MAJOR = 4;
    public static final int MIN_MINOR = 2;
    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/local/sbin/criu"), Path.of("/usr/sbin/criu"),
            Path.of("/usr/local/bin/criu"), Path.of("/usr/bin/criu"));
    private static final Pattern VERSION = Pattern.compile("Version:\\s*(\\d+)\\.(\\d+)(?:\\.(\\d+))?");
    private static final int LOG_TAIL = 6;
    private static volatile Criu located;

    private final FlintLibrary lib;
    private final Path binary;
    private final String version;

    private Criu(FlintLibrary lib, Path binary, String version) {
        this.lib = lib;
        this.binary = binary;
        this.version = version;
    }

    /**
     * The installed CRIU, if new enough.
     *
     * @throws SandboxException stage checkpoint: missing, or older than 4.2, with what to do
     */
    public static Criu locate() {
        Criu c = located;
        if (c != null) {
            return c;
        }
        synchronized (Criu.class) {
            if (located == null) {
                located = probe();
            }
            return located;
        }
    }

    private static Criu probe() {
        Optional<Path> bin = CANDIDATES.stream().filter(Files::isExecutable).findFirst();
        if (bin.isEmpty()) {
            throw new SandboxException(Stage.CHECKPOINT, 0, "checkpoint: CRIU is not installed",
                    "run scripts/setup.sh, which installs CRIU 4.2 (or newer)");
        }
        String out;
        try {
            Process p = new ProcessBuilder(bin.get().toString(), "--version").redirectErrorStream(true).start();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new SandboxException(Stage.CHECKPOINT, 0, "checkpoint: cannot run " + bin.get() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException(Stage.CHECKPOINT, 0, "checkpoint: interrupted probing CRIU");
        }
        Matcher m = VERSION.matcher(out);
        if (!m.find()) {
            throw new SandboxException(Stage.CHECKPOINT, 0, "checkpoint: cannot read the version of " + bin.get()
                    + " from: " + out.strip());
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        String v = major + "." + minor + (m.group(3) != null ? "." + m.group(3) : "");
        if (major < MIN_MAJOR || (major == MIN_MAJOR && minor < MIN_MINOR)) {
            throw new SandboxException(Stage.CHECKPOINT, 0, "checkpoint: CRIU " + v + " at " + bin.get()
                    + " is too old: 4.2 or newer is needed (older ones cannot dump TCP sockets on kernels >= 6.16)",
                    "run scripts/setup.sh, which builds CRIU 4.2.1 from Debian's source package");
        }
        KdatCache.ensure(bin.get());
        for (String feature : FEATURES) {
            String missing = checkFeature(bin.get(), feature);
            if (missing != null) {
                throw new SandboxException(Stage.CHECKPOINT, 0, "checkpoint: CRIU " + v + " lacks '" + feature
                        + "' on this kernel: " + missing, "see `criu check --feature " + feature + "`");
            }
        }
        return new Criu(NativeLoader.library(), bin.get(), v);
    }

    /** What a flint snapshot relies on: the sandbox's user and cgroup namespaces go into the image. */
    static final List<String> FEATURES = List.of("userns", "cgroupns");

    /** null when {@code criu check --feature NAME} passes, else what it said. */
    private static String checkFeature(Path criu, String feature) {
        try {
            Process p = new ProcessBuilder(criu.toString(), "check", "--feature", feature).redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "no answer within 30 s";
            }
            return p.exitValue() == 0 ? null : out;
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    public Path binary() {
        return binary;
    }

    public String version() {
        return version;
    }

    /** What one CRIU run did: its exit code and wall time; the log is in the work dir. */
    record Run(int exitCode, long nanos, Path log) {
        boolean ok() {
            return exitCode == 0;
        }

        /** The last error lines of the log, for a one-line message. */
        String errorSummary() {
            List<String> errors = new ArrayList<>();
            try {
                for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    if (line.contains("Error") || line.contains("error")) {
                        errors.add(line.strip());
                    }
                }
            } catch (IOException e) {
                return "no log at " + log;
            }
            if (errors.isEmpty()) {
                return "exit code " + exitCode + " (log: " + log + ")";
            }
            List<String> tail = errors.subList(Math.max(0, errors.size() - LOG_TAIL), errors.size());
            return String.join(" | ", tail) + " (log: " + log + ")";
        }
    }

    /**
     * Runs {@code criu ARGS... -W workDir -o LOG -v4} with fds[i] as the tool's fd targets[i],
     * waiting at most {@code limitMillis} (then it is killed).
     */
    Run run(List<String> args, Path workDir, String logName, int[] fds, int[] targets, long limitMillis, Stage stage) {
        List<String> argv = new ArrayList<>();
        argv.add(binary.toString());
        argv.addAll(args);
        argv.addAll(List.of("-W", workDir.toString(), "-o", logName, "-v4"));
        int[] pidfd = new int[1];
        FlintError err = new FlintError();
        long t0 = System.nanoTime();
        int pid = lib.flint_spawn_tool(argv.toArray(String[]::new), fds, targets, fds.length, -1, pidfd, err);
        if (pid < 0) {
            throw new SandboxException(stage, err.err, stage.wireName() + ": " + err.messageText());
        }
        try {
            FlintExit exit = new FlintExit();
            int rc = lib.flint_wait(pidfd[0], (int) Math.min(Integer.MAX_VALUE, limitMillis), exit, err);
            if (rc == 1) {
                lib.flint_signal(pidfd[0], 9, new FlintError());
                lib.flint_wait(pidfd[0], -1, exit, err);
                throw new SandboxException(stage, 0, stage.wireName() + ": CRIU did not finish within " + limitMillis
                        + " ms (log: " + workDir.resolve(logName) + ")");
            }
            if (rc < 0) {
                throw new SandboxException(stage, err.err, stage.wireName() + ": " + err.messageText());
            }
            int code = exit.signal != 0 ? 128 + exit.signal : exit.code;
            return new Run(code, System.nanoTime() - t0, workDir.resolve(logName));
        } finally {
            lib.flint_close(pidfd[0]);
        }
    }
}
