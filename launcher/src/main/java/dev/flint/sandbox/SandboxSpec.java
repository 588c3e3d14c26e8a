package dev.flint.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything needed to start one sandbox; validated on construction, so an instance is always
 * runnable as far as input goes.
 *
 * @param layers image layers, bottom to top (read-only lower dirs of the overlay)
 * @param argv the command; argv[0] is looked up in PATH from env
 * @param env the command's environment, "K=V"
 * @param memoryMb memory limit, 128–3008 MB; CPU follows it (1769 MB = 1 vCPU)
 * @param timeout wall-clock limit, or null for none
 * @param tmpMb size of the writable /tmp
 * @param proxy Runtime API relay inside the sandbox, or null
 * @param deferCpuLimit leave the CPU quota off after set-up until {@link Sandbox#applyCpuLimit()}
 *     (a Lambda env applies it when Init ends)
 * @param isolation the isolation layers (all on by default)
 * @param snapshot the sandbox may be checkpointed ({@link Sandbox#park()}): needs a proxy, pipe
 *     stdio, a read-only root and a user namespace (CRIU cannot dump non-root processes
 *     outside one on these hosts)
 */
public record SandboxSpec(
        List<Path> layers,
        List<String> argv,
        List<String> env,
        String cwd,
        String hostname,
        int memoryMb,
        Duration timeout,
        int tmpMb,
        List<BindMount> binds,
        int uid,
        int gid,
        Stdio stdio,
        StdinMode stdin,
        RuntimeApiProxy proxy,
        boolean readonlyRoot,
        boolean deferCpuLimit,
        Isolation isolation,
        boolean snapshot) {

    public static final int MIN_MEMORY_MB = 128;
    public static final int MAX_MEMORY_MB = 3008;
    public static final int MIN_TMP_MB = 1;
    public static final int MAX_TMP_MB = 10240;
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,63})");

    /** Where the command's stdout and stderr go. */
    public enum Stdio { INHERIT, PIPE }

    /** What the command's stdin is. */
    public enum StdinMode { INHERIT, NULL, PIPE }

    /** A host path bound into the sandbox. */
    public record BindMount(Path source, String target, boolean readonly) {
        public BindMount {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(target, "target");
            if (!source.isAbsolute() || !target.startsWith("/") || target.equals("/")
                    || target.contains("/../") || target.endsWith("/..")) {
                throw new InvalidSpecException("bind '" + source + ":" + target
                        + "' needs absolute paths, no '..', and a target other than '/'");
            }
        }

        /** Parses "HOST:PATH" (PATH defaults to HOST) as a read-only bind. */
        public static BindMount parseReadOnly(String value) {
            int colon = value.indexOf(':');
            String host = colon < 0 ? value : value.substring(0, colon);
            String target = colon < 0 ? value : value.substring(colon + 1);
            return new BindMount(Path.of(host), target, true);
        }
    }

    /** flint-init relays 127.0.0.1:port to the Unix socket at socketPath (an in-sandbox path). */
    public record RuntimeApiProxy(int port, String socketPath) {}

    public SandboxSpec {
        layers = List.copyOf(Objects.requireNonNull(layers, "layers"));
        argv = List.copyOf(Objects.requireNonNull(argv, "argv"));
        env = List.copyOf(Objects.requireNonNull(env, "env"));
        binds = List.copyOf(Objects.requireNonNull(binds, "binds"));
        Objects.requireNonNull(stdio, "stdio");
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(isolation, "isolation");
        if (layers.isEmpty()) {
            throw new InvalidSpecException("an image needs at least one layer");
        }
        for (Path layer : layers) {
            String s = layer.toString();
            if (!layer.isAbsolute() || s.contains(":") || s.contains(",")) {
                throw new InvalidSpecException("layer '" + s + "' must be an absolute path without ':' or ','");
            }
        }
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw new InvalidSpecException("the command is empty; give one after '--'");
        }
        if (memoryMb < MIN_MEMORY_MB || memoryMb > MAX_MEMORY_MB) {
            throw new InvalidSpecException("memory " + memoryMb + " MB is out of range: use "
                    + MIN_MEMORY_MB + "–" + MAX_MEMORY_MB + " MB");
        }
        if (tmpMb < MIN_TMP_MB || tmpMb > MAX_TMP_MB) {
            throw new InvalidSpecException("/tmp size " + tmpMb + " MB is out of range: use " + MIN_TMP_MB + "–" + MAX_TMP_MB + " MB");
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new InvalidSpecException("timeout must be positive");
        }
        if (hostname == null || !HOSTNAME.matcher(hostname).matches()) {
            throw new InvalidSpecException("hostname '" + hostname + "' is not valid (letters, digits, '-', '.'; at most 64)");
        }
        if (cwd == null || !cwd.startsWith("/")) {
            throw new InvalidSpecException("working directory '" + cwd + "' must be absolute");
        }
        if (uid < 0 || gid < 0) {
            throw new InvalidSpecException("uid and gid must not be negative");
        }
        for (String e : env) {
            if (e.indexOf('=') <= 0 || e.indexOf('\0') >= 0) {
                throw new InvalidSpecException("environment entry '" + e + "' must look like KEY=VALUE");
            }
        }
        if (snapshot && (proxy == null || stdio != Stdio.PIPE || !readonlyRoot || !isolation.userns())) {
            throw new InvalidSpecException("a sandbox to checkpoint needs a Runtime API proxy, piped stdio, a read-only"
                    + " root and a user namespace");
        }
    }

    /** A builder with Lambda-like defaults: 128 MB, 512 MB /tmp, read-only root, uid 0. */
    public static Builder builder(List<Path> layers, List<String> argv) {
        return new Builder(layers, argv);
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private final List<Path> layers;
        private final List<String> argv;
        private final List<String> env = new ArrayList<>();
        private final List<BindMount> binds = new ArrayList<>();
        private String cwd = "/";
        private String hostname = "flint";
        private int memoryMb = 128;
        private Duration timeout;
        private int tmpMb = 512;
        private int uid;
        private int gid;
        private Stdio stdio = Stdio.PIPE;
        private StdinMode stdin = StdinMode.NULL;
        private RuntimeApiProxy proxy;
        private boolean readonlyRoot = true;
        private boolean deferCpuLimit;
        private Isolation isolation = Isolation.DEFAULT;
        private boolean snapshot;

        private Builder(List<Path> layers, List<String> argv) {
            this.layers = layers;
            this.argv = argv;
        }

        public Builder env(List<String> entries) { env.addAll(entries); return this; }
        public Builder env(String entry) { env.add(entry); return this; }
        public Builder bind(BindMount b) { binds.add(b); return this; }
        public Builder binds(List<BindMount> bs) { binds.addAll(bs); return this; }
        public Builder cwd(String v) { cwd = v; return this; }
        public Builder hostname(String v) { hostname = v; return this; }
        public Builder memoryMb(int v) { memoryMb = v; return this; }
        public Builder timeout(Duration v) { timeout = v; return this; }
        public Builder tmpMb(int v) { tmpMb = v; return this; }
        public Builder user(int u, int g) { uid = u; gid = g; return this; }
        public Builder stdio(Stdio v) { stdio = v; return this; }
        public Builder stdin(StdinMode v) { stdin = v; return this; }
        public Builder proxy(RuntimeApiProxy v) { proxy = v; return this; }
        public Builder readonlyRoot(boolean v) { readonlyRoot = v; return this; }
        public Builder deferCpuLimit(boolean v) { deferCpuLimit = v; return this; }
        public Builder isolation(Isolation v) { isolation = v; return this; }
        public Builder snapshot(boolean v) { snapshot = v; return this; }

        public SandboxSpec build() {
            return new SandboxSpec(layers, argv, env, cwd, hostname, memoryMb, timeout, tmpMb, binds, uid, gid,
                    stdio, stdin, proxy, readonlyRoot, deferCpuLimit, isolation, snapshot);
        }
    }
}
