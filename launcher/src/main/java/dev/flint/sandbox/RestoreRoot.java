package dev.flint.sandbox;

import dev.flint.nativeffi.FlintError;
import dev.flint.nativeffi.FlintLibrary;
import dev.flint.nativeffi.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The root a restore goes into ({@code criu restore --root}): a small tmpfs on the host holding a
 * fresh upper and work dir, owned by the restored sandbox's host root uid, and a read-only
 * overlay of the checkpoint's image layers on top. A sandbox's root is read-only, so its upper
 * only ever held the mountpoints flint-init made; they are made again here, as mounts.c's
 * precreate() did. The host-side mounts are detached once CRIU has copied them into the
 * sandbox's mount namespace.
 */
final class RestoreRoot {
    private static final long MS_RDONLY = 1;
    private static final long MS_NOSUID = 2;
    private static final long MS_NODEV = 4;
    private static final long MS_BIND = 4096;
    private static final long MS_REC = 16384;
    private static final long MS_PRIVATE = 1 << 18;
    private static final int MNT_DETACH = 2;

    private final FlintLibrary lib;
    private final Path base;
    private boolean scratchMounted;
    private boolean rootMounted;

    private RestoreRoot(FlintLibrary lib, Path base) {
        this.lib = lib;
        this.base = base;
    }

    Path root() {
        return base.resolve("root");
    }

    static RestoreRoot mount(FlintLibrary lib, Path base, CheckpointManifest m, int hostUid) {
        RestoreRoot r = new RestoreRoot(lib, base);
        try {
            Files.createDirectories(base);
            r.call(lib.flint_mount("flint-restore", base.toString(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=4m",
                    new FlintError()), "mount a tmpfs on '" + base + "'");
            r.scratchMounted = true;
            // Private: nothing of it propagates to other mount namespaces of the host.
            r.call(lib.flint_mount(null, base.toString(), null, MS_PRIVATE, null, new FlintError()),
                    "make '" + base + "' private");
            Path upper = Files.createDirectory(base.resolve("upper"));
            Path work = Files.createDirectory(base.resolve("work"));
            Files.createDirectory(r.root());
            List<Path> layers = m.layers().stream().map(Path::of).toList();
            for (CheckpointManifest.Mountpoint mp : m.mountpoints()) {
                precreate(layers, upper, mp.path(), mp.directory());
            }
            chownTree(upper, hostUid);
            chownTree(work, hostUid);
            StringBuilder opts = new StringBuilder("lowerdir=");
            for (int i = layers.size() - 1; i >= 0; i--) {
                opts.append(layers.get(i)).append(i > 0 ? ":" : "");
            }
            opts.append(",upperdir=").append(upper).append(",workdir=").append(work);
            FlintError err = new FlintError();
            if (lib.flint_mount("overlay", r.root().toString(), "overlay", MS_RDONLY, opts.toString(), err) < 0) {
                throw new SandboxException(Stage.RESTORE, err.err, "restore: " + err.messageText()
                        + " (layers: " + m.layers() + ")");
            }
            r.rootMounted = true;
            return r;
        } catch (IOException e) {
            r.close();
            throw new SandboxException(Stage.RESTORE, 0, "restore: prepare the root in '" + base + "': " + e);
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /**
     * A bind of a host path at {@code <base>/ext/key}: CRIU binds external mounts from inside the
     * restored user namespace, whose root is an unprivileged host uid that may not search the
     * path's parents (a 0700 state dir); this bind, made by host root, has only searchable ones.
     */
    Path external(String key, Path source) {
        try {
            Path dir = Files.createDirectories(base.resolve("ext"));
            Path target = dir.resolve(key);
            if (Files.isDirectory(source)) {
                Files.createDirectory(target);
            } else {
                Files.createFile(target);
            }
            FlintError err = new FlintError();
            if (lib.flint_mount(source.toString(), target.toString(), null, MS_BIND | MS_REC, null, err) < 0) {
                throw new SandboxException(Stage.RESTORE, err.err, "restore: bind '" + source + "': " + err.messageText());
            }
            return target;
        } catch (IOException e) {
            throw new SandboxException(Stage.RESTORE, 0, "restore: bind '" + source + "': " + e);
        }
    }

    /** Writes files into a dir; for {@link #images}. */
    @FunctionalInterface
    interface Writer {
        void write(Path dir) throws IOException;
    }

    /**
     * CRIU's image dir for this restore: an overlay of the snapshot (read-only below) and an
     * upper dir on this restore's scratch, into which {@code replace} may write files that take
     * the place of the snapshot's (the rebased userns image); CRIU's own writes (stats) land there
     * too. Made by host root under the scratch, so the restored user namespace's root, which opens
     * some images itself, can reach it whatever the snapshot's parents allow.
     *
     * @param replace writes replacements into the upper dir, or null
     */
    Path images(Path snapshot, Writer replace) throws IOException {
        Path upper = Files.createDirectory(base.resolve("images-upper"));
        Path work = Files.createDirectory(base.resolve("images-work"));
        Path merged = Files.createDirectory(base.resolve("images"));
        if (replace != null) {
            replace.write(upper);
        }
        FlintError err = new FlintError();
        String opts = "lowerdir=" + snapshot.toAbsolutePath() + ",upperdir=" + upper + ",workdir=" + work;
        if (lib.flint_mount("overlay", merged.toString(), "overlay", MS_NOSUID | MS_NODEV, opts, err) < 0) {
            throw new SandboxException(Stage.RESTORE, err.err, "restore: images of '" + snapshot + "': "
                    + err.messageText());
        }
        return merged;
    }

    /** True when /proc/self/mountinfo has a mount at or below dir. */
    static boolean mountedUnder(Path dir) {
        try {
            return SandboxMount.parse(Files.readAllLines(Path.of("/proc/self/mountinfo"))).stream()
                    .anyMatch(m -> Path.of(m.mountpoint()).startsWith(dir));
        } catch (IOException e) {
            return true;
        }
    }

    private void call(int rc, String what) {
        if (rc < 0) {
            throw new SandboxException(Stage.RESTORE, 0, "restore: cannot " + what);
        }
    }

    /**
     * Makes {@code target}'s path in the upper dir, component by component, where the layers
     * have a directory or nothing; stops at a component that is a symlink or file in the layers.
     */
    static void precreate(List<Path> layers, Path upper, String target, boolean directory) throws IOException {
        String[] parts = target.substring(1).split("/");
        Path rel = Path.of("");
        for (int i = 0; i < parts.length; i++) {
            rel = rel.resolve(parts[i]);
            boolean last = i == parts.length - 1;
            BasicFileAttributes inLower = lowerAttributes(layers, rel);
            if (inLower != null && !inLower.isDirectory()) {
                return;
            }
            Path p = upper.resolve(rel);
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (last && !directory) {
                Files.createFile(p);
            } else {
                Files.createDirectory(p);
                if (inLower != null) {
                    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(lowerPath(layers, rel),
                            LinkOption.NOFOLLOW_LINKS);
                    Files.setPosixFilePermissions(p, mode);
                }
            }
        }
    }

    private static BasicFileAttributes lowerAttributes(List<Path> layers, Path rel) {
        Path p = lowerPath(layers, rel);
        if (p == null) {
            return null;
        }
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }

    /** The entry in the top-most layer that has it, or null. */
    private static Path lowerPath(List<Path> layers, Path rel) {
        for (int i = layers.size() - 1; i >= 0; i--) {
            Path p = layers.get(i).resolve(rel);
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                return p;
            }
        }
        return null;
    }

    private static void chownTree(Path dir, int uid) throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.forEach(all::add);
        }
        for (Path p : all) {
            Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /**
     * Entries "PID-N" of dir whose supervisor is gone (a crash mid-restore): their mounts are
     * detached (a lazy unmount takes the binds and the overlay under them along) and the dirs
     * removed.
     */
    static void removeStale(FlintLibrary lib, Path dir, java.util.function.Predicate<String> isStale) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path e : entries.toList()) {
                if (isStale.test(e.getFileName().toString())) {
                    RestoreRoot r = new RestoreRoot(lib, e);
                    r.rootMounted = true;
                    r.scratchMounted = true;
                    r.close();
                }
            }
        } catch (IOException ignored) {
            // nothing to clean
        }
    }

    /** Detaches the host-side mounts (the restored sandbox keeps its own copies) and removes the dir. */
    void close() {
        FlintError err = new FlintError();
        if (rootMounted) {
            lib.flint_umount(root().toString(), MNT_DETACH, err);
            rootMounted = false;
        }
        if (scratchMounted) {
            lib.flint_umount(base.toString(), MNT_DETACH, err);
            scratchMounted = false;
        }
        if (mountedUnder(base)) {
            return; // never delete through a mount that is still there (the code dir bind is writable)
        }
        Restorer.deleteTree(base);
    }
}
