package dev.flint.cli;

import dev.flint.cgroup.Cgroups;
import dev.flint.cgroup.HostCgroupInfo;
import dev.flint.image.Image;
import dev.flint.nativeffi.NativeLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

/** {@code flint doctor}: what this host supports, and whether flint can run here. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check what this host supports and whether flint can run here.",
            "Checks root, kernel, cgroup version and controllers, overlayfs,",
            "namespaces, the native helper, images and CRIU. Exits 3 when something flint needs is missing."})
final class DoctorCommand implements Callable<Integer> {
    private final List<String> missing = new ArrayList<>();

    @Override
    public Integer call() {
        long uid = new com.sun.security.auth.module.UnixSystem().getUid();
        check("root", uid == 0, uid == 0 ? "yes" : "no (uid " + uid + "): run flint with sudo", true);
        line("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        checkCgroups();
        boolean overlay = readQuietly(Path.of("/proc/filesystems")).contains("\toverlay");
        check("overlayfs", overlay, overlay ? "yes" : "no: modprobe overlay", true);
        List<String> ns = new ArrayList<>();
        for (String n : List.of("pid", "mnt", "uts", "ipc", "net", "cgroup", "user")) {
            if (Files.exists(Path.of("/proc/self/ns", n))) {
                ns.add(n);
            }
        }
        check("namespaces", ns.containsAll(List.of("pid", "mnt", "uts", "ipc", "net", "cgroup")), String.join(" ", ns), true);
        checkNative();
        checkImages();
        checkCriu();
        System.out.println();
        if (missing.isEmpty()) {
            System.out.println("flint can run sandboxes on this host.");
            return ExitCodes.OK;
        }
        System.out.println("missing: " + String.join(", ", missing));
        return ExitCodes.HOST_NOT_CAPABLE;
    }

    private void checkCgroups() {
        try {
            HostCgroupInfo info = Cgroups.detect().describe();
            line("cgroups", info.version().name().toLowerCase(java.util.Locale.ROOT) + ", controllers: "
                    + String.join(" ", info.controllers()) + "; swap accounting: "
                    + (info.memswAvailable() ? "yes" : "no (limits cannot forbid swap)"));
            info.mountPoints().entrySet().stream()
                    .filter(e -> List.of("memory", "cpu", "cpuacct", "pids").contains(e.getKey()))
                    .forEach(e -> line("", e.getKey() + " at " + e.getValue()));
        } catch (RuntimeException e) {
            check("cgroups", false, e.getMessage(), true);
        }
    }

    private void checkNative() {
        try {
            String v = NativeLoader.library().flint_version();
            line("libflint", v + " in " + NativeLoader.nativeDir());
        } catch (RuntimeException | LinkageError e) {
            check("libflint", false, e.getMessage(), true);
        }
    }

    private void checkImages() {
        try {
            List<Image> images = Host.images().list();
            boolean provided = images.stream().anyMatch(i -> i.name().equals("provided"));
            check("images", provided, images.isEmpty() ? "none: run flint image build provided"
                    : String.join(" ", images.stream().map(Image::name).toList()), true);
        } catch (RuntimeException e) {
            check("images", false, e.getMessage(), true);
        }
    }

    private void checkCriu() {
        try {
            dev.flint.sandbox.Criu criu = dev.flint.sandbox.Criu.locate();
            boolean cached = Files.isRegularFile(Path.of("/run/criu.kdat"));
            line("criu", criu.version() + " at " + criu.binary() + " (SnapStart snapshots need >= 4.2); kernel probe"
                    + " cache " + (cached ? "/run/criu.kdat" : "missing (each dump/restore probes, ~20 ms)"));
        } catch (dev.flint.sandbox.SandboxException e) {
            check("criu", false, e.getMessage() + (e.hint() != null ? " (" + e.hint() + ")" : ""), false);
        }
    }

    private void check(String what, boolean ok, String detail, boolean required) {
        line(what, detail + (ok ? "" : required ? "   <-- required" : "   (optional)"));
        if (!ok && required) {
            missing.add(what);
        }
    }

    private static void line(String what, String detail) {
        System.out.printf("%-12s %s%n", what.isEmpty() ? "" : what + ":", detail);
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
