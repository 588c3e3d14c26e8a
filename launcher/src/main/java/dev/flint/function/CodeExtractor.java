package dev.flint.function;

import dev.flint.function.ZipCentralDirectory.Entry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Extracts an untrusted ZIP into an empty, private directory. Everything is checked before or
 * while it is written: names (no {@code ..}, absolute paths, backslashes, drive letters, NUL or
 * other control characters, empty segments), entry types from the unix mode (regular files,
 * directories and symlinks only), duplicates and file/directory clashes, symlink targets
 * (relative, resolving inside the tree even through other symlinks), local headers that
 * disagree with the central directory or overlap, and sizes counted while inflating (total,
 * per-entry ratio, declared size, CRC). Symlinks are created last, so no write can pass through
 * one. Files end up 0444 (0555 when any exec bit was set), directories 0555; setuid, setgid and
 * sticky bits are never kept. On failure the caller deletes the directory.
 */
final class CodeExtractor {

    private static final int BUFFER = 64 * 1024;
    private static final int SYMLINK_TARGET_MAX = 4095;
    private static final int SEGMENT_MAX_BYTES = 255;
    private static final int PATH_MAX_BYTES = 4095;
    private static final int SYMLINK_DEPTH_MAX = 40;
    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

    private enum Kind { FILE, DIR, SYMLINK }

    private record Item(Entry entry, String path, Kind kind, boolean executable, long dataStart) {}

    private final CodeStore.Limits limits;
    private final FileChannel zip;
    private final Path target;
    private long totalBytes;

    private CodeExtractor(CodeStore.Limits limits, FileChannel zip, Path target) {
        this.limits = limits;
        this.zip = zip;
        this.target = target;
    }

    /** Extracts {@code zipFile} into the existing empty directory {@code target}. */
    static void extract(Path zipFile, Path target, CodeStore.Limits limits) throws IOException {
        try (FileChannel channel = FileChannel.open(zipFile, StandardOpenOption.READ)) {
            new CodeExtractor(limits, channel, target).run();
        }
    }

    private void run() throws IOException {
        ZipCentralDirectory cd = ZipCentralDirectory.read(zip, limits.maxEntries());
        List<Item> items = classify(cd);
        checkDeclaredTotal(cd.entries());
        items = locateData(items, cd.centralDirectoryOffset());
        Map<String, String> links = new HashMap<>();
        for (Item item : items) {
            switch (item.kind) {
                case DIR -> Files.createDirectories(target.resolve(item.path));
                case FILE -> writeFile(item);
                case SYMLINK -> links.put(item.path, readLinkTarget(item));
            }
        }
        for (Map.Entry<String, String> link : links.entrySet()) {
            checkLinkStaysInside(link.getKey(), links);
        }
        for (Map.Entry<String, String> link : links.entrySet()) {
            Path at = target.resolve(link.getKey());
            Files.createDirectories(at.getParent());
            Files.createSymbolicLink(at, Path.of(link.getValue()));
        }
        makeDirectoriesReadOnly();
    }

    // ---- names, types, duplicates --------------------------------------------------------

    private List<Item> classify(ZipCentralDirectory cd) {
        List<Item> items = new ArrayList<>();
        Map<String, Kind> byPath = new HashMap<>();
        for (Entry e : cd.entries()) {
            String shown = ZipCentralDirectory.display(e.name());
            Kind kind = kindOf(e, shown);
            String path = normalize(e.name(), shown);
            if (path.isEmpty()) {
                if (kind == Kind.DIR) {
                    continue; // "./" names the root itself
                }
                throw new CodeValidationException("entry '" + shown + "' has no file name");
            }
            if (byPath.putIfAbsent(path, kind) != null) {
                throw new CodeValidationException("duplicate entry '" + shown + "'");
            }
            int mode = e.unixMode();
            boolean executable = kind == Kind.FILE && (mode & 0111) != 0;
            items.add(new Item(e, path, kind, executable, -1));
        }
        // "a/b" must not live under a file or a symlink "a": writes would clash or pass through it
        for (Item item : items) {
            int slash = item.path.indexOf('/');
            while (slash > 0) {
                String parent = item.path.substring(0, slash);
                Kind parentKind = byPath.get(parent);
                if (parentKind == Kind.FILE || parentKind == Kind.SYMLINK) {
                    throw new CodeValidationException("entry '" + item.path + "' is inside '" + parent
                            + "', which is " + (parentKind == Kind.FILE ? "a file" : "a symbolic link"));
                }
                slash = item.path.indexOf('/', slash + 1);
            }
        }
        return items;
    }

    private static Kind kindOf(Entry e, String shown) {
        boolean dirName = e.name().endsWith("/");
        int type = e.unixMode() & ZipCentralDirectory.S_IFMT;
        switch (type) {
            case 0:
                // no unix type (DOS host, or a tool that only stored permission bits)
                return dirName || (!e.madeOnUnix() && (e.externalAttributes() & 0x10) != 0)
                        ? Kind.DIR : Kind.FILE;
            case ZipCentralDirectory.S_IFREG:
                if (dirName) {
                    throw new CodeValidationException("entry '" + shown
                            + "' has a directory name but a regular file mode");
                }
                return Kind.FILE;
            case ZipCentralDirectory.S_IFDIR:
                return Kind.DIR;
            case ZipCentralDirectory.S_IFLNK:
                if (dirName) {
                    throw new CodeValidationException("entry '" + shown
                            + "' has a directory name but a symbolic link mode");
                }
                return Kind.SYMLINK;
            default:
                throw new CodeValidationException("entry '" + shown + "' is a " + typeName(type)
                        + "; only regular files, directories and symbolic links are allowed");
        }
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0020000 -> "character device";
            case 0060000 -> "block device";
            case 0010000 -> "fifo";
            case 0140000 -> "socket";
            default -> "file of unknown type 0" + Integer.toOctalString(type);
        };
    }

    /** The entry's path relative to the root, '/'-separated, without '.' segments. */
    private static String normalize(String name, String shown) {
        if (name.isEmpty()) {
            throw new CodeValidationException("an entry has an empty name");
        }
        if (name.indexOf('\0') >= 0) {
            throw new CodeValidationException("entry '" + shown + "' contains a NUL byte");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new CodeValidationException("entry '" + shown + "' contains a control character");
            }
        }
        if (name.indexOf('\\') >= 0) {
            throw new CodeValidationException("entry '" + shown
                    + "' contains a backslash; entry names must use '/'");
        }
        if (name.startsWith("/")) {
            throw new CodeValidationException("entry '" + shown + "' is an absolute path");
        }
        if (DRIVE.matcher(name).matches()) {
            throw new CodeValidationException("entry '" + shown + "' starts with a drive letter");
        }
        String body = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        List<String> out = new ArrayList<>();
        for (String segment : body.split("/", -1)) {
            if (segment.isEmpty()) {
                throw new CodeValidationException("entry '" + shown + "' has an empty path segment");
            }
            if (segment.equals("..")) {
                throw new CodeValidationException("entry '" + shown + "' escapes the code directory");
            }
            if (segment.equals(".")) {
                continue;
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > SEGMENT_MAX_BYTES) {
                throw new CodeValidationException("entry '" + shown + "' has a name longer than "
                        + SEGMENT_MAX_BYTES + " bytes");
            }
            out.add(segment);
        }
        String path = String.join("/", out);
        if (path.getBytes(StandardCharsets.UTF_8).length > PATH_MAX_BYTES) {
            throw new CodeValidationException("entry '" + shown + "' has a path longer than "
                    + PATH_MAX_BYTES + " bytes");
        }
        return path;
    }

    private void checkDeclaredTotal(List<Entry> entries) {
        long declared = 0;
        for (Entry e : entries) {
            declared += e.size();
        }
        if (declared > limits.maxUnzippedBytes()) {
            throw unzippedTooLarge();
        }
    }

    private CodeValidationException unzippedTooLarge() {
        return new CodeValidationException("Unzipped size must be smaller than "
                + limits.maxUnzippedBytes() + " bytes");
    }

    // ---- local headers --------------------------------------------------------------------

    /** Reads each local header (in file order), checks it and that no two entries' data overlap. */
    private List<Item> locateData(List<Item> items, long cdOffset) throws IOException {
        List<Item> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparingLong(i -> i.entry.localHeaderOffset()));
        List<Item> located = new ArrayList<>(sorted.size());
        long previousEnd = 0;
        for (Item item : sorted) {
            Entry e = item.entry;
            String shown = ZipCentralDirectory.display(e.name());
            long offset = e.localHeaderOffset();
            if (offset < previousEnd) {
                throw new CodeValidationException("entry '" + shown + "' overlaps another entry");
            }
            if (offset + ZipCentralDirectory.LOCAL_SIZE > cdOffset) {
                throw new CodeValidationException("corrupt archive: entry '" + shown
                        + "' has no local header");
            }
            ByteBuffer h = ZipCentralDirectory.readFully(zip, offset, ZipCentralDirectory.LOCAL_SIZE);
            if (h.getInt(0) != ZipCentralDirectory.LOCAL_SIG) {
                throw new CodeValidationException("corrupt archive: entry '" + shown
                        + "' has no local header");
            }
            int flags = ZipCentralDirectory.u16(h, 6);
            int method = ZipCentralDirectory.u16(h, 8);
            int nameLen = ZipCentralDirectory.u16(h, 26);
            int extraLen = ZipCentralDirectory.u16(h, 28);
            if ((flags & 0x0041) != 0) {
                throw new CodeValidationException("entry '" + shown
                        + "' is encrypted; encrypted archives are not supported");
            }
            if (method != e.method()) {
                throw new CodeValidationException("entry '" + shown
                        + "': local header and central directory disagree on the compression method");
            }
            byte[] localName = new byte[nameLen];
            if (offset + ZipCentralDirectory.LOCAL_SIZE + nameLen > cdOffset) {
                throw new CodeValidationException("corrupt archive: entry '" + shown + "' is truncated");
            }
            ZipCentralDirectory.readFully(zip, offset + ZipCentralDirectory.LOCAL_SIZE, nameLen).get(localName);
            if (!Arrays.equals(localName, e.rawName())) {
                throw new CodeValidationException("entry '" + shown
                        + "': local header and central directory disagree on the name");
            }
            long dataStart = offset + ZipCentralDirectory.LOCAL_SIZE + nameLen + extraLen;
            long dataEnd = dataStart + e.compressedSize();
            if (dataEnd > cdOffset) {
                throw new CodeValidationException("corrupt archive: entry '" + shown
                        + "' runs into the central directory");
            }
            previousEnd = dataEnd;
            located.add(new Item(e, item.path, item.kind, item.executable, dataStart));
        }
        return located;
    }

    // ---- data -----------------------------------------------------------------------------

    private void writeFile(Item item) throws IOException {
        Path file = target.resolve(item.path);
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            copyData(item, out);
        }
        Files.setPosixFilePermissions(file,
                PosixFilePermissions.fromString(item.executable ? "r-xr-xr-x" : "r--r--r--"));
    }

    private String readLinkTarget(Item item) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        copyData(item, new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (buf.size() + len > SYMLINK_TARGET_MAX) {
                    throw new CodeValidationException("symbolic link '" + item.path
                            + "' has a target longer than " + SYMLINK_TARGET_MAX + " bytes");
                }
                buf.write(b, off, len);
            }
        });
        String linkTarget = ZipCentralDirectory.decodeName(buf.toByteArray());
        if (linkTarget.isEmpty() || linkTarget.indexOf('\0') >= 0) {
            throw new CodeValidationException("symbolic link '" + item.path
                    + "' has an empty target or one with a NUL byte");
        }
        if (linkTarget.startsWith("/")) {
            throw new CodeValidationException("symbolic link '" + item.path
                    + "' points to the absolute path '" + ZipCentralDirectory.display(linkTarget) + "'");
        }
        return linkTarget;
    }

    /** Copies one entry's data, counting what is produced and never trusting the headers. */
    private void copyData(Item item, OutputStream out) throws IOException {
        Entry e = item.entry;
        String shown = ZipCentralDirectory.display(e.name());
        CRC32 crc = new CRC32();
        long produced = 0;
        long position = item.dataStart;
        long remaining = e.compressedSize();
        byte[] in = new byte[BUFFER];
        if (e.method() == ZipCentralDirectory.METHOD_STORED) {
            if (e.compressedSize() != e.size()) {
                throw new CodeValidationException("corrupt archive: stored entry '" + shown
                        + "' has different compressed and uncompressed sizes");
            }
            while (remaining > 0) {
                int n = read(position, in, (int) Math.min(in.length, remaining));
                position += n;
                remaining -= n;
                produced += n;
                count(n);
                crc.update(in, 0, n);
                out.write(in, 0, n);
            }
        } else {
            Inflater inflater = new Inflater(true);
            byte[] buf = new byte[BUFFER];
            boolean dummyGiven = false;
            try {
                while (!inflater.finished()) {
                    if (inflater.needsInput()) {
                        if (remaining > 0) {
                            int n = read(position, in, (int) Math.min(in.length, remaining));
                            position += n;
                            remaining -= n;
                            inflater.setInput(in, 0, n);
                        } else if (!dummyGiven) {
                            // zlib may want one byte past the end of a raw deflate stream
                            dummyGiven = true;
                            inflater.setInput(new byte[1], 0, 1);
                        } else {
                            throw new CodeValidationException("corrupt archive: entry '" + shown
                                    + "' is truncated");
                        }
                    }
                    int n = inflater.inflate(buf);
                    if (n == 0 && inflater.needsDictionary()) {
                        throw new CodeValidationException("corrupt archive: entry '" + shown
                                + "' needs a preset dictionary");
                    }
                    if (n == 0) {
                        continue;
                    }
                    produced += n;
                    if (produced > e.size()) {
                        throw new CodeValidationException("entry '" + shown
                                + "' inflates to more than its declared size of " + e.size() + " bytes");
                    }
                    if (produced > limits.ratioMinBytes()
                            && produced > (long) limits.maxRatio() * Math.max(1, e.compressedSize())) {
                        throw new CodeValidationException("entry '" + shown
                                + "' has a compression ratio above " + limits.maxRatio()
                                + ":1 (" + e.compressedSize() + " bytes inflate to more than "
                                + produced + "); this looks like a zip bomb");
                    }
                    count(n);
                    crc.update(buf, 0, n);
                    out.write(buf, 0, n);
                }
            } catch (DataFormatException ex) {
                throw new CodeValidationException("corrupt archive: entry '" + shown
                        + "' is not valid deflate data", ex);
            } finally {
                inflater.end();
            }
        }
        if (produced != e.size()) {
            throw new CodeValidationException("corrupt archive: entry '" + shown + "' holds "
                    + produced + " bytes, its header says " + e.size());
        }
        if (crc.getValue() != e.crc()) {
            throw new CodeValidationException("corrupt archive: entry '" + shown + "' fails its CRC check");
        }
    }

    private int read(long position, byte[] into, int length) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(into, 0, length);
        int n = zip.read(b, position);
        if (n <= 0) {
            throw new CodeValidationException("corrupt archive: unexpected end of file");
        }
        return n;
    }

    private void count(long n) {
        totalBytes += n;
        if (totalBytes > limits.maxUnzippedBytes()) {
            throw unzippedTooLarge();
        }
    }

    // ---- symlinks -------------------------------------------------------------------------

    /** Resolves a link inside the archive's own tree, following other links, as the kernel would. */
    private void checkLinkStaysInside(String link, Map<String, String> links) {
        Deque<String> parent = new ArrayDeque<>(Arrays.asList(link.split("/")));
        parent.removeLast();
        resolve(link, links.get(link), parent, links, 0);
    }

    private Deque<String> resolve(String link, String linkTarget, Deque<String> start,
            Map<String, String> links, int depth) {
        if (depth > SYMLINK_DEPTH_MAX) {
            throw new CodeValidationException("symbolic link '" + link
                    + "' is part of a loop or a chain too long to resolve");
        }
        if (linkTarget.startsWith("/")) {
            throw new CodeValidationException("symbolic link '" + link + "' points to the absolute path '"
                    + ZipCentralDirectory.display(linkTarget) + "'");
        }
        Deque<String> at = new ArrayDeque<>(start);
        for (String segment : linkTarget.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (at.isEmpty()) {
                    throw new CodeValidationException("symbolic link '" + link + "' points to '"
                            + ZipCentralDirectory.display(linkTarget) + "', outside the code directory");
                }
                at.removeLast();
                continue;
            }
            at.addLast(segment);
            String here = String.join("/", at);
            String next = links.get(here);
            if (next != null) {
                Deque<String> hereParent = new ArrayDeque<>(at);
                hereParent.removeLast();
                at = resolve(link, next, hereParent, links, depth + 1);
            }
        }
        return at;
    }

    // ---- permissions ----------------------------------------------------------------------

    private void makeDirectoriesReadOnly() throws IOException {
        Set<Path> seen = new HashSet<>();
        Files.walkFileTree(target, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                if (seen.add(dir)) {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
