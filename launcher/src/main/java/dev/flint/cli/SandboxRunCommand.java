package dev.flint.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flint.image.Image;
import dev.flint.sandbox.Isolation;
import dev.flint.sandbox.Sandbox;
import dev.flint.sandbox.SandboxResult;
import dev.flint.sandbox.SandboxSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flint sandbox run}: one command in a fresh sandbox, streamed, with its exit code. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Run CMD in a fresh sandbox: new pid, mount, uts, ipc, net and cgroup namespaces; the image",
            "as a read-only root (overlay), a writable size-limited /tmp, only 'lo' in the network;",
            "memory, CPU (proportional to memory, 1769 MB = 1 vCPU) and pids limits from cgroups.",
            "stdout/stderr are streamed; the exit code is CMD's (128+N when killed by signal N).",
            "An out-of-memory kill prints 'out of memory: limit N MB' and exits 137."
        })
final class SandboxRunCommand implements Callable<Integer> {
    @Option(names = "--image", defaultValue = "provided", paramLabel = "NAME",
            description = "image to use as the root filesystem (default: ${DEFAULT-VALUE}; see 'flint image ls')")
    String image;

    @Option(names = "--memory", defaultValue = "128", paramLabel = "MB",
            description = "memory limit in MB, 128–3008 (default: ${DEFAULT-VALUE}); no swap")
    int memoryMb;

    @Option(names = "--timeout", paramLabel = "S", description = "kill the sandbox after S seconds (default: none)")
    Double timeoutSeconds;

    @Option(names = "--hostname", defaultValue = "flint", paramLabel = "H", description = "hostname inside (default: ${DEFAULT-VALUE})")
    String hostname;

    @Option(names = "--tmp-size", defaultValue = "512", paramLabel = "MB", description = "size of /tmp in MB (default: ${DEFAULT-VALUE})")
    int tmpMb;

    @Option(names = "--env", paramLabel = "K=V", description = "set an environment variable (repeatable)")
    List<String> env = new ArrayList<>();

    @Option(names = "--ro-bind", paramLabel = "HOST:PATH", description = "bind a host path read-only at PATH (repeatable)")
    List<String> roBinds = new ArrayList<>();

    @Option(names = "--user", paramLabel = "UID[:GID]", description = "run CMD as this uid/gid inside (default: 0)")
    String user;

    @Option(names = "--result", paramLabel = "FILE",
            description = "write a JSON record: exit code, signal, OOM, timeout, peak memory, CPU time, setup phases (µs)")
    Path resultFile;

    @Mixin
    IsolationOptions isolation = new IsolationOptions();

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "the command and its arguments (after --)")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        SandboxSpec.Builder b = SandboxSpec.builder(List.of(Path.of("/")), command); // layers set below
        Duration timeout = null;
        if (timeoutSeconds != null) {
            if (!(timeoutSeconds > 0) || timeoutSeconds > 86_400) {
                throw new IllegalArgumentException("timeout must be between 0 and 86400 seconds");
            }
            timeout = Duration.ofMillis(Math.round(timeoutSeconds * 1000));
        }
        int[] ids = parseUser(user);
        // Validate the input before touching the host, so bad input is exit 2 even without root.
        b.memoryMb(memoryMb).timeout(timeout).hostname(hostname).tmpMb(tmpMb).env(env).user(ids[0], ids[1]);
        roBinds.forEach(v -> b.bind(SandboxSpec.BindMount.parseReadOnly(v)));
        Isolation iso = isolation.toIsolation();
        b.isolation(iso).build();

        Host.requireRoot("flint sandbox run");
        Image img = Host.images().require(image);
        List<String> fullEnv = new ArrayList<>(img.config().env());
        fullEnv.addAll(env);
        SandboxSpec spec = SandboxSpec.builder(img.layers(), command)
                .memoryMb(memoryMb).timeout(timeout).hostname(hostname).tmpMb(tmpMb).env(fullEnv)
                .user(ids[0], ids[1]).cwd(workdir(img))
                .stdio(SandboxSpec.Stdio.INHERIT).stdin(SandboxSpec.StdinMode.INHERIT)
                .binds(roBinds.stream().map(SandboxSpec.BindMount::parseReadOnly).toList())
                .isolation(iso)
                .build();
        isolation.warn(iso);
        SandboxResult result;
        try (Sandbox sandbox = Host.launcher().launch(spec)) {
            result = sandbox.await();
        }
        if (resultFile != null) {
            writeResult(result);
        }
        if (result.oomKilled()) {
            System.err.println("out of memory: limit " + memoryMb + " MB");
        } else if (result.timedOut()) {
            System.err.printf("timed out after %s s%n", formatSeconds(timeoutSeconds));
        }
        return result.exitCode();
    }

    private static String workdir(Image img) {
        String w = img.config().workdir();
        return w == null || w.isBlank() ? "/" : w;
    }

    private static String formatSeconds(double s) {
        return s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s);
    }

    static int[] parseUser(String user) {
        if (user == null) {
            return new int[] {0, 0};
        }
        try {
            String[] p = user.split(":", 2);
            int uid = Integer.parseInt(p[0]);
            int gid = p.length > 1 ? Integer.parseInt(p[1]) : uid;
            return new int[] {uid, gid};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--user must be UID or UID:GID (numbers), got '" + user + "'");
        }
    }

    private void writeResult(SandboxResult r) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("exit_code", r.exitCode());
        out.put("signal", r.signal());
        out.put("oom_killed", r.oomKilled());
        out.put("timed_out", r.timedOut());
        out.put("peak_memory_bytes", r.peakMemoryBytes());
        out.put("cpu_time_us", r.cpuNanos() / 1000);
        out.put("wall_time_us", r.wallNanos() / 1000);
        out.put("memory_limit_mb", memoryMb);
        out.put("phases_us", r.phasesMicros());
        Path parent = resultFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(resultFile.toFile(), out);
    }

    /**
     * The switches that weaken a sandbox's isolation for research; shared with {@code flint probe}.
     * Each one that weakens the default prints one warning line to stderr.
     */
    static final class IsolationOptions {
        @Option(names = "--seccomp", paramLabel = "off|default|FILE", defaultValue = "default",
                description = "system call filter: the default deny list, off, or FILE: a JSON list of syscall names to deny")
        String seccomp = "default";

        @Option(names = "--caps", paramLabel = "KEEP",
                description = "capabilities the command keeps: a comma list (chown,net_raw), 'none' or 'default'"
                        + " (default: the container set for uid 0, none for other uids)")
        String caps;

        @Option(names = "--network", paramLabel = "private|host", defaultValue = "private",
                description = "private: a network namespace with only lo (default); host: the host's network")
        String network = "private";

        @Option(names = "--no-userns", description = "no user namespace: uids inside are the host's uids")
        boolean noUserns;

        Isolation toIsolation() throws IOException {
            Isolation iso = Isolation.DEFAULT;
            switch (seccomp) {
                case "default" -> { }
                case "off" -> iso = iso.withSeccomp(Isolation.Seccomp.OFF, List.of());
                default -> iso = iso.withSeccomp(Isolation.Seccomp.LIST, readDenyList(Path.of(seccomp)));
            }
            if (caps != null && !caps.equals("default")) {
                iso = iso.withCaps(caps.equals("none") ? List.of()
                        : List.of(caps.split(",")).stream().map(String::trim).filter(c -> !c.isEmpty()).toList());
            }
            iso = switch (network) {
                case "private" -> iso;
                case "host" -> iso.withHostNetwork(true);
                default -> throw new IllegalArgumentException("--network must be 'private' or 'host', got '" + network + "'");
            };
            return iso.withUserns(!noUserns);
        }

        static List<String> readDenyList(Path file) throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("--seccomp: '" + file + "' is neither off, default nor a readable file");
            }
            JsonNode node;
            try {
                node = new ObjectMapper().readTree(file.toFile());
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("--seccomp: '" + file + "' is not JSON: " + e.getOriginalMessage());
            }
            List<String> names = new ArrayList<>();
            if (node != null && node.isArray()) {
                for (JsonNode n : node) {
                    if (!n.isTextual()) {
                        names = null;
                        break;
                    }
                    names.add(n.asText());
                }
            }
            if (names == null || node == null || !node.isArray()) {
                throw new IllegalArgumentException("--seccomp: '" + file + "' must hold a JSON list of syscall names, e.g. [\"mount\", \"ptrace\"]");
            }
            return names;
        }

        /** One "warning: ..." line on stderr per layer weaker than the default. */
        void warn(Isolation iso) {
            iso.weakenings().forEach(w -> System.err.println("warning: " + w));
        }
    }
}
