package dev.flint.cli;

import dev.flint.cgroup.Cgroups;
import dev.flint.image.ImageStore;
import dev.flint.sandbox.SandboxLauncher;
import java.nio.file.Path;

/**
 * The host-side services one CLI invocation needs, built lazily so {@code --help} and input
 * errors cost nothing. Paths: {@code -Dflint.state.dir} (default /var/lib/flint), {@code
 * -Dflint.run.dir} (default /run/flint), {@code -Dflint.images.dir} (default: the state dir's
 * images/), {@code -Dflint.home} (the checkout, for recipes).
 */
final class Host {
    private static Cgroups cgroups;
    private static SandboxLauncher launcher;

    private Host() {}

    static Path stateDir() {
        return Path.of(System.getProperty("flint.state.dir", "/var/lib/flint"));
    }

    static Path runDir() {
        return Path.of(System.getProperty("flint.run.dir", "/run/flint"));
    }

    static Path home() {
        return Path.of(System.getProperty("flint.home", ".")).toAbsolutePath();
    }

    /** The image store: {@code -Dflint.images.dir}, else the state dir's images/. */
    static ImageStore images() {
        String dir = System.getProperty("flint.images.dir");
        return new ImageStore(dir != null ? Path.of(dir) : stateDir().resolve("images"));
    }

    /** Exits 3 with a clear message unless running as root. */
    static void requireRoot(String what) {
        long uid = new com.sun.security.auth.module.UnixSystem().getUid();
        if (uid != 0) {
            throw new ExitException(ExitCodes.HOST_NOT_CAPABLE,
                    what + " needs root (namespaces, cgroups and mounts); run it with sudo");
        }
    }

    static synchronized Cgroups cgroups() {
        if (cgroups == null) {
            cgroups = Cgroups.detect();
        }
        return cgroups;
    }

    /** The launcher, after removing leftovers of supervisors that died (crash, kill -9). */
    static synchronized SandboxLauncher launcher() {
        if (launcher == null) {
            launcher = new SandboxLauncher(cgroups(), runDir());
            launcher.removeLeftovers();
            Runtime.getRuntime().addShutdownHook(new Thread(SandboxLauncher::closeAll, "flint-cleanup"));
        }
        return launcher;
    }
}
