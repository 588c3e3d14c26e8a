package dev.flint.sandbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Host uid ranges for user namespaces: slot N maps the sandbox's 0..65535 to host {@value #BASE}
 * + 65536 × N onward, so no two live sandboxes share a host uid. A slot is held by an exclusive
 * lock on {@code <runDir>/userns/N.lock}: that works across supervisors on one host, and the
 * kernel drops the lock when a supervisor dies, so there is nothing to clean up.
 */
final class UidRanges {
    static final int BASE = 100_000;
    static final int SIZE = 65_536;
    static final int SLOTS = 4096;

    private final Path dir;

    UidRanges(Path runDir) {
        this.dir = runDir.resolve("userns");
    }

    /** A held range; close() gives it back. */
    record Range(int slot, int hostId, FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() {
            try {
                channel.close(); // releases the lock
            } catch (IOException ignored) {
                // the lock dies with the channel anyway
            }
        }
    }

    /** The lowest free slot; throws when all are taken. */
    Range acquire() {
        try {
            Files.createDirectories(dir);
            for (int slot = 0; slot < SLOTS; slot++) {
                FileChannel ch = FileChannel.open(dir.resolve(slot + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = null;
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException held) {
                    // held by this JVM
                }
                if (lock != null) {
                    return new Range(slot, BASE + SIZE * slot, ch, lock);
                }
                ch.close();
            }
        } catch (IOException e) {
            throw new SandboxException(dev.flint.nativeffi.Stage.UID_MAP, 0, "uid-map: cannot lock a uid range in '" + dir + "': " + e);
        }
        throw new SandboxException(dev.flint.nativeffi.Stage.UID_MAP, 0, "uid-map: all " + SLOTS + " uid ranges are in use");
    }
}
