package dev.flint.invoke;

import dev.flint.cgroup.Cgroups;
import dev.flint.function.FunctionConfig;
import dev.flint.function.FunctionDefinition;
import dev.flint.function.FunctionRegistry;
import dev.flint.function.Runtimes;
import dev.flint.image.ImageStore;
import dev.flint.sandbox.SandboxLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The real invoke stack for privileged ITs: a registry and code store in a private state dir,
 * the host's images (/var/lib/flint/images), /run/flint as run dir, and an {@link InvokeService}
 * over real sandboxes. Collects every log line, and after {@link #close()} reports what this JVM
 * left behind (flint-init processes, mounts, cgroups, env dirs).
 */
final class SandboxStack implements AutoCloseable {
    static final Path IMAGES = Path.of("/var/lib/flint/images");
    static final Path RUN_DIR = Path.of("/run/flint");
    static final String REGION = "us-east-1";
    static final String ACCOUNT = "000000000000";
    /** Sandboxes, cgroups and env dirs of this JVM are named "PID-…". */
    static final String OWN_PREFIX = ProcessHandle.current().pid() + "-";
    /** A memory size with a whole vCPU (contract §7): tests that are not about memory start fast. */
    static final int FAST_MB = 1769;

    static {
        // The reaper: whatever a failed test left running is killed when the JVM exits.
        Runtime.getRuntime().addShutdownHook(new Thread(SandboxLauncher::closeAll, "sandbox-reaper"));
    }

    final FunctionRegistry registry;
    final ImageStore images = new ImageStore(IMAGES);
    final InvokeService service;
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> mountsBefore;

    SandboxStack(Path stateDir) {
        this.registry = new FunctionRegistry(stateDir);
        this.mountsBefore = runDirMounts();
        this.service = InvokeService.create(new SandboxLauncher(Cgroups.detect(), RUN_DIR), RUN_DIR, REGION, ACCOUNT);
    }

    /** Creates the function in this stack's registry and returns what the invoke layer runs. */
    FunctionSpec create(FunctionDefinition def) {
        return FunctionSpecs.of(registry.create(def), images);
    }

    /** A python3.11 function from src/test/resources/functions/NAME, at {@link #FAST_MB}. */
    FunctionSpec python(String resource, String name, int timeoutSeconds, Path tmp) {
        return create(FunctionDefinition.of(name, Runtimes.PYTHON_311, "lambda_function.lambda_handler",
                copyFunction(resource, tmp)).withMemoryMb(FAST_MB).withTimeoutSeconds(timeoutSeconds));
    }

    InvokeResponse invoke(FunctionSpec fn, String payload) {
        return service.invoke(fn, payload.getBytes(StandardCharsets.UTF_8), log::add);
    }

    List<String> lines(String prefix) {
        synchronized (log) {
            return log.stream().filter(l -> l.startsWith(prefix)).toList();
        }
    }

    /** The log so far, for assertion messages (tabs shown). */
    String transcript() {
        synchronized (log) {
            return "\n--- log ---\n" + String.join("\n", log).replace("\t", "<TAB>") + "\n---";
        }
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The project root (failsafe sets flint.home). */
    static Path projectRoot() {
        return Path.of(System.getProperty("flint.home", ".")).toAbsolutePath().normalize();
    }

    /**
     * Copies test function NAME into a fresh dir under tmp; a {@code bootstrap} is made executable
     * (resource copying does not keep modes).
     */
    static Path copyFunction(String name, Path tmp) {
        try {
            URL url = SandboxStack.class.getClassLoader().getResource("functions/" + name);
            if (url == null) {
                throw new IllegalArgumentException("no test function 'functions/" + name + "' on the class path");
            }
            Path from = Path.of(url.toURI());
            Path to = Files.createTempDirectory(tmp, name + "-");
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
            try (DirectoryStream<Path> files = Files.newDirectoryStream(from)) {
                for (Path f : files) {
                    Path dest = to.resolve(f.getFileName().toString());
                    Files.copy(f, dest, StandardCopyOption.REPLACE_EXISTING);
                    boolean exec = f.getFileName().toString().equals("bootstrap");
                    Files.setPosixFilePermissions(dest, PosixFilePermissions.fromString(exec ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        service.close();
    }

    // ---- leftovers ------------------------------------------------------------------------------

    /** Everything of this JVM that outlived {@link #close()}; empty when the stack cleaned up. */
    List<String> leftovers() {
        List<String> left = new ArrayList<>();
        left.addAll(ownFlintInits());
        for (String m : runDirMounts()) {
            if (!mountsBefore.contains(m)) {
                left.add("mount: " + m);
            }
        }
        left.addAll(ownCgroups());
        left.addAll(ownDirs(RUN_DIR.resolve("envs"), "env dir"));
        return left;
    }

    /** flint-init processes (live or zombie) that are children of this JVM or sit in one of its cgroups. */
    static List<String> ownFlintInits() {
        List<String> found = new ArrayList<>();
        String self = Long.toString(ProcessHandle.current().pid());
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : procs) {
                try {
                    if (!Files.readString(p.resolve("comm")).strip().equals("flint-init")) {
                        continue;
                    }
                    String ppid = Files.readAllLines(p.resolve("status")).stream()
                            .filter(l -> l.startsWith("PPid:")).map(l -> l.substring(5).strip()).findFirst().orElse("");
                    String cgroup = Files.readString(p.resolve("cgroup"));
                    if (ppid.equals(self) || cgroup.contains("/flint/" + OWN_PREFIX)) {
                        found.add("process: flint-init pid " + p.getFileName() + " (ppid " + ppid + ")");
                    }
                } catch (IOException e) {
                    // the process went away while we looked
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** Lines of /proc/self/mountinfo that mention /run/flint. */
    static Set<String> runDirMounts() {
        try {
            Set<String> lines = new HashSet<>();
            for (String l : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                if (l.contains(RUN_DIR.toString())) {
                    lines.add(l);
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** /sys/fs/cgroup/{controller}/flint/PID-* (v1) and /sys/fs/cgroup/flint/PID-* (v2). */
    static List<String> ownCgroups() {
        List<String> found = new ArrayList<>();
        Path root = Path.of("/sys/fs/cgroup");
        List<Path> parents = new ArrayList<>();
        parents.add(root.resolve("flint"));
        try (Stream<Path> controllers = Files.list(root)) {
            controllers.forEach(c -> parents.add(c.resolve("flint")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path parent : parents) {
            found.addAll(ownDirs(parent, "cgroup"));
        }
        return found;
    }

    private static List<String> ownDirs(Path parent, String what) {
        List<String> found = new ArrayList<>();
        if (!Files.isDirectory(parent)) {
            return found;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent,
                d -> Files.isDirectory(d) && d.getFileName().toString().startsWith(OWN_PREFIX))) {
            dirs.forEach(d -> found.add(what + ": " + d));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }
}
