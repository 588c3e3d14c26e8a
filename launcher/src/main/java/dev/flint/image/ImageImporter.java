package dev.flint.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One import into the {@link ImageStore}, under the store lock: layers missing from the store
 * are unpacked (two at a time) into {@code layers/.tmp-*}, checked against their digests, opaque
 * directories turned into whiteouts bottom-up, the mountpoints flint needs checked in the merged
 * view, then renamed into {@code layers/<ChainID>/} and listed by the new {@code image.json}.
 * Whatever fails leaves no layer and no image behind.
 */
final class ImageImporter {
    /** Lambda's limit for a container image, unpacked. */
    static final long MAX_IMAGE_BYTES = 10L * 1024 * 1024 * 1024;
    static final long MAX_ENTRIES = 2_000_000;
    /**
     * The kernel takes at most a page of mount options; flint-init builds
     * {@code lowerdir=L1:...:Ln,upperdir=...,workdir=...} in a 4096-byte buffer. Leave room for
     * the upper and work dirs.
     */
    static final int MAX_LOWERDIR_CHARS = 4096 - 256;
    /** Paths flint-init mounts over: each must be a real directory (or absent) in the image. */
    static final List<String> MOUNTPOINTS = List.of("/proc", "/dev", "/tmp", "/run/flint");

    private final ImageStore store;
    private final Consumer<String> progress;

    ImageImporter(ImageStore store, Consumer<String> progress) {
        this.store = store;
        this.progress = progress;
    }

    private record Pending(int index, Path tmp, ImageImport.LayerBlob blob, String chainId) {
    }

    Image run(String name, ImageImport image, Predicate<String> keep) {
        ImageNames.validate(name);
        String what = "image " + name;
        OciManifests.ImageConfigDoc cfg = image.config();
        checkPlatform(what, cfg);
        List<String> diffIds = cfg.diffIds();
        if (image.layers().size() != diffIds.size()) {
            throw new ImageException(what + ": the manifest lists " + image.layers().size()
                    + " layers but the config has " + diffIds.size() + " diff_ids");
        }
        if (diffIds.isEmpty()) {
            throw new ImageException(what + ": the image has no layers");
        }
        ImageConfig config = cfg.toImageConfig();
        List<String> chain = Digests.chainIds(diffIds);
        Path layersDir = store.layersDir();
        int lowerdir = 0;
        for (String c : chain) {
            lowerdir += layersDir.resolve(Digests.hex(c)).resolve(ImageStore.LAYER_ROOTFS).toString().length() + 1;
        }
        if (lowerdir > MAX_LOWERDIR_CHARS) {
            throw new ImageException(what + ": " + chain.size() + " layers are too many for one overlay mount"
                    + " (their paths take " + lowerdir + " of " + MAX_LOWERDIR_CHARS + " characters); squash the"
                    + " image to fewer layers");
        }
        try {
            Files.createDirectories(layersDir);
            try (ImageStore.StoreLock ignored = store.lock()) {
                store.removeStaleTemps();
                return locked(name, what, image, config, chain, keep);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void checkPlatform(String what, OciManifests.ImageConfigDoc cfg) {
        boolean osOk = cfg.os() == null || cfg.os().isEmpty() || OciManifests.OS.equals(cfg.os());
        boolean archOk = cfg.architecture() == null || cfg.architecture().isEmpty()
                || OciManifests.ARCH.equals(cfg.architecture());
        if (!osOk || !archOk) {
            throw new ImageException(what + " is built for " + cfg.os() + "/" + cfg.architecture()
                    + "; flint runs linux/amd64 only");
        }
    }

    private Image locked(String name, String what, ImageImport image, ImageConfig config, List<String> chain,
            Predicate<String> keep) throws IOException {
        Path layersDir = store.layersDir();
        LayerUnpacker.Budget budget = new LayerUnpacker.Budget(MAX_IMAGE_BYTES, MAX_ENTRIES);
        List<Path> roots = new ArrayList<>();
        List<Pending> pending = new ArrayList<>();
        long size = 0;
        for (int i = 0; i < chain.size(); i++) {
            String hex = Digests.hex(chain.get(i));
            Path dir = layersDir.resolve(hex);
            if (store.hasLayer(chain.get(i))) {
                ImageStore.LayerInfo info = ImageStore.JSON.readValue(dir.resolve(ImageStore.LAYER_FILE).toFile(),
                        ImageStore.LayerInfo.class);
                budget.chargeExisting(info.sizeBytes());
                size += info.sizeBytes();
                roots.add(dir.resolve(ImageStore.LAYER_ROOTFS));
                progress.accept("layer " + Digests.shortForm(image.layers().get(i).diffId()) + ": already in the store");
                continue;
            }
            if (image.layers().get(i).opener() == null) {
                throw new ImageException(what + ": layer " + (i + 1) + " is neither in the store nor in the source");
            }
            Path tmp = layersDir.resolve(
                    ImageStore.TMP_PREFIX + hex.substring(0, 12) + "-" + ProcessHandle.current().pid() + "-" + i);
            store.deleteTree(tmp);
            pending.add(new Pending(i, tmp, image.layers().get(i), chain.get(i)));
            roots.add(tmp.resolve(ImageStore.LAYER_ROOTFS));
        }
        if (budget.bytes() > MAX_IMAGE_BYTES) {
            throw new ImageException(what + ": the layers already in the store take " + LayerUnpacker.human(budget.bytes())
                    + ", over " + LayerUnpacker.human(MAX_IMAGE_BYTES));
        }
        boolean done = false;
        try {
            List<LayerUnpacker.Result> results = unpackAll(pending, budget);
            for (int k = 0; k < pending.size(); k++) {
                Pending p = pending.get(k);
                LayerUnpacker.Result r = results.get(k);
                size += r.sizeBytes();
                if (!r.opaqueDirs().isEmpty()) {
                    MergedLayers lower = new MergedLayers(roots.subList(0, p.index()));
                    int n = 0;
                    for (String dir : r.opaqueDirs()) {
                        n += LayerUnpacker.hideLower(p.tmp().resolve(ImageStore.LAYER_ROOTFS), lower, dir);
                    }
                    progress.accept("layer " + Digests.shortForm(p.blob().diffId()) + ": " + r.opaqueDirs().size()
                            + " opaque dir(s) -> " + n + " whiteout(s)");
                }
            }
            MergedLayers merged = new MergedLayers(roots);
            for (String mp : MOUNTPOINTS) {
                Optional<String> bad = merged.nonDirectoryOnPath(mp);
                if (bad.isPresent()) {
                    throw new ImageException(what + ": '" + bad.get() + "' is a symbolic link or a file in the image;"
                            + " flint mounts " + mp + " there, so it must be a directory (or absent)");
                }
            }
            for (int k = 0; k < pending.size(); k++) {
                Pending p = pending.get(k);
                LayerUnpacker.Result r = results.get(k);
                ImageStore.LayerInfo info = new ImageStore.LayerInfo(p.chainId(), name, r.sizeBytes(),
                        Instant.now().toString(), 0, r.diffId());
                ImageStore.JSON.writeValue(p.tmp().resolve(ImageStore.LAYER_FILE).toFile(), info);
                Path dir = layersDir.resolve(Digests.hex(p.chainId()));
                try {
                    Files.move(p.tmp(), dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new ImageException("cannot rename '" + p.tmp() + "' into place", e);
                }
                roots.set(p.index(), dir.resolve(ImageStore.LAYER_ROOTFS));
            }
            Image img = new Image(name, image.digest(), roots, config, created(image.config().created()), size,
                    image.source());
            Optional<Image> old = store.find(name);
            if (old.isPresent() && !old.get().digest().equals(img.digest()) && keep.test(old.get().digest())) {
                String keptName = keptName(name, old.get().digest());
                if (store.find(keptName).isEmpty()) {
                    Image k = old.get();
                    store.write(new Image(keptName, k.digest(), k.layers(), k.config(), k.created(), k.sizeBytes(),
                            k.source()));
                    progress.accept("image " + name + ": the replaced image " + Digests.shortForm(k.digest())
                            + " is still used by functions; kept as '" + keptName + "'");
                }
            }
            store.write(img);
            done = true;
            int gc = store.collectGarbage();
            if (gc > 0) {
                progress.accept("removed " + gc + " unused layer(s)");
            }
            return img;
        } finally {
            if (!done) {
                for (Pending p : pending) {
                    try {
                        store.deleteTree(p.tmp());
                    } catch (RuntimeException e) {
                        // the next import removes leftovers (removeStaleTemps)
                    }
                }
            }
        }
    }

    /** {@code NAME-<12 hex>}, cut so it stays a valid name. */
    static String keptName(String name, String digest) {
        String suffix = "-" + Digests.hex(digest).substring(0, 12);
        String base = name.length() + suffix.length() > 64 ? name.substring(0, 64 - suffix.length()) : name;
        return base + suffix;
    }

    private List<LayerUnpacker.Result> unpackAll(List<Pending> pending, LayerUnpacker.Budget budget)
            throws IOException {
        if (pending.isEmpty()) {
            return List.of();
        }
        int threads = Math.min(pending.size(), Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "image-unpack");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<LayerUnpacker.Result>> futures = new ArrayList<>();
            for (Pending p : pending) {
                futures.add(pool.submit(() -> unpackOne(p, budget)));
            }
            List<LayerUnpacker.Result> out = new ArrayList<>();
            for (Future<LayerUnpacker.Result> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    futures.forEach(x -> x.cancel(true));
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException re) {
                        throw re;
                    }
                    if (c instanceof IOException io) {
                        throw io;
                    }
                    throw new ImageException("unpacking failed: " + c, c);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ImageException("interrupted while unpacking");
                }
            }
            return out;
        } finally {
            // the layers' temp dirs are deleted next: no unpack may still be writing into them
            pool.shutdownNow();
            try {
                pool.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private LayerUnpacker.Result unpackOne(Pending p, LayerUnpacker.Budget budget) throws IOException {
        ImageImport.LayerBlob blob = p.blob();
        String what = "layer " + Digests.shortForm(blob.digest() != null ? blob.digest() : blob.diffId());
        Path rootfs = p.tmp().resolve(ImageStore.LAYER_ROOTFS);
        Files.createDirectories(rootfs);
        Files.setAttribute(p.tmp(), "unix:mode", 0700); // private until it is complete
        long t0 = System.nanoTime();
        LayerUnpacker.Result r;
        try (InputStream in = blob.opener().open()) {
            r = LayerUnpacker.unpack(in, rootfs, budget, what, !blob.verified());
        }
        if (!blob.verified() && blob.digest() != null && !blob.digest().equals(r.rawDigest())) {
            throw new ImageException(what + ": the blob's content has digest " + Digests.shortForm(r.rawDigest())
                    + ", not " + Digests.shortForm(blob.digest()) + " as the manifest says: corrupt or tampered");
        }
        if (!blob.verified() && blob.size() >= 0 && blob.size() != r.rawBytes()) {
            throw new ImageException(what + ": the blob has " + r.rawBytes() + " bytes, not " + blob.size()
                    + " as the manifest says");
        }
        if (!blob.diffId().equals(r.diffId())) {
            throw new ImageException(what + ": the uncompressed layer has digest " + Digests.shortForm(r.diffId())
                    + ", not the config's diff_id " + Digests.shortForm(blob.diffId()) + ": corrupt or tampered");
        }
        Files.setAttribute(p.tmp(), "unix:mode", 0755);
        progress.accept(String.format(Locale.ROOT, "layer %s: unpacked %s (%d entries%s) in %.1f s",
                Digests.shortForm(blob.diffId()), LayerUnpacker.human(r.sizeBytes()), r.entries(),
                r.whiteouts() > 0 ? ", " + r.whiteouts() + " whiteouts" : "", (System.nanoTime() - t0) / 1e9));
        return r;
    }

    private static Instant created(String text) {
        if (text != null) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                // some tools write non-ISO dates; use the import time
            }
        }
        return Instant.now();
    }
}
