package dev.flint.image;

import dev.flint.nativeffi.LibC;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks one untrusted layer tar (plain or gzip) into an empty, private directory, turning it
 * into an overlayfs lower layer. Everything is checked before it is written:
 * <ul>
 * <li>names: no absolute paths, no {@code ..}, no NUL or control characters, bounded lengths;
 * <li>no entry is ever written through a symbolic link: every parent must be a real directory
 *     of this layer (a later entry may replace a directory by a link; the check is per entry);
 * <li>symbolic links whose relative target climbs above the layer root are refused; absolute
 *     targets are kept (they resolve inside the sandbox's root) and are never followed here;
 * <li>hard links must name a regular file earlier in the same layer;
 * <li>character and block devices are refused, FIFOs skipped; setuid/setgid bits dropped;
 * <li>sizes are counted from the headers before any byte is written (a sparse file counts its
 *     full size) against the image's {@link Budget}.
 * </ul>
 * OCI whiteouts become overlayfs whiteouts: {@code .wh.NAME} a character device 0/0 at NAME.
 * Opaque directories ({@code .wh..wh..opq}) are returned, not marked: inside the sandbox's user
 * namespace overlayfs reads neither {@code trusted.overlay.opaque} nor (without the
 * {@code userxattr} mount option) {@code user.overlay.opaque}, so the store turns each into
 * explicit whiteouts of what the layers below hold there ({@link #hideLower}).
 */
final class LayerUnpacker {
    private static final int BUFFER = 256 * 1024;
    private static final int SEGMENT_MAX = 255;
    private static final int PATH_MAX = 4095;
    private static final String WH = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    /** What one image may unpack to, shared by all its layers. */
    static final class Budget {
        private final long maxBytes;
        private final long maxEntries;
        private long bytes;
        private long entries;

        Budget(long maxBytes, long maxEntries) {
            this.maxBytes = maxBytes;
            this.maxEntries = maxEntries;
        }

        synchronized void charge(String what, String entry, long size) {
            if (size > maxBytes - bytes) {
                throw new ImageException(what + ": entry '" + entry + "' (" + human(size) + ") takes the image past "
                        + human(maxBytes) + " unpacked, Lambda's image size limit");
            }
            if (++entries > maxEntries) {
                throw new ImageException(what + ": more than " + maxEntries + " entries in the image");
            }
            bytes += size;
        }

        synchronized void chargeExisting(long size) {
            bytes += size;
        }

        synchronized long bytes() {
            return bytes;
        }
    }

    /**
     * @param diffId    sha256 of the uncompressed tar
     * @param rawDigest sha256 of the bytes read (compressed or not)
     * @param opaqueDirs directories (relative) whose lower content must be hidden
     */
    record Result(String diffId, String rawDigest, long rawBytes, long sizeBytes, long entries, int whiteouts,
            int skipped, List<String> opaqueDirs) {
    }

    private final String what;
    private final Path root;
    private final Budget budget;
    private final byte[] buf = new byte[BUFFER];
    /** Relative paths known to be real directories of this layer. */
    private final Set<String> dirs = new HashSet<>();
    private final Set<String> whiteouts = new HashSet<>();
    private final Set<String> opaque = new LinkedHashSet<>();
    private final List<Object[]> dirTimes = new ArrayList<>();
    private long size;
    private long entries;
    private int skipped;
    private boolean lastComplete = true;
    private String lastName;

    private LayerUnpacker(String what, Path root, Budget budget) {
        this.what = what;
        this.root = root;
        this.budget = budget;
    }

    /**
     * Reads {@code raw} to its end and unpacks it into {@code root} (an existing empty
     * directory). On failure the caller deletes {@code root}.
     *
     * @param what names the layer in messages, e.g. "layer sha256:0123456789ab"
     */
    static Result unpack(InputStream raw, Path root, Budget budget, String what) throws IOException {
        return unpack(raw, root, budget, what, true);
    }

    /** @param hashRaw false when the blob was verified already (a registry download): rawDigest is null */
    static Result unpack(InputStream raw, Path root, Budget budget, String what, boolean hashRaw) throws IOException {
        return new LayerUnpacker(what, root, budget).run(raw, hashRaw);
    }

    private Result run(InputStream rawIn, boolean hashRaw) throws IOException {
        MessageDigest rawMd = hashRaw ? Digests.sha256() : null;
        MessageDigest diffMd = Digests.sha256();
        CountingInputStream counted = new CountingInputStream(hashRaw ? new DigestInputStream(rawIn, rawMd) : rawIn);
        BufferedInputStream sniff = new BufferedInputStream(counted, BUFFER);
        sniff.mark(8);
        byte[] magic = sniff.readNBytes(4);
        sniff.reset();
        InputStream tarBytes;
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            tarBytes = new GZIPInputStream(sniff, BUFFER);
        } else if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
            throw new ImageException(what + ": zstd-compressed layers are not supported; push the image with"
                    + " gzip layers (e.g. skopeo copy --dest-compress-format gzip)");
        } else {
            tarBytes = sniff;
        }
        DigestInputStream diff = new DigestInputStream(tarBytes, diffMd);
        CountingInputStream tarIn = new CountingInputStream(diff);
        TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(tarIn, BUFFER),
                "UTF-8");
        dirs.add("");
        TarArchiveEntry e;
        while ((e = next(tar, tarIn)) != null) {
            if (Thread.currentThread().isInterrupted()) {
                throw new ImageException(what + ": stopped (another layer of the image failed)");
            }
            entry(tar, e);
        }
        // The tar's end blocks and padding, then the compressed stream's trailer: all of it is
        // part of what the digests cover.
        while (diff.read(buf) >= 0) {
            // drain
        }
        while (counted.read(buf) >= 0) {
            // drain
        }
        finishDirectories();
        return new Result(Digests.of(diffMd), hashRaw ? Digests.of(rawMd) : null, counted.count, size, entries,
                whiteouts.size(),
                skipped, List.copyOf(opaque));
    }

    /**
     * The next entry, or null at the end. Some writers (umoci 0.4 among them) end a layer right
     * after the last entry's data, without its padding and the two zero blocks; Go's tar reader,
     * which Docker and containerd use, takes that as the end, and so does this (the layer's
     * DiffID still covers every byte).
     */
    private TarArchiveEntry next(TarArchiveInputStream tar, CountingInputStream in) throws IOException {
        try {
            return tar.getNextEntry();
        } catch (IOException ex) {
            if (in.eof && lastComplete) {
                return null;
            }
            // e.g. corrupt data, or sparse maps of files over 2-8 GB (base-256 or 64-bit offsets),
            // which Commons Compress cannot read: refused either way
            throw new ImageException(what + ": cannot read the tar header " + (lastName == null ? "at the start"
                    : "after entry '" + lastName + "'") + " (" + ex.getMessage() + "); the layer is refused");
        }
    }

    // ---- one entry ---------------------------------------------------------------------------

    private void entry(TarArchiveInputStream tar, TarArchiveEntry e) throws IOException {
        lastComplete = false;
        lastName = e.getName();
        entryBody(tar, e);
        lastComplete = true;
    }

    private void entryBody(TarArchiveInputStream tar, TarArchiveEntry e) throws IOException {
        String shown = e.getName();
        String rel = normalize(shown, "entry");
        if (rel.isEmpty()) {
            return; // "./": the root itself
        }
        int slash = rel.lastIndexOf('/');
        String parent = slash < 0 ? "" : rel.substring(0, slash);
        String base = rel.substring(slash + 1);
        entries++;
        if (base.startsWith(WH)) {
            whiteout(shown, parent, base);
            return;
        }
        if (e.isCharacterDevice() || e.isBlockDevice()) {
            throw new ImageException(what + ": entry '" + shown + "' is a " + (e.isBlockDevice() ? "block" : "character")
                    + " device (" + e.getDevMajor() + "/" + e.getDevMinor() + "); device nodes are not allowed in layers");
        }
        if (e.isFIFO()) {
            skipped++;
            return;
        }
        budget.charge(what, shown, e.isDirectory() || e.isSymbolicLink() || e.isLink() ? 0 : fileSize(e));
        Path p = parentDirs(shown, parent).resolve(base);
        if (e.isDirectory()) {
            MergedLayers.Kind k = MergedLayers.kind(p);
            if (k != MergedLayers.Kind.DIR) {
                if (k != null) {
                    remove(rel, p);
                }
                Files.createDirectory(p);
            }
            dirs.add(rel);
            if (whiteouts.contains(rel)) {
                opaque.add(rel); // a whiteout and a directory of the same name: hide the lower one
            }
            dirTimes.add(new Object[] {p, e.getMode() & 01777, e.getLastModifiedTime()});
            return;
        }
        if (MergedLayers.kind(p) != null) {
            remove(rel, p);
        }
        if (e.isSymbolicLink()) {
            String target = e.getLinkName();
            checkLinkTarget(shown, parent, target);
            Files.createSymbolicLink(p, Path.of(target));
        } else if (e.isLink()) {
            hardLink(shown, p, e.getLinkName());
        } else if (e.isFile()) {
            writeFile(tar, e, p);
        } else {
            throw new ImageException(what + ": entry '" + shown + "' has an unsupported type ('"
                    + (char) e.getLinkFlag() + "')");
        }
    }

    /** Entry data; a broken stream (truncated, corrupt gzip) is the layer's fault, said so. */
    private int readData(TarArchiveInputStream tar, TarArchiveEntry e) {
        try {
            return tar.read(buf);
        } catch (IOException ex) {
            throw new ImageException(what + ": entry '" + e.getName() + "' is truncated or corrupt: " + ex.getMessage());
        }
    }

    private static long fileSize(TarArchiveEntry e) {
        return e.isSparse() ? Math.max(e.getRealSize(), e.getSize()) : e.getSize();
    }

    private void writeFile(TarArchiveInputStream tar, TarArchiveEntry e, Path p) throws IOException {
        long expected = e.getSize();
        long written = 0;
        try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            int n;
            while ((n = readData(tar, e)) > 0) {
                written += n;
                out.write(buf, 0, n);
            }
        }
        if (!e.isSparse() && written != expected) {
            throw new ImageException(what + ": entry '" + e.getName() + "' is truncated (" + written + " of "
                    + expected + " bytes)");
        }
        size += fileSize(e);
        Files.setAttribute(p, "unix:mode", e.getMode() & 0777);
        Files.setLastModifiedTime(p, e.getLastModifiedTime());
    }

    private void hardLink(String shown, Path p, String linkName) throws IOException {
        String target = normalize(linkName, "hard link '" + shown + "' target");
        if (target.isEmpty()) {
            throw new ImageException(what + ": hard link '" + shown + "' has no target");
        }
        int slash = target.lastIndexOf('/');
        String tparent = slash < 0 ? "" : target.substring(0, slash);
        if (!dirs.contains(tparent)) {
            throw new ImageException(what + ": hard link '" + shown + "' points to '" + linkName
                    + "', which is not a file earlier in this layer");
        }
        Path t = root.resolve(target);
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(t, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException ex) {
            throw new ImageException(what + ": hard link '" + shown + "' points to '" + linkName
                    + "', which is not a file earlier in this layer");
        }
        if (!a.isRegularFile()) {
            throw new ImageException(what + ": hard link '" + shown + "' points to '" + linkName
                    + "', which is not a regular file");
        }
        Files.createLink(p, t);
    }

    private void whiteout(String shown, String parent, String base) throws IOException {
        Path dir = parentDirs(shown, parent);
        if (base.equals(OPAQUE)) {
            opaque.add(parent);
            return;
        }
        if (base.startsWith(WH + WH)) {
            skipped++; // other AUFS bookkeeping (.wh..wh.plnk, .wh..wh.aufs): not content
            return;
        }
        String name = base.substring(WH.length());
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw new ImageException(what + ": whiteout '" + shown + "' names no file inside the layer");
        }
        String rel = parent.isEmpty() ? name : parent + "/" + name;
        Path p = dir.resolve(name);
        MergedLayers.Kind k = MergedLayers.kind(p);
        whiteouts.add(rel);
        if (k == MergedLayers.Kind.DIR) {
            opaque.add(rel); // same layer has the directory: it stays, the lower one is hidden
            return;
        }
        if (k != null) {
            return; // a file of this layer stays; it hides the lower one by itself
        }
        LibC.whiteout(p);
    }

    // ---- paths -------------------------------------------------------------------------------

    /** A tar name as a relative path without "." or empty segments; "" for the root. */
    private String normalize(String name, String kind) {
        if (name == null) {
            throw new ImageException(what + ": " + kind + " without a name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new ImageException(what + ": " + kind + " '" + printable(name)
                        + "' contains a control character");
            }
        }
        if (name.startsWith("/") && !name.matches("[/.]+")) { // "/" alone names the root (umoci writes it)
            throw new ImageException(what + ": " + kind + " '" + name + "' is an absolute path");
        }
        if (name.length() > PATH_MAX) {
            throw new ImageException(what + ": " + kind + " '" + name.substring(0, 64) + "...' is longer than "
                    + PATH_MAX + " bytes");
        }
        StringBuilder out = new StringBuilder();
        for (String seg : name.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                throw new ImageException(what + ": " + kind + " '" + name + "' escapes the layer root ('..')");
            }
            if (seg.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > SEGMENT_MAX) {
                throw new ImageException(what + ": " + kind + " '" + name + "' has a name longer than "
                        + SEGMENT_MAX + " bytes");
            }
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(seg);
        }
        return out.toString();
    }

    /**
     * The directory {@code parent} of this layer, created (0755) where missing; refuses to pass
     * through anything that is not a real directory of this layer.
     */
    private Path parentDirs(String shown, String parent) throws IOException {
        if (dirs.contains(parent)) {
            return parent.isEmpty() ? root : root.resolve(parent);
        }
        Path p = root;
        StringBuilder rel = new StringBuilder();
        for (String seg : parent.split("/")) {
            if (rel.length() > 0) {
                rel.append('/');
            }
            rel.append(seg);
            p = p.resolve(seg);
            String r = rel.toString();
            if (dirs.contains(r)) {
                continue;
            }
            MergedLayers.Kind k = MergedLayers.kind(p);
            if (k == null) {
                Files.createDirectory(p);
                Files.setAttribute(p, "unix:mode", 0755);
            } else if (k != MergedLayers.Kind.DIR) {
                boolean link = Files.isSymbolicLink(p);
                throw new ImageException(what + ": entry '" + shown + "' would be written through '" + r + "', which is "
                        + (link ? "a symbolic link" : "not a directory") + " in this layer");
            }
            dirs.add(r);
        }
        return p;
    }

    /**
     * A relative target must stay inside the layer when resolved from the link's directory
     * (absolute targets resolve against the sandbox's root, so they cannot leave it).
     */
    private void checkLinkTarget(String shown, String parent, String target) {
        if (target == null || target.isEmpty()) {
            throw new ImageException(what + ": symbolic link '" + shown + "' has an empty target");
        }
        if (target.indexOf('\0') >= 0 || target.length() > PATH_MAX) {
            throw new ImageException(what + ": symbolic link '" + shown + "' has an invalid target");
        }
        if (target.startsWith("/")) {
            return;
        }
        int depth = parent.isEmpty() ? 0 : parent.split("/").length;
        for (String seg : target.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            depth += seg.equals("..") ? -1 : 1;
            if (depth < 0) {
                throw new ImageException(what + ": symbolic link '" + shown + "' points to '" + target
                        + "', outside the layer root");
            }
        }
    }

    /** Deletes an entry of this layer (a later entry replaces it), never following links. */
    private void remove(String rel, Path p) throws IOException {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            deleteTree(p);
            dirs.removeIf(d -> d.equals(rel) || d.startsWith(rel + "/"));
        } else {
            Files.delete(p);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                try {
                    Files.delete(d);
                } catch (DirectoryNotEmptyException e) {
                    throw new IOException("cannot delete '" + d + "': not empty", e);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Directory modes and times last: creating children changes a directory's mtime. */
    private void finishDirectories() throws IOException {
        for (int i = dirTimes.size() - 1; i >= 0; i--) {
            Object[] d = dirTimes.get(i);
            Path p = (Path) d[0];
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                continue; // replaced later in the layer
            }
            Files.setAttribute(p, "unix:mode", (Integer) d[1]);
            Files.setLastModifiedTime(p, (FileTime) d[2]);
        }
    }

    // ---- opaque directories ------------------------------------------------------------------

    /**
     * Hides what {@code lower} shows at the opaque directory {@code dir} of {@code layerRoot}:
     * a whiteout for every lower name the layer does not have, recursing into directories both
     * have (their lower content must be hidden too). The result under overlayfs equals OCI's
     * opaque directory.
     *
     * @return the number of whiteouts written
     */
    static int hideLower(Path layerRoot, MergedLayers lower, String dir) throws IOException {
        int n = 0;
        for (var child : lower.children(dir).entrySet()) {
            String rel = dir.isEmpty() ? child.getKey() : dir + "/" + child.getKey();
            Path p = layerRoot.resolve(rel);
            MergedLayers.Kind here = MergedLayers.kind(p);
            if (here == null) {
                LibC.whiteout(p);
                n++;
            } else if (here == MergedLayers.Kind.DIR && child.getValue() == MergedLayers.Kind.DIR) {
                n += hideLower(layerRoot, lower, rel);
            }
        }
        return n;
    }

    // ---- helpers -----------------------------------------------------------------------------

    static String human(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1L << 20));
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    /** Counts the bytes read through it and notes the end of the stream. */
    static final class CountingInputStream extends java.io.FilterInputStream {
        long count;
        boolean eof;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            } else {
                eof = true;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            } else if (n < 0) {
                eof = true;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }
}
