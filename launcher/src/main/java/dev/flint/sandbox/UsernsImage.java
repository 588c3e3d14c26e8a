package dev.flint.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * CRIU's {@code userns-N.img}, rewritten so that a restore runs under another host uid range
 * than the dumped sandbox did (two restores of one snapshot must not share host uids). The file
 * is two magic words, then entries of {@code u32 length + protobuf userns_entry} (CRIU's
 * images/userns.proto: {@code repeated uid_gid_extent uid_map = 1, gid_map = 2}; an extent is
 * {@code first = 1, lower_first = 2, count = 3}). Only {@code lower_first} changes. Mount options
 * and creds in the other images are stored inside-relative, so this one file is enough
 * (host-measurements part 2 §1.5).
 */
final class UsernsImage {
    static final int IMG_COMMON_MAGIC = 0x54564319;
    static final int USERNS_MAGIC = 0x55474906;

    private UsernsImage() {}

    /** An id mapping: inside ids first..first+count-1 are host ids lowerFirst.. onward. */
    record Extent(long first, long lowerFirst, long count) {}

    /** Writes every userns image of {@code from}, rebased, into {@code to} (the snapshot is never changed). */
    static void rebase(Path from, Path to, int fromBase, int toBase) throws IOException {
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(from, "userns-*.img")) {
            for (Path f : files) {
                byte[] out = rebase(Files.readAllBytes(f), fromBase, toBase, f.toString());
                Path tmp = to.resolve(f.getFileName() + ".tmp");
                Files.write(tmp, out);
                Files.move(tmp, to.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                n++;
            }
        }
        if (n == 0) {
            throw new IOException("no userns-*.img in " + from + ": the checkpoint has no user namespace");
        }
    }

    static byte[] rebase(byte[] image, int fromBase, int toBase, String name) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        if (image.length < 8 || in.getInt() != IMG_COMMON_MAGIC || in.getInt() != USERNS_MAGIC) {
            throw new IOException(name + " is not a CRIU userns image");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(image.length + 16);
        out.write(image, 0, 8);
        while (in.remaining() > 0) {
            if (in.remaining() < 4) {
                throw new IOException(name + ": truncated entry header");
            }
            int len = in.getInt();
            if (len < 0 || len > in.remaining()) {
                throw new IOException(name + ": entry of " + len + " bytes with " + in.remaining() + " left");
            }
            byte[] entry = new byte[len];
            in.get(entry);
            List<List<Extent>> maps = decodeEntry(entry, name);
            List<Extent> uid = shift(maps.get(0), fromBase, toBase);
            List<Extent> gid = shift(maps.get(1), fromBase, toBase);
            byte[] encoded = encodeEntry(uid, gid);
            out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(encoded.length).array());
            out.write(encoded);
        }
        return out.toByteArray();
    }

    private static List<Extent> shift(List<Extent> map, int fromBase, int toBase) {
        List<Extent> out = new ArrayList<>();
        for (Extent e : map) {
            boolean ours = e.lowerFirst >= fromBase && e.lowerFirst < fromBase + (long) UidRanges.SIZE;
            out.add(ours ? new Extent(e.first, e.lowerFirst - fromBase + toBase, e.count) : e);
        }
        return out;
    }

    /** [uid_map, gid_map] of one userns_entry. */
    static List<List<Extent>> decodeEntry(byte[] entry, String name) throws IOException {
        List<Extent> uid = new ArrayList<>();
        List<Extent> gid = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(entry);
        while (b.hasRemaining()) {
            long key = varint(b, name);
            if ((key & 7) != 2 || (key >> 3) < 1 || (key >> 3) > 2) {
                throw new IOException(name + ": unexpected field " + (key >> 3) + " (wire type " + (key & 7) + ")");
            }
            int len = (int) varint(b, name);
            if (len < 0 || len > b.remaining()) {
                throw new IOException(name + ": extent of " + len + " bytes");
            }
            ByteBuffer x = b.slice();
            x.limit(len);
            b.position(b.position() + len);
            long[] f = new long[4];
            while (x.hasRemaining()) {
                long k = varint(x, name);
                if ((k & 7) != 0 || (k >> 3) < 1 || (k >> 3) > 3) {
                    throw new IOException(name + ": unexpected extent field " + (k >> 3));
                }
                f[(int) (k >> 3)] = varint(x, name);
            }
            ((key >> 3) == 1 ? uid : gid).add(new Extent(f[1], f[2], f[3]));
        }
        return List.of(uid, gid);
    }

    static byte[] encodeEntry(List<Extent> uid, List<Extent> gid) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int field = 1; field <= 2; field++) {
            for (Extent e : field == 1 ? uid : gid) {
                ByteArrayOutputStream x = new ByteArrayOutputStream();
                putVarint(x, 1 << 3);
                putVarint(x, e.first);
                putVarint(x, 2 << 3);
                putVarint(x, e.lowerFirst);
                putVarint(x, 3 << 3);
                putVarint(x, e.count);
                putVarint(out, (field << 3) | 2);
                putVarint(out, x.size());
                out.writeBytes(x.toByteArray());
            }
        }
        return out.toByteArray();
    }

    private static long varint(ByteBuffer b, String name) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!b.hasRemaining()) {
                throw new IOException(name + ": truncated varint");
            }
            int c = b.get() & 0xff;
            v |= (long) (c & 0x7f) << shift;
            if ((c & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException(name + ": varint too long");
    }

    private static void putVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
