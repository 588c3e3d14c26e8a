package dev.flint.function;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Content-addressed function code under one root (default {@value #DEFAULT_ROOT}): each
 * deployment ZIP is extracted once per CodeSha256 into {@code <root>/<hex sha>/}, read-only
 * (files 0444, or 0555 when executable; directories 0555) so uid 993 can read and execute but
 * nothing can change it. A directory is first packed into a deterministic ZIP
 * ({@link DirectoryPacker}) so its CodeSha256 is stable. A ZIP is first copied into the store
 * while hashing, so the bytes extracted are the bytes hashed.
 *
 * <p>Work happens in {@code <root>/.tmp-*} and lands with one atomic rename; concurrent stores
 * of the same code are safe (the loser discards its copy), and a rejected ZIP leaves nothing
 * behind. ZIP entries are untrusted; see {@link CodeExtractor} for what is rejected. Callers
 * decide when code is unreferenced and {@link #remove} it.
 */
public final class CodeStore {

    public static final String DEFAULT_ROOT = "/var/lib/flint/code";

    /** The limits a package is held to; {@link #DEFAULTS} are Lambda's. */
    public record Limits(
            long maxZippedBytes, long maxUnzippedBytes, int maxEntries, int maxRatio, long ratioMinBytes) {

        /**
         * 50 MB zipped (direct upload), 250 MB unzipped, 10,000 entries, 100:1 per entry. The
         * ratio is only judged once an entry passes 1 MiB: small files (a page of zeros, a
         * padded table) legitimately compress better than 100:1 and cannot be bombs.
         */
        public static final Limits DEFAULTS = new Limits(52_428_800L, 262_144_000L, 10_000, 100, 1L << 20);
    }

    static final String TMP_PREFIX = ".tmp-";
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{64}");

    private final Path root;
    private final Limits limits;

    public CodeStore() {
        this(Path.of(DEFAULT_ROOT));
    }

    public CodeStore(Path root) {
        this(root, Limits.DEFAULTS);
    }

    public CodeStore(Path root, Limits limits) {
        this.root = root;
        this.limits = limits;
    }

    public Path root() {
        return root;
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Stores a directory or a ZIP (a JAR is a ZIP) and returns its CodeSha256, ZIP size and
     * extracted directory; code already in the store is not extracted again.
     *
     * @throws CodeValidationException the package is hostile, corrupt or over a limit
     * @throws RequestTooLargeException the ZIP is over 50 MB
     * @throws InvalidParameterValueException the path is neither a directory nor a file
     */
    public CodeArtifact store(Path dirOrZip) {
        try {
            createRoot();
            Path zip = root.resolve(TMP_PREFIX + UUID.randomUUID() + ".zip");
            try {
                if (Files.isDirectory(dirOrZip)) {
                    DirectoryPacker.pack(dirOrZip.toRealPath(), zip, limits);
                } else if (Files.isRegularFile(dirOrZip)) {
                    copyLimited(dirOrZip, zip);
                } else {
                    throw new InvalidParameterValueException("Code path '" + dirOrZip
                            + "' is neither a directory nor a ZIP file");
                }
                long size = Files.size(zip);
                String sha = Base64.getEncoder().encodeToString(sha256(zip));
                Path dir = root.resolve(toHex(sha));
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    extractInto(zip, dir);
                }
                return new CodeArtifact(sha, size, dir);
            } finally {
                Files.deleteIfExists(zip);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("code store: cannot store '" + dirOrZip + "'", e);
        }
    }

    /**
     * The deployment ZIP of a directory (packed as {@link #store} packs it, so its CodeSha256 is
     * the same) or of a ZIP file, as bytes: what a client sends as CreateFunction's ZipFile.
     */
    public static byte[] zipBytes(Path dirOrZip) {
        try {
            if (Files.isRegularFile(dirOrZip)) {
                if (Files.size(dirOrZip) > Limits.DEFAULTS.maxZippedBytes()) {
                    throw new RequestTooLargeException("Zipped size must be smaller than "
                            + Limits.DEFAULTS.maxZippedBytes() + " bytes");
                }
                return Files.readAllBytes(dirOrZip);
            }
            if (!Files.isDirectory(dirOrZip)) {
                throw new InvalidParameterValueException("Code path '" + dirOrZip + "' is neither a directory nor a ZIP file");
            }
            Path zip = Files.createTempFile("flint-code-", ".zip");
            try {
                DirectoryPacker.pack(dirOrZip.toRealPath(), zip, Limits.DEFAULTS);
                return Files.readAllBytes(zip);
            } finally {
                Files.deleteIfExists(zip);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pack '" + dirOrZip + "'", e);
        }
    }

    /** The extracted directory of a CodeSha256 (base64, or 64 hex digits), if stored. */
    public Optional<Path> find(String sha) {
        Path dir = root.resolve(toHex(sha));
        return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) ? Optional.of(dir) : Optional.empty();
    }

    /** Where the code with this CodeSha256 is (or would be) extracted. */
    public Path dirFor(String sha) {
        return root.resolve(toHex(sha));
    }

    /**
     * Removes the extracted code of a CodeSha256; the caller knows no function uses it.
     * The directory disappears with one rename, then is deleted.
     *
     * @return whether it was there
     */
    public boolean remove(String sha) {
        Path dir = root.resolve(toHex(sha));
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Path doomed = root.resolve(TMP_PREFIX + "rm-" + UUID.randomUUID());
        try {
            Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
            FileTrees.deleteTree(doomed);
            return true;
        } catch (java.nio.file.NoSuchFileException e) {
            return false; // removed concurrently
        } catch (IOException e) {
            throw new UncheckedIOException("code store: cannot remove '" + dir + "'", e);
        }
    }

    /** The lowercase hex form of a CodeSha256 given as base64 (AWS) or hex. */
    public static String toHex(String sha) {
        if (sha != null && HEX.matcher(sha).matches()) {
            return sha.toLowerCase(java.util.Locale.ROOT);
        }
        byte[] raw;
        try {
            raw = sha == null ? new byte[0] : Base64.getDecoder().decode(sha);
        } catch (IllegalArgumentException e) {
            raw = new byte[0];
        }
        if (raw.length != 32) {
            throw new InvalidParameterValueException("'" + sha
                    + "' is not a CodeSha256 (base64 or hex of 32 bytes)");
        }
        return HexFormat.of().formatHex(raw);
    }

    /** AWS's CodeSha256 of a file: base64 of its SHA-256. */
    public static String codeSha256(Path zip) throws IOException {
        return Base64.getEncoder().encodeToString(sha256(zip));
    }

    private void createRoot() throws IOException {
        if (!Files.isDirectory(root)) {
            Files.createDirectories(root);
            // uid 993 must traverse the root to reach its code
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private void extractInto(Path zip, Path dir) throws IOException {
        Path tmp = Files.createTempDirectory(root, TMP_PREFIX); // 0700 until it is complete
        try {
            CodeExtractor.extract(zip, tmp, limits);
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("code store: rename within '" + root + "' is not atomic", e);
            } catch (FileSystemException e) {
                // rename(2) onto a non-empty directory fails with ENOTEMPTY or EEXIST, which the
                // JDK reports as a plain FileSystemException: a concurrent store of the same code won
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    throw e;
                }
                FileTrees.deleteTree(tmp);
            }
        } catch (IOException | RuntimeException | Error e) {
            FileTrees.deleteQuietly(tmp, e);
            throw e;
        }
    }

    /** Copies a user's ZIP into the store, refusing it as soon as it passes the zipped limit. */
    private void copyLimited(Path from, Path to) throws IOException {
        long copied = 0;
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(from);
                OutputStream out = Files.newOutputStream(to, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                copied += n;
                if (copied > limits.maxZippedBytes()) {
                    throw new RequestTooLargeException("Zipped code size is over "
                            + limits.maxZippedBytes() + " bytes, Lambda's direct upload limit");
                }
                out.write(buf, 0, n);
            }
        }
    }

    private static byte[] sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }
}
