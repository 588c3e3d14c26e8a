package dev.flint.function;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Packs a directory into a deterministic ZIP, so the same tree always gets the same CodeSha256:
 * entries sorted by name, every timestamp 1980-01-01 00:00, modes normalised to 0644/0755 for
 * files (only "owner may execute" is kept), 0755 for directories and 0777 for symlinks, stored
 * as unix modes in the external attributes; symlinks are stored, not followed; no extra fields.
 * The same bytes also need the same zlib, which every JDK on one host shares.
 */
final class DirectoryPacker {

    private static final int DOS_DATE_1980_01_01 = (1 << 5) | 1;
    private static final int DOS_TIME_MIDNIGHT = 0;
    private static final int FLAG_UTF8 = 0x0800;
    private static final int VERSION_NEEDED = 20;
    private static final int VERSION_MADE_BY = (ZipCentralDirectory.HOST_UNIX << 8) | VERSION_NEEDED;

    private record Source(String name, Path path, BasicFileAttributes attrs) {}

    private final CodeStore.Limits limits;
    private final FileChannel out;
    private final ByteArrayOutputStream central = new ByteArrayOutputStream();
    private int count;

    private DirectoryPacker(CodeStore.Limits limits, FileChannel out) {
        this.limits = limits;
        this.out = out;
    }

    /** Packs {@code dir} into the new file {@code zip}. */
    static void pack(Path dir, Path zip, CodeStore.Limits limits) throws IOException {
        List<Source> sources = collect(dir, limits);
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            DirectoryPacker packer = new DirectoryPacker(limits, channel);
            for (Source s : sources) {
                packer.add(s);
            }
            packer.finish();
        }
    }

    private static List<Source> collect(Path dir, CodeStore.Limits limits) throws IOException {
        List<Source> sources = new ArrayList<>();
        long[] total = {0};
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                if (!d.equals(dir)) {
                    add(new Source(nameOf(d) + "/", d, attrs));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                if (attrs.isOther()) {
                    throw new CodeValidationException("cannot pack '" + nameOf(f)
                            + "': not a regular file, directory or symbolic link");
                }
                if (attrs.isRegularFile()) {
                    total[0] += attrs.size();
                    if (total[0] > limits.maxUnzippedBytes()) {
                        throw new CodeValidationException("Unzipped size must be smaller than "
                                + limits.maxUnzippedBytes() + " bytes");
                    }
                }
                add(new Source(nameOf(f), f, attrs));
                return FileVisitResult.CONTINUE;
            }

            private void add(Source s) {
                sources.add(s);
                if (sources.size() > limits.maxEntries()) {
                    throw new CodeValidationException("the directory has more than "
                            + limits.maxEntries() + " entries, the limit");
                }
            }

            private String nameOf(Path p) {
                List<String> parts = new ArrayList<>();
                for (Path part : dir.relativize(p)) {
                    parts.add(part.toString());
                }
                return String.join("/", parts);
            }
        });
        sources.sort(Comparator.comparing(Source::name));
        return sources;
    }

    private void add(Source s) throws IOException {
        byte[] name = s.name.getBytes(StandardCharsets.UTF_8);
        long offset = out.position();
        int mode;
        int method;
        byte[] inline = null;
        if (s.attrs.isDirectory()) {
            mode = 0040755;
            method = ZipCentralDirectory.METHOD_STORED;
            inline = new byte[0];
        } else if (s.attrs.isSymbolicLink()) {
            mode = 0120777;
            method = ZipCentralDirectory.METHOD_STORED;
            inline = Files.readSymbolicLink(s.path).toString().getBytes(StandardCharsets.UTF_8);
        } else {
            boolean exec = Files.getPosixFilePermissions(s.path, LinkOption.NOFOLLOW_LINKS)
                    .contains(PosixFilePermission.OWNER_EXECUTE);
            mode = exec ? 0100755 : 0100644;
            method = ZipCentralDirectory.METHOD_DEFLATED;
        }
        write(localHeader(name, method, 0, 0, 0));
        long crc;
        long csize;
        long usize;
        if (inline != null) {
            CRC32 c = new CRC32();
            c.update(inline);
            write(ByteBuffer.wrap(inline));
            crc = c.getValue();
            csize = inline.length;
            usize = inline.length;
        } else {
            long[] r = deflate(s.path);
            crc = r[0];
            csize = r[1];
            usize = r[2];
        }
        // patch crc and sizes into the local header
        ByteBuffer patch = le(12).putInt((int) crc).putInt((int) csize).putInt((int) usize).flip();
        out.write(patch, offset + 14);
        ByteBuffer c = le(ZipCentralDirectory.CENTRAL_SIZE + name.length)
                .putInt(ZipCentralDirectory.CENTRAL_SIG)
                .putShort((short) VERSION_MADE_BY)
                .putShort((short) VERSION_NEEDED)
                .putShort((short) FLAG_UTF8)
                .putShort((short) method)
                .putShort((short) DOS_TIME_MIDNIGHT)
                .putShort((short) DOS_DATE_1980_01_01)
                .putInt((int) crc)
                .putInt((int) csize)
                .putInt((int) usize)
                .putShort((short) name.length)
                .putShort((short) 0) // extra
                .putShort((short) 0) // comment
                .putShort((short) 0) // disk
                .putShort((short) 0) // internal attributes
                .putInt((mode << 16) | (s.attrs.isDirectory() ? 0x10 : 0))
                .putInt((int) offset)
                .put(name);
        central.write(c.array());
        count++;
    }

    private long[] deflate(Path file) throws IOException {
        CRC32 crc = new CRC32();
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        byte[] in = new byte[64 * 1024];
        byte[] buf = new byte[64 * 1024];
        long csize = 0;
        long usize = 0;
        try (InputStream is = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            int n;
            while ((n = is.read(in)) > 0) {
                crc.update(in, 0, n);
                usize += n;
                deflater.setInput(in, 0, n);
                while (!deflater.needsInput()) {
                    int m = deflater.deflate(buf);
                    write(ByteBuffer.wrap(buf, 0, m));
                    csize += m;
                }
            }
            deflater.finish();
            while (!deflater.finished()) {
                int m = deflater.deflate(buf);
                write(ByteBuffer.wrap(buf, 0, m));
                csize += m;
            }
        } finally {
            deflater.end();
        }
        return new long[] {crc.getValue(), csize, usize};
    }

    private void finish() throws IOException {
        long cdOffset = out.position();
        byte[] cd = central.toByteArray();
        write(ByteBuffer.wrap(cd));
        write(le(ZipCentralDirectory.EOCD_SIZE)
                .putInt(ZipCentralDirectory.EOCD_SIG)
                .putShort((short) 0)
                .putShort((short) 0)
                .putShort((short) count)
                .putShort((short) count)
                .putInt(cd.length)
                .putInt((int) cdOffset)
                .putShort((short) 0)
                .flip());
    }

    private static ByteBuffer localHeader(byte[] name, int method, long crc, long csize, long usize) {
        return le(ZipCentralDirectory.LOCAL_SIZE + name.length)
                .putInt(ZipCentralDirectory.LOCAL_SIG)
                .putShort((short) VERSION_NEEDED)
                .putShort((short) FLAG_UTF8)
                .putShort((short) method)
                .putShort((short) DOS_TIME_MIDNIGHT)
                .putShort((short) DOS_DATE_1980_01_01)
                .putInt((int) crc)
                .putInt((int) csize)
                .putInt((int) usize)
                .putShort((short) name.length)
                .putShort((short) 0)
                .put(name)
                .flip();
    }

    private void write(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
        if (out.position() > limits.maxZippedBytes()) {
            throw new RequestTooLargeException("the directory packs to more than "
                    + limits.maxZippedBytes() + " bytes zipped, Lambda's direct upload limit");
        }
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
