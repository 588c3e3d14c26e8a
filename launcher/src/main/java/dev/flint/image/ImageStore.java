package dev.flint.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The image store under one root directory (default {@value #DEFAULT_ROOT}); see
 * {@code package-info.java} for the layout. Thread-safe; builds and removals are also
 * serialised across processes by a lock file.
 */
public final class ImageStore {
    public static final String DEFAULT_ROOT = "/var/lib/flint/images";
    static final String IMAGE_FILE = "image.json";
    static final String LAYER_FILE = "layer.json";
    static final String LAYER_ROOTFS = "rootfs";
    static final String TMP_PREFIX = ".tmp-"; // removeStaleTemps clears what a failed build or import left
    private static final int TAIL_LINES = 20;

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;
    private final Path layersDir;

    public ImageStore() {
        this(Path.of(DEFAULT_ROOT));
    }

    public ImageStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.layersDir = this.root.resolve(ImageNames.LAYERS_DIR);
    }

    public Path root() {
        return root;
    }

    Path layersDir() {
        return layersDir;
    }

    /** Where registry pulls keep verified blobs until their layer is in the store. */
    public Path downloadsDir() {
        return root.resolve(ImageNames.DOWNLOADS_DIR);
    }

    /** Whether the layer with this OCI ChainID is unpacked in the store. */
    public boolean hasLayer(String chainId) {
        return Files.isRegularFile(layersDir.resolve(Digests.hex(chainId)).resolve(LAYER_FILE));
    }

    /** Images whose digest is {@code digest}, by name. */
    public List<Image> findByDigest(String digest) {
        return list().stream().filter(i -> i.digest().equals(digest)).toList();
    }

    /**
     * The image a reference names, as CreateFunction's {@code ImageUri} or {@code flint function
     * create --image} give it: a store name ({@code app}), the reference it was pulled or
     * imported from ({@code 127.0.0.1:5000/app:latest}, also without the default registry or
     * tag), or a digest ({@code sha256:...}, {@code REPO@sha256:...}).
     */
    public Optional<Image> resolve(String ref) {
        if (ref == null || ref.isBlank()) {
            return Optional.empty();
        }
        if (ImageNames.isValid(ref)) {
            Optional<Image> byName = find(ref);
            if (byName.isPresent()) {
                return byName;
            }
        }
        if (Digests.isValid(ref)) {
            return findByDigest(ref).stream().findFirst();
        }
        ImageReference parsed;
        try {
            parsed = ImageReference.parse(ref);
        } catch (ImageException e) {
            return Optional.empty();
        }
        List<Image> all = list();
        if (parsed.digest() != null) {
            return all.stream().filter(i -> i.digest().equals(parsed.digest())).findFirst();
        }
        String canonical = parsed.toString();
        return all.stream().filter(i -> canonical.equals(i.source())).findFirst();
    }

    /**
     * Puts an imported or pulled image into the store as {@code name} (replacing an image of that
     * name): layers are verified by digest and unpacked once (keyed by ChainID, shared with
     * every image that has them). When the replaced image's digest satisfies {@code keep} (a
     * function still runs it), it stays in the store as {@code NAME-<12 hex>}.
     */
    public synchronized Image importImage(String name, ImageImport image, java.util.function.Predicate<String> keep,
            Consumer<String> progress) {
        return new ImageImporter(this, progress).run(name, image, keep);
    }

    /** The image, if built. */
    public Optional<Image> find(String name) {
        ImageNames.validate(name);
        Path file = root.resolve(name).resolve(IMAGE_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(read(file, name));
    }

    /** The image, or {@link ImageNotFoundException} naming the known images and the build command. */
    public Image require(String name) {
        return find(name).orElseThrow(() -> new ImageNotFoundException(name, list().stream().map(Image::name).toList()));
    }

    /** All built images, by name. */
    public List<Image> list() {
        List<Image> images = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return images;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path d : ds) {
                String n = d.getFileName().toString();
                if (ImageNames.isValid(n) && Files.isRegularFile(d.resolve(IMAGE_FILE))) {
                    images.add(read(d.resolve(IMAGE_FILE), n));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        images.sort((a, b) -> a.name().compareTo(b.name()));
        return images;
    }

    /**
     * Removes the image and those of its layers that no other image uses (shared layers, e.g. a
     * base's, are kept while another image still lists them).
     *
     * @return the layer directories that were kept because another image uses them
     */
    public synchronized List<Path> remove(String name) {
        try (StoreLock ignored = lock()) {
            Image image = require(name);
            Path dir = root.resolve(name);
            Files.delete(dir.resolve(IMAGE_FILE));
            deleteTree(dir);
            Set<Path> used = usedLayers();
            List<Path> kept = new ArrayList<>();
            for (Path layer : image.layers()) {
                if (used.contains(layer)) {
                    kept.add(layer);
                }
            }
            collectGarbage(used);
            return kept;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Builds {@code name} from {@code <recipesDir>/<name>/} unless the stored image already has
     * the recipe's digest (then a no-op that says so). Builds the base image first. The build
     * script runs as {@code bash build.sh OUTDIR} in the recipe directory with a time limit,
     * its output streamed line by line to {@code progress}, and env {@code FLINT_IMAGE_NAME},
     * {@code FLINT_BASE_LAYERS} (base layer dirs, bottom to top, ':'-separated) and
     * {@code FLINT_RECIPES_DIR}.
     */
    public synchronized Image build(String name, Path recipesDir, Consumer<String> progress) {
        ImageNames.validate(name);
        try {
            Files.createDirectories(layersDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (StoreLock ignored = lock()) {
            removeStaleTemps();
            return buildLocked(name, recipesDir.toAbsolutePath().normalize(), progress, new ArrayDeque<>());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Image buildLocked(String name, Path recipesDir, Consumer<String> progress, Deque<String> chain)
            throws IOException {
        if (chain.contains(name)) {
            throw new ImageBuildException("recipe '" + name + "': base cycle " + String.join(" -> ", chain) + " -> " + name);
        }
        chain.addLast(name);
        Recipe recipe = Recipe.load(recipesDir, name);
        Image base = recipe.base() == null ? null : buildLocked(recipe.base(), recipesDir, progress, chain);
        chain.removeLast();

        String digest = Recipe.digest(recipesDir, name, base == null ? null : base.digest());
        Optional<Image> existing = find(name);
        if (existing.isPresent() && existing.get().digest().equals(digest)
                && existing.get().layers().stream().allMatch(Files::isDirectory)) {
            progress.accept("image " + name + ": up to date (" + Digests.shortForm(digest) + ")");
            return existing.get();
        }

        Path layerDir = layersDir.resolve(Digests.hex(digest));
        LayerInfo layer;
        if (Files.isRegularFile(layerDir.resolve(LAYER_FILE))) {
            layer = JSON.readValue(layerDir.resolve(LAYER_FILE).toFile(), LayerInfo.class);
            progress.accept("image " + name + ": layer " + Digests.shortForm(digest) + " already present");
        } else {
            layer = buildLayer(recipe, recipesDir, digest, base, layerDir, progress);
        }

        List<Path> layers = new ArrayList<>(base == null ? List.of() : base.layers());
        layers.add(layerDir.resolve(LAYER_ROOTFS));
        ImageConfig config = ImageConfig.layered(base == null ? new ImageConfig(null, null, null, null) : base.config(),
                recipe.env(), recipe.entrypoint(), recipe.cmd(), recipe.workdir());
        long size = layer.sizeBytes() + (base == null ? 0 : base.sizeBytes());
        Image image = new Image(name, digest, layers, config, Instant.parse(layer.created()), size);
        write(image);
        existing.ifPresent(old -> pruneLayers(old.layers()));
        return image;
    }

    private LayerInfo buildLayer(Recipe recipe, Path recipesDir, String digest, Image base, Path layerDir,
            Consumer<String> progress) throws IOException {
        String name = recipe.name();
        Path tmp = layersDir.resolve(TMP_PREFIX + Digests.hex(digest).substring(0, 12) + "-" + ProcessHandle.current().pid());
        deleteTree(tmp);
        Path out = tmp.resolve(LAYER_ROOTFS);
        Files.createDirectories(out);
        progress.accept("image " + name + ": building layer " + Digests.shortForm(digest)
                + (base == null ? "" : " over '" + base.name() + "'"));
        long t0 = System.nanoTime();
        boolean ok = false;
        try {
            runBuildScript(recipe, recipesDir, base, out, progress);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long size = sizeOf(out);
            LayerInfo info = new LayerInfo(digest, name, size, Instant.now().toString(), Math.round(seconds * 10) / 10.0,
                    null);
            JSON.writeValue(tmp.resolve(LAYER_FILE).toFile(), info);
            try {
                Files.move(tmp, layerDir, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new ImageBuildException("cannot rename " + Recipe.quote(tmp) + " into place", e);
            }
            ok = true;
            progress.accept(String.format(Locale.ROOT, "image %s: built layer in %.1f s, %d MB", name, seconds,
                    size / (1024 * 1024)));
            return info;
        } finally {
            if (!ok) {
                deleteTree(tmp);
            }
        }
    }

    private void runBuildScript(Recipe recipe, Path recipesDir, Image base, Path out, Consumer<String> progress)
            throws IOException {
        String name = recipe.name();
        Path dir = recipesDir.resolve(name);
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", dir.resolve(Recipe.BUILD_SCRIPT).toString(), out.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("FLINT_IMAGE_NAME", name);
        pb.environment().put("FLINT_RECIPES_DIR", recipesDir.toString());
        pb.environment().put("FLINT_BASE_LAYERS", base == null ? ""
                : String.join(":", base.layers().stream().map(Path::toString).toList()));
        Process p = pb.start();
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > TAIL_LINES) {
                            tail.removeFirst();
                        }
                    }
                    progress.accept(name + ": " + line);
                }
            } catch (IOException e) {
                // the process went away; its exit status tells
            }
        }, "image-build-" + name);
        reader.setDaemon(true);
        reader.start();
        boolean done;
        try {
            done = p.waitFor(recipe.timeoutSeconds(), TimeUnit.SECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ImageBuildException("image " + name + ": build interrupted");
        }
        String lastLines;
        synchronized (tail) {
            lastLines = String.join("\n  ", tail);
        }
        if (!done) {
            throw new ImageBuildException("image " + name + ": build.sh timed out after " + recipe.timeoutSeconds()
                    + " s; last output:\n  " + lastLines);
        }
        if (p.exitValue() != 0) {
            throw new ImageBuildException("image " + name + ": build.sh exited with status " + p.exitValue()
                    + "; last output:\n  " + lastLines);
        }
    }

    /** Deletes the given layers' directories unless an image still lists them. */
    private void pruneLayers(List<Path> candidates) {
        Set<Path> used = usedLayers();
        for (Path layer : candidates) {
            if (!used.contains(layer)) {
                deleteTree(layer.getParent());
            }
        }
    }

    /**
     * Deletes every layer directory no image lists (left by a removed or replaced image, or by
     * an interrupted import). Only under the store lock: builds and imports hold it while their
     * layers are not yet listed.
     *
     * @return how many layers were deleted
     */
    int collectGarbage() throws IOException {
        return collectGarbage(usedLayers());
    }

    /** {@link #collectGarbage()} with the layers every image lists, already read. */
    private int collectGarbage(Set<Path> usedLayers) throws IOException {
        if (!Files.isDirectory(layersDir)) {
            return 0;
        }
        Set<Path> used = new HashSet<>();
        for (Path l : usedLayers) {
            used.add(l.getParent());
        }
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(layersDir)) {
            for (Path p : ds) {
                if (p.getFileName().toString().matches("[0-9a-f]{64}") && !used.contains(p)) {
                    deleteTree(p);
                    n++;
                }
            }
        }
        return n;
    }

    private Set<Path> usedLayers() {
        Set<Path> used = new HashSet<>();
        for (Image i : list()) {
            used.addAll(i.layers());
        }
        return used;
    }

    void removeStaleTemps() throws IOException {
        // Only called under the store lock: any temp dir now is left over from a dead build.
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(layersDir, TMP_PREFIX + "*")) {
            for (Path p : ds) {
                deleteTree(p);
            }
        }
    }

    // --- JSON -------------------------------------------------------------------------------

    /** On-disk form of an image; layer paths are absolute strings. */
    record StoredImage(String name, String digest, List<String> layers, ImageConfig config, String created,
            long sizeBytes, String source) {
    }

    /**
     * On-disk {@code layers/<hex>/layer.json}. Recipe layers: {@code digest} is the recipe digest.
     * Imported layers: {@code digest} is the layer's OCI ChainID (the directory name) and
     * {@code diffId} the sha256 of its uncompressed tar.
     */
    record LayerInfo(String digest, String image, long sizeBytes, String created, double buildSeconds,
            String diffId) {
    }

    private Image read(Path file, String name) {
        StoredImage s;
        try {
            s = JSON.readValue(file.toFile(), StoredImage.class);
        } catch (JsonProcessingException e) {
            throw new ImageException("corrupt image file " + Recipe.quote(file) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!name.equals(s.name())) {
            throw new ImageException("corrupt image file " + Recipe.quote(file) + ": names '" + s.name() + "'");
        }
        if (s.layers() == null || s.layers().isEmpty()) {
            throw new ImageException("corrupt image file " + Recipe.quote(file) + ": no layers");
        }
        List<Path> layers = new ArrayList<>();
        for (String l : s.layers()) {
            layers.add(checkLayerPath(file, l));
        }
        return new Image(s.name(), s.digest(), layers, s.config() == null ? new ImageConfig(null, null, null, null) : s.config(),
                Instant.parse(s.created()), s.sizeBytes(), s.source());
    }

    /** A layer path must be {@code <root>/layers/<hex>/rootfs}: paths never escape the store. */
    private Path checkLayerPath(Path file, String layer) {
        Path p = Path.of(layer).normalize();
        if (!p.isAbsolute() || !p.startsWith(layersDir) || p.getNameCount() != layersDir.getNameCount() + 2
                || !p.getFileName().toString().equals(LAYER_ROOTFS)
                || !p.getParent().getFileName().toString().matches("[0-9a-f]{64}")) {
            throw new ImageException("corrupt image file " + Recipe.quote(file) + ": layer '" + layer
                    + "' is not a layer of this store (" + layersDir + ")");
        }
        return p;
    }

    void write(Image image) throws IOException {
        Path dir = root.resolve(image.name());
        Files.createDirectories(dir);
        StoredImage s = new StoredImage(image.name(), image.digest(),
                image.layers().stream().map(Path::toString).toList(), image.config(), image.created().toString(),
                image.sizeBytes(), image.source());
        Path tmp = dir.resolve(IMAGE_FILE + ".tmp");
        JSON.writeValue(tmp.toFile(), s);
        Files.move(tmp, dir.resolve(IMAGE_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    // --- files ------------------------------------------------------------------------------

    private static long sizeOf(Path dir) throws IOException {
        AtomicLong total = new AtomicLong();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    total.addAndGet(attrs.size());
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return total.get();
    }

    /**
     * Deletes a tree inside the store. Build scripts may leave mounts behind (mmdebstrap mounts
     * /proc, /sys in its target): those are lazily unmounted first, and {@code rm
     * --one-file-system} never crosses into another file system.
     */
    void deleteTree(Path dir) {
        Path p = dir.toAbsolutePath().normalize();
        if (!p.startsWith(root) || p.equals(root) || p.equals(layersDir)) {
            throw new ImageException("refusing to delete " + Recipe.quote(p) + ": outside the image store");
        }
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        for (Path m : Mounts.under(p)) {
            run(List.of("umount", "-l", m.toString()));
        }
        String err = run(List.of("rm", "-rf", "--one-file-system", "--", p.toString()));
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new ImageException("cannot delete " + Recipe.quote(p) + ": " + err.strip());
        }
    }

    private static String run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageException("interrupted while running " + argv.get(0));
        }
    }

    // --- lock -------------------------------------------------------------------------------

    StoreLock lock() throws IOException {
        Files.createDirectories(root);
        FileChannel ch = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            return new StoreLock(ch, ch.lock());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    record StoreLock(FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }

    /** Mount points at or below a path, deepest first, from /proc/self/mountinfo. */
    static final class Mounts {
        private Mounts() {
        }

        static List<Path> under(Path dir) {
            Path info = Path.of("/proc/self/mountinfo");
            if (!Files.isReadable(info)) {
                return List.of();
            }
            Set<Path> found = new LinkedHashSet<>();
            try {
                for (String line : Files.readAllLines(info)) {
                    String[] f = line.split(" ");
                    if (f.length > 4) {
                        Path mp = Path.of(unescape(f[4]));
                        if (mp.startsWith(dir)) {
                            found.add(mp);
                        }
                    }
                }
            } catch (IOException e) {
                return List.of();
            }
            List<Path> out = new ArrayList<>(found);
            out.sort((a, b) -> b.getNameCount() - a.getNameCount());
            return out;
        }

        /** mountinfo escapes space, tab, newline and backslash as \ooo. */
        static String unescape(String s) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\' && i + 3 < s.length() + 0 && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                } else {
                    b.append(c);
                }
            }
            return b.toString();
        }
    }
}
