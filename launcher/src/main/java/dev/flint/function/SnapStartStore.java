package dev.flint.function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.sandbox.CheckpointManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * SnapStart's state on disk, under {@code <state>/snapshots/<function>/}: {@code snapstart.json}
 * holds the function's {@code SnapStart.ApplyOn}; {@code <version>/} holds that published
 * version's checkpoint (CRIU's images and flint's manifest) once it is complete, or
 * {@code <version>.failed} the reason its optimization failed. A version's OptimizationStatus is
 * On exactly when its checkpoint is there. Deleting a version or function deletes them.
 */
public final class SnapStartStore {
    public static final String PUBLISHED_VERSIONS = "PublishedVersions";
    public static final String NONE = "None";
    /** The file whose presence marks a complete checkpoint (written last by the checkpointer). */
    public static final String MANIFEST = CheckpointManifest.FILE;
    private static final String SETTINGS = "snapstart.json";
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,9}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    public SnapStartStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** "PublishedVersions" or "None". */
    public String applyOn(String function) {
        Path f = root.resolve(checked(function)).resolve(SETTINGS);
        if (!Files.isRegularFile(f)) {
            return NONE;
        }
        try {
            JsonNode n = JSON.readTree(f.toFile());
            return PUBLISHED_VERSIONS.equals(n.path("ApplyOn").asText()) ? PUBLISHED_VERSIONS : NONE;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    /**
     * Sets SnapStart.ApplyOn for the function's future published versions.
     *
     * @throws InvalidParameterValueException for anything but PublishedVersions or None
     */
    public void setApplyOn(String function, String applyOn) {
        checkApplyOn(applyOn);
        Path dir = root.resolve(checked(function));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(SETTINGS), "{\"ApplyOn\":\"" + applyOn + "\"}\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(SETTINGS), e);
        }
    }

    /** @throws InvalidParameterValueException for anything but PublishedVersions or None */
    public static void checkApplyOn(String applyOn) {
        if (!PUBLISHED_VERSIONS.equals(applyOn) && !NONE.equals(applyOn)) {
            throw new InvalidParameterValueException("SnapStart.ApplyOn must be PublishedVersions or None, got "
                    + applyOn);
        }
    }

    /** Where the checkpoint of a published version goes (it may not exist yet). */
    public Path checkpointDir(String function, String version) {
        if (!VERSION.matcher(version).matches()) {
            throw new InvalidParameterValueException("SnapStart applies to published versions only, not " + version);
        }
        return root.resolve(checked(function)).resolve(version);
    }

    /** The complete checkpoint of this version, if there is one ($LATEST never has one). */
    public Optional<Path> checkpoint(String function, String version) {
        if (!VERSION.matcher(version).matches()) {
            return Optional.empty();
        }
        Path dir = checkpointDir(function, version);
        return Files.isRegularFile(dir.resolve(MANIFEST)) ? Optional.of(dir) : Optional.empty();
    }

    /** "On" when the version has a checkpoint, else "Off". */
    public String optimizationStatus(String function, String version) {
        return checkpoint(function, version).isPresent() ? "On" : "Off";
    }

    /** Why the version's optimization failed, if it did. */
    public Optional<String> failure(String function, String version) {
        if (!VERSION.matcher(version).matches()) {
            return Optional.empty();
        }
        Path f = checkpointDir(function, version).resolveSibling(version + ".failed");
        try {
            return Files.isRegularFile(f) ? Optional.of(Files.readString(f, StandardCharsets.UTF_8).strip())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.of("unreadable: " + e.getMessage());
        }
    }

    public void recordFailure(String function, String version, String reason) {
        Path f = checkpointDir(function, version).resolveSibling(version + ".failed");
        try {
            Files.createDirectories(f.getParent());
            Files.writeString(f, reason + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f, e);
        }
    }

    public void deleteVersion(String function, String version) {
        if (VERSION.matcher(version).matches()) {
            Path dir = checkpointDir(function, version);
            deleteTree(dir);
            deleteTree(dir.resolveSibling(version + ".failed"));
        }
    }

    public void deleteFunction(String function) {
        deleteTree(root.resolve(checked(function)));
    }

    /** The name as one safe path component (function names are [a-zA-Z0-9-_]+). */
    private static String checked(String function) {
        FunctionRules.validateName(function);
        return function;
    }

    /** Deletes a file or tree (a snapshot dir); a missing one is fine. */
    public static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + p, e);
        }
    }
}
