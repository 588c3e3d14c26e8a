package dev.flint.sandbox;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a restore needs besides CRIU's images, stored beside them as {@value #FILE}.
 *
 * @param layers the image layers of the root, bottom to top (shared, read-only: not in the images)
 * @param hostUidBase the host uid that was root inside when dumped (the userns image says so too)
 * @param stdoutPipe CRIU's name of the sandbox's stdout pipe ("pipe:[ino]"), re-bound on restore
 * @param externals mounts of host files, dumped as external and bound again on restore
 * @param mountpoints mountpoints on the root itself, made in the fresh upper dir before a restore
 * @param parkedRequests requests flint-init replays after a restore (1: the runtime's parked call)
 */
public record CheckpointManifest(
        int format,
        String criuVersion,
        List<String> layers,
        int hostUidBase,
        int memoryMb,
        String stdoutPipe,
        String stderrPipe,
        List<External> externals,
        List<Mountpoint> mountpoints,
        int parkedRequests,
        long dumpMicros,
        long imageBytes) {

    public static final String FILE = "flint-checkpoint.json";
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public CheckpointManifest {
        layers = List.copyOf(layers);
        externals = List.copyOf(externals);
        mountpoints = List.copyOf(mountpoints);
    }

    /**
     * A host file or directory bound into the sandbox: CRIU names it by key.
     *
     * @param source the host path at dump time; a restore may substitute its own per mountpoint
     */
    public record External(String key, String mountpoint, String source) {}

    /** A mountpoint on the root filesystem: a directory or (for a file bind) an empty file. */
    public record Mountpoint(String path, boolean directory) {}

    public void write(Path dir) {
        try {
            JSON.writeValue(dir.resolve(FILE).toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(FILE), e);
        }
    }

    /** The manifest in dir; an IOException when it is missing, unreadable or of another format. */
    public static CheckpointManifest read(Path dir) throws IOException {
        CheckpointManifest m = JSON.readValue(Files.readAllBytes(dir.resolve(FILE)), CheckpointManifest.class);
        if (m.format != FORMAT) {
            throw new IOException("checkpoint format " + m.format + " in " + dir + " (this flint reads " + FORMAT + ")");
        }
        return m;
    }
}
