package dev.flint.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * Reads the three local forms of an image, without unpacking anything:
 * <ul>
 * <li>an OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/*});
 * <li>an OCI archive: a tar of such a directory ({@code skopeo copy ... oci-archive:FILE});
 * <li>a Docker archive ({@code docker save}: {@code manifest.json}, a config JSON, layer tars),
 *     also the newer form that carries an OCI layout beside {@code manifest.json}.
 * </ul>
 * Archives may be gzip-compressed ({@code docker save | gzip}); they are then decompressed into
 * {@code tempDir} first (tar needs random access). Manifests and configs are verified against
 * their digests here; layer blobs while they are unpacked.
 */
public final class ImageArchives {
    /** OCI annotation naming a manifest in an index ({@code skopeo copy ... oci:DIR:NAME}). */
    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ImageArchives() {
    }

    /** Blob access by archive member name ({@code blobs/sha256/HEX}, {@code manifest.json}, ...). */
    private interface Files2 extends AutoCloseable {
        boolean has(String name);

        InputStream open(String name) throws IOException;

        @Override
        void close() throws IOException;
    }

    /**
     * Opens PATH as a layout directory or an archive.
     *
     * @param ref for layouts with several images, the {@code org.opencontainers.image.ref.name};
     *            for Docker archives with several, one of their RepoTags; else null
     */
    public static ImageImport open(Path path, String ref, Path tempDir) {
        try {
            if (Files.isDirectory(path)) {
                if (!Files.isRegularFile(path.resolve("oci-layout"))) {
                    throw new ImageException("'" + path + "' is a directory without an 'oci-layout' file: not an OCI"
                            + " image layout");
                }
                Files2 dir = new DirFiles(path);
                return fromLayout(dir, "OCI layout '" + path + "'", path.toString(), ref);
            }
            if (!Files.isRegularFile(path)) {
                throw new ImageException("'" + path + "' does not exist (expected an OCI layout directory, an OCI"
                        + " archive or a Docker archive)");
            }
            Path tar = path;
            Path temp = null;
            if (isGzip(path)) {
                Files.createDirectories(tempDir);
                temp = tempDir.resolve(".archive-" + UUID.randomUUID() + ".tar");
                try (InputStream in = new GZIPInputStream(Files.newInputStream(path), 1 << 16);
                        OutputStream out = Files.newOutputStream(temp)) {
                    in.transferTo(out);
                }
                tar = temp;
            }
            TarFiles files;
            try {
                files = new TarFiles(tar, temp);
            } catch (IOException e) {
                if (temp != null) {
                    Files.deleteIfExists(temp);
                }
                throw new ImageException("'" + path + "' is not a tar archive: " + e.getMessage());
            }
            try {
                if (files.has("manifest.json")) {
                    return fromDocker(files, "Docker archive '" + path + "'", path.toString(), ref);
                }
                if (files.has("oci-layout") && files.has("index.json")) {
                    return fromLayout(files, "OCI archive '" + path + "'", path.toString(), ref);
                }
                throw new ImageException("'" + path + "' is a tar archive with neither manifest.json (Docker"
                        + " archive) nor oci-layout and index.json (OCI archive)");
            } catch (RuntimeException e) {
                files.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read '" + path + "'", e);
        }
    }

    private static boolean isGzip(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    // ---- OCI layout ----------------------------------------------------------------------------

    private static ImageImport fromLayout(Files2 files, String what, String source, String ref) throws IOException {
        JsonNode layout = JSON.readTree(small(files, "oci-layout", what));
        if (layout == null || !layout.path("imageLayoutVersion").isTextual()) {
            throw new ImageException(what + ": oci-layout has no imageLayoutVersion");
        }
        Object top = OciManifests.parse(small(files, "index.json", what), OciManifests.OCI_INDEX, what + " index.json");
        if (!(top instanceof OciManifests.Index index)) {
            throw new ImageException(what + ": index.json is not an image index");
        }
        List<OciManifests.Descriptor> candidates = new ArrayList<>();
        for (OciManifests.Descriptor d : index.manifests()) {
            if (ref == null || ref.equals(d.annotation(REF_NAME))) {
                candidates.add(d);
            }
        }
        if (candidates.isEmpty()) {
            throw new ImageException(what + " has no image named '" + ref + "' (names: " + refNames(index) + ")");
        }
        OciManifests.Descriptor chosen;
        if (candidates.size() == 1) {
            chosen = candidates.get(0);
        } else if (candidates.stream().allMatch(d -> d.platform() != null)) {
            chosen = new OciManifests.Index(index.mediaType(), candidates).linuxAmd64(what);
        } else {
            throw new ImageException(what + " holds " + candidates.size() + " images; choose one with --ref NAME"
                    + " (names: " + refNames(index) + ")");
        }
        String imgRef = chosen.annotation(REF_NAME);
        Object doc = OciManifests.parse(blob(files, chosen, what), chosen.mediaType(), what + " manifest "
                + Digests.shortForm(chosen.digest()));
        if (doc instanceof OciManifests.Index nested) {
            chosen = nested.linuxAmd64(what + " index " + Digests.shortForm(chosen.digest()));
            doc = OciManifests.parseManifest(blob(files, chosen, what), chosen.mediaType(), what + " manifest "
                    + Digests.shortForm(chosen.digest()));
        }
        OciManifests.Manifest m = (OciManifests.Manifest) doc;
        OciManifests.ImageConfigDoc config = OciManifests.parseConfig(blob(files, m.config(), what), what + " config");
        List<ImageImport.LayerBlob> layers = new ArrayList<>();
        for (int i = 0; i < m.layers().size(); i++) {
            OciManifests.Descriptor d = m.layers().get(i);
            String name = blobName(d.digest());
            if (!files.has(name)) {
                throw new ImageException(what + ": layer blob " + Digests.shortForm(d.digest()) + " is missing");
            }
            layers.add(new ImageImport.LayerBlob(d.mediaType(), d.digest(), d.size(),
                    i < config.diffIds().size() ? config.diffIds().get(i) : null, () -> files.open(name)));
        }
        return new ImageImport(imgRef == null ? source : source + ":" + imgRef, chosen.digest(), config, layers,
                files);
    }

    private static String refNames(OciManifests.Index index) {
        List<String> names = new ArrayList<>();
        for (OciManifests.Descriptor d : index.manifests()) {
            names.add(d.annotation(REF_NAME) == null ? "(unnamed " + Digests.shortForm(d.digest()) + ")"
                    : d.annotation(REF_NAME));
        }
        return String.join(", ", names);
    }

    private static String blobName(String digest) {
        return "blobs/sha256/" + Digests.hex(digest);
    }

    /** A small blob (manifest, config), verified against its descriptor. */
    private static byte[] blob(Files2 files, OciManifests.Descriptor d, String what) throws IOException {
        String name = blobName(d.digest());
        if (!files.has(name)) {
            throw new ImageException(what + ": blob " + Digests.shortForm(d.digest()) + " is missing");
        }
        byte[] data;
        try (InputStream in = files.open(name)) {
            data = in.readNBytes(OciManifests.MAX_CONFIG_BYTES + 1);
        }
        String actual = Digests.of(data);
        if (!actual.equals(d.digest())) {
            throw new ImageException(what + ": blob " + Digests.shortForm(d.digest()) + " has digest "
                    + Digests.shortForm(actual) + ": corrupt or tampered");
        }
        return data;
    }

    private static byte[] small(Files2 files, String name, String what) throws IOException {
        if (!files.has(name)) {
            throw new ImageException(what + ": missing " + name);
        }
        try (InputStream in = files.open(name)) {
            byte[] b = in.readNBytes(OciManifests.MAX_MANIFEST_BYTES + 1);
            if (b.length > OciManifests.MAX_MANIFEST_BYTES) {
                throw new ImageException(what + ": " + name + " is larger than " + OciManifests.MAX_MANIFEST_BYTES
                        + " bytes");
            }
            return b;
        }
    }

    // ---- Docker archive -----------------------------------------------------------------------

    private static ImageImport fromDocker(Files2 files, String what, String source, String ref) throws IOException {
        JsonNode list = JSON.readTree(small(files, "manifest.json", what));
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new ImageException(what + ": manifest.json is not a non-empty list");
        }
        JsonNode chosen = null;
        List<String> tags = new ArrayList<>();
        for (JsonNode m : list) {
            for (JsonNode t : m.path("RepoTags")) {
                tags.add(t.asText());
                if (ref != null && sameRef(ref, t.asText())) {
                    chosen = m;
                }
            }
        }
        if (ref == null) {
            if (list.size() > 1) {
                throw new ImageException(what + " holds " + list.size() + " images; choose one with --ref TAG (tags: "
                        + String.join(", ", tags) + ")");
            }
            chosen = list.get(0);
        } else if (chosen == null) {
            throw new ImageException(what + " has no image tagged '" + ref + "' (tags: "
                    + (tags.isEmpty() ? "none" : String.join(", ", tags)) + ")");
        }
        String configName = memberName(chosen.path("Config").asText(""), what);
        byte[] configBytes;
        try (InputStream in = files.open(configName)) {
            configBytes = in.readNBytes(OciManifests.MAX_CONFIG_BYTES + 1);
        }
        String configDigest = Digests.of(configBytes);
        String named = digestInName(configName);
        if (named != null && !named.equals(configDigest)) {
            throw new ImageException(what + ": config '" + configName + "' has digest " + Digests.shortForm(configDigest)
                    + ": corrupt or tampered");
        }
        OciManifests.ImageConfigDoc config = OciManifests.parseConfig(configBytes, what + " config");
        List<ImageImport.LayerBlob> layers = new ArrayList<>();
        JsonNode ls = chosen.path("Layers");
        int i = 0;
        for (JsonNode l : ls) {
            String name = memberName(l.asText(""), what);
            String diffId = i < config.diffIds().size() ? config.diffIds().get(i) : null;
            // docker save writes layers uncompressed: the blob digest is the DiffID
            layers.add(new ImageImport.LayerBlob(null, digestInName(name), -1, diffId, () -> files.open(name)));
            i++;
        }
        String tag = chosen.path("RepoTags").path(0).asText(null);
        return new ImageImport(tag == null ? source : source + ":" + tag, configDigest, config, layers, files);
    }

    private static boolean sameRef(String a, String b) {
        try {
            return ImageReference.parse(a).toString().equals(ImageReference.parse(b).toString());
        } catch (ImageException e) {
            return a.equals(b);
        }
    }

    private static String memberName(String name, String what) {
        if (name.isEmpty()) {
            throw new ImageException(what + ": manifest.json names an empty file");
        }
        String n = name.startsWith("./") ? name.substring(2) : name;
        if (n.startsWith("/") || n.contains("..")) {
            throw new ImageException(what + ": manifest.json names '" + name + "', outside the archive");
        }
        return n;
    }

    /** {@code blobs/sha256/HEX} or {@code HEX.json} / {@code HEX/layer.tar}: the digest the name claims, if any. */
    private static String digestInName(String name) {
        String n = name;
        if (n.startsWith("blobs/sha256/")) {
            return "sha256:" + n.substring("blobs/sha256/".length());
        }
        if (n.matches("[0-9a-f]{64}\\.json")) {
            return "sha256:" + n.substring(0, 64);
        }
        return null;
    }

    // ---- file access -----------------------------------------------------------------------------

    private static final class DirFiles implements Files2 {
        private final Path dir;

        DirFiles(Path dir) {
            this.dir = dir;
        }

        @Override
        public boolean has(String name) {
            return Files.isRegularFile(dir.resolve(name), LinkOption.NOFOLLOW_LINKS);
        }

        @Override
        public InputStream open(String name) throws IOException {
            return new BufferedInputStream(Files.newInputStream(dir.resolve(name), LinkOption.NOFOLLOW_LINKS), 1 << 16);
        }

        @Override
        public void close() {
        }
    }

    /**
     * A tar read in place (random access); member names normalised without a leading "./".
     * TarFile only indexes it: each member is read through its own channel from its data offset,
     * because layers are unpacked by several threads at once and TarFile's streams share one
     * channel's position.
     */
    private static final class TarFiles implements Files2 {
        private final Path file;
        private final Path temp;
        private final Map<String, TarArchiveEntry> entries = new HashMap<>();

        TarFiles(Path file, Path temp) throws IOException {
            this.file = file;
            this.temp = temp;
            try (TarFile tar = new TarFile(file)) {
                for (TarArchiveEntry e : tar.getEntries()) {
                    if (!e.isFile() || e.isSparse()) {
                        continue;
                    }
                    String n = e.getName();
                    while (n.startsWith("./")) {
                        n = n.substring(2);
                    }
                    entries.put(n, e);
                }
            }
        }

        @Override
        public boolean has(String name) {
            return entries.containsKey(name);
        }

        @Override
        public InputStream open(String name) throws IOException {
            TarArchiveEntry e = entries.get(name);
            if (e == null) {
                throw new ImageException("archive member '" + name + "' is missing");
            }
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            try {
                ch.position(e.getDataOffset());
            } catch (IOException | RuntimeException ex) {
                ch.close();
                throw ex;
            }
            return new BufferedInputStream(new BoundedStream(Channels.newInputStream(ch), e.getSize()), 1 << 16);
        }

        @Override
        public void close() throws IOException {
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** At most {@code left} bytes of {@code in}; closing it closes {@code in}. */
    private static final class BoundedStream extends java.io.FilterInputStream {
        private long left;

        BoundedStream(InputStream in, long left) {
            super(in);
            this.left = left;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(Math.min(n, left));
            left -= s;
            return s;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), left);
        }
    }
}
