package dev.flint.invoke;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes ZIPs byte by byte, so tests can make the entries java.util.zip refuses to (any name, any
 * unix mode in the external attributes: symlinks, fifos, devices, setuid bits).
 */
final class ZipBuilder {
    static final int REGULAR = 0100000;
    static final int DIRECTORY = 0040000;
    static final int SYMLINK = 0120000;
    static final int FIFO = 0010000;
    static final int CHAR_DEVICE = 0020000;

    private record Entry(String name, int mode, byte[] data, boolean deflate) {}

    private final List<Entry> entries = new ArrayList<>();

    ZipBuilder file(String name, String text) {
        return entry(name, REGULAR | 0644, text.getBytes(StandardCharsets.UTF_8), false);
    }

    ZipBuilder dir(String name) {
        return entry(name.endsWith("/") ? name : name + "/", DIRECTORY | 0755, new byte[0], false);
    }

    ZipBuilder symlink(String name, String target) {
        return entry(name, SYMLINK | 0777, target.getBytes(StandardCharsets.UTF_8), false);
    }

    ZipBuilder entry(String name, int mode, byte[] data, boolean deflate) {
        entries.add(new Entry(name, mode, data, deflate));
        return this;
    }

    Path write(Path file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        for (Entry e : entries) {
            byte[] name = e.name.getBytes(StandardCharsets.UTF_8);
            CRC32 crc = new CRC32();
            crc.update(e.data);
            byte[] stored = e.deflate ? deflate(e.data) : e.data;
            int method = e.deflate ? 8 : 0;
            int offset = out.size();
            ByteBuffer local = le(30);
            local.putInt(0x04034b50).putShort((short) 20).putShort((short) 0x0800).putShort((short) method)
                    .putShort((short) 0).putShort((short) 0x21)
                    .putInt((int) crc.getValue()).putInt(stored.length).putInt(e.data.length)
                    .putShort((short) name.length).putShort((short) 0);
            out.write(local.array());
            out.write(name);
            out.write(stored);
            ByteBuffer cd = le(46);
            cd.putInt(0x02014b50).putShort((short) ((3 << 8) | 20)).putShort((short) 20).putShort((short) 0x0800)
                    .putShort((short) method).putShort((short) 0).putShort((short) 0x21)
                    .putInt((int) crc.getValue()).putInt(stored.length).putInt(e.data.length)
                    .putShort((short) name.length).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt(e.mode << 16).putInt(offset);
            central.write(cd.array());
            central.write(name);
        }
        int cdOffset = out.size();
        out.write(central.toByteArray());
        ByteBuffer end = le(22);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries.size())
                .putShort((short) entries.size()).putInt(central.size()).putInt(cdOffset).putShort((short) 0);
        out.write(end.array());
        Files.write(file, out.toByteArray());
        return file;
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }
}
