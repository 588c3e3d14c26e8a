package dev.flint.invoke;

import dev.flint.function.FunctionConfig;
import dev.flint.function.FunctionRegistry;
import dev.flint.function.SnapStartStore;
import dev.flint.image.ImageStore;
import java.util.Locale;
import java.util.Optional;

/**
 * PublishVersion's SnapStart step: a version of a function with {@code SnapStart.ApplyOn =
 * PublishedVersions} is optimized (Init + checkpoint) right after it is published, in flint
 * synchronously (Lambda reports State Pending meanwhile). A failure is recorded with the version
 * (its State reads Failed with the reason) and its invokes run a normal Init.
 */
public final class SnapStartPublisher {
    private final FunctionRegistry registry;
    private final ImageStore images;
    private final Snapshotter snapshotter;

    public SnapStartPublisher(FunctionRegistry registry, ImageStore images, Snapshotter snapshotter) {
        this.registry = registry;
        this.images = images;
        this.snapshotter = snapshotter;
    }

    /**
     * Optimizes the version if its function asks for SnapStart and it has no checkpoint yet.
     *
     * @return the result, or empty when SnapStart does not apply
     * @throws Snapshotter.SnapshotException when the optimization failed (also recorded)
     */
    public Optional<Snapshotter.Result> afterPublish(FunctionConfig version, LogSink log) {
        SnapStartStore store = registry.snapStart();
        if (version.isLatest() || !SnapStartStore.PUBLISHED_VERSIONS.equals(store.applyOn(version.name()))
                || store.checkpoint(version.name(), version.version()).isPresent()) {
            return Optional.empty();
        }
        FunctionSpec fn = FunctionSpecs.of(version, images);
        try {
            Snapshotter.Result r = snapshotter.create(fn, store.checkpointDir(version.name(), version.version()), log);
            log.line(String.format(Locale.ROOT, "flint: SnapStart snapshot of %s:%s: Init %.2f ms, checkpoint %.2f ms,"
                    + " %d KB", version.name(), version.version(), r.initNanos() / 1e6,
                    r.manifest().dumpMicros() / 1e3, r.manifest().imageBytes() / 1024));
            return Optional.of(r);
        } catch (Snapshotter.SnapshotException e) {
            store.recordFailure(version.name(), version.version(), e.errorType() + ": " + e.getMessage());
            throw e;
        }
    }
}
