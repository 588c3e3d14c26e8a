package dev.flint.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * CRIU probes the kernel (≈ 20 ms here) on every run unless {@code /run/criu.kdat} caches the
 * result, and it only writes that cache on a tmpfs: on hosts whose /run is not one (this one) it
 * would probe on every dump and restore. Reading the cache has no such check, so flint makes it
 * once per boot in a private mount namespace with a tmpfs on /run and copies it to /run. The boot
 * id beside it says when it is stale (a new kernel must be probed again).
 */
final class KdatCache {
    static final Path CACHE = Path.of("/run/criu.kdat");
    static final Path BOOT_ID_FILE = Path.of("/run/criu.kdat.flint-boot-id");
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    private KdatCache() {}

    static void ensure(Path criu) {
        try {
            String boot = Files.readString(BOOT_ID, StandardCharsets.US_ASCII).strip();
            if (Files.isRegularFile(CACHE) && Files.isRegularFile(BOOT_ID_FILE)
                    && Files.readString(BOOT_ID_FILE, StandardCharsets.US_ASCII).strip().equals(boot)) {
                return;
            }
            // Inside: /run is a fresh tmpfs, so CRIU keeps its cache there; the cache comes out on stdout.
            String script = "mount -t tmpfs flint-kdat /run && \"$0\" check >/dev/null 2>&1; cat /run/criu.kdat";
            Process p = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c", script,
                    criu.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] kdat = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return;
            }
            if (p.exitValue() == 0 && kdat.length > 0) {
                Path tmp = Files.createTempFile(CACHE.getParent(), "criu.kdat.", ".flint");
                Files.write(tmp, kdat);
                Files.move(tmp, CACHE, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                Files.writeString(BOOT_ID_FILE, boot + "\n", StandardCharsets.US_ASCII);
            }
        } catch (IOException e) {
            // without the cache CRIU still works, only ~20 ms slower per run
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
