package dev.flint.function;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds test ZIPs with {@link ZipOutputStream} (independent of flint's own writer) and patches
 * raw header fields that {@code java.util.zip} cannot set: unix modes in the external
 * attributes, flags, names, sizes, EOCD fields.
 */
final class ZipFixtures {

    private ZipFixtures() {}

    /** Ordered name → content; names ending in '/' are directories. */
    static Map<String, byte[]> entries(Object... nameThenContent) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < nameThenContent.length; i += 2) {
            Object c = nameThenContent[i + 1];
            m.put((String) nameThenContent[i],
                    c instanceof byte[] b ? b : c.toString().getBytes(StandardCharsets.UTF_8));
        }
        return m;
    }

    static byte[] zip(Object... nameThenContent) {
        return zip(entries(nameThenContent));
    }

    static byte[] zip(Map<String, byte[]> entries) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream out = new ZipOutputStream(bytes)) {
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    out.putNextEntry(new ZipEntry(e.getKey()));
                    out.write(e.getValue());
                    out.closeEntry();
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path dir, String fileName, byte[] zip) {
        try {
            Path p = dir.resolve(fileName);
            Files.write(p, zip);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- raw patching -----------------------------------------------------------------------

    static ByteBuffer le(byte[] zip) {
        return ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    }

    static int eocd(byte[] zip) {
        for (int i = zip.length - 22; i >= 0; i--) {
            if (le(zip).getInt(i) == 0x06054b50) {
                return i;
            }
        }
        throw new IllegalArgumentException("no EOCD");
    }

    /** Offset of the central header of {@code name}. */
    static int central(byte[] zip, String name) {
        ByteBuffer b = le(zip);
        int e = eocd(zip);
        int pos = b.getInt(e + 16);
        int count = b.getShort(e + 10) & 0xFFFF;
        byte[] want = name.getBytes(StandardCharsets.UTF_8);
        for (int n = 0; n < count; n++) {
            int nameLen = b.getShort(pos + 28) & 0xFFFF;
            int extra = b.getShort(pos + 30) & 0xFFFF;
            int comment = b.getShort(pos + 32) & 0xFFFF;
            if (Arrays.equals(Arrays.copyOfRange(zip, pos + 46, pos + 46 + nameLen), want)) {
                return pos;
            }
            pos += 46 + nameLen + extra + comment;
        }
        throw new IllegalArgumentException("no entry " + name);
    }

    static int local(byte[] zip, String name) {
        return le(zip).getInt(central(zip, name) + 42);
    }

    /** Marks the entry as made on unix with this st_mode (type + permission bits). */
    static byte[] unixMode(byte[] zip, String name, int mode) {
        byte[] z = zip.clone();
        int c = central(z, name);
        le(z).putShort(c + 4, (short) ((3 << 8) | 30)).putInt(c + 38, mode << 16);
        return z;
    }

    /** Renames an entry in both headers; the new name must have the same byte length. */
    static byte[] rename(byte[] zip, String from, String to) {
        byte[] z = zip.clone();
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        if (f.length != t.length) {
            throw new IllegalArgumentException("same length only");
        }
        int c = central(z, from);
        int l = local(z, from);
        System.arraycopy(t, 0, z, c + 46, t.length);
        System.arraycopy(t, 0, z, l + 30, t.length);
        return z;
    }

    /** Renames an entry in the local header only. */
    static byte[] renameLocalOnly(byte[] zip, String from, String to) {
        byte[] z = zip.clone();
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(t, 0, z, local(z, from) + 30, t.length);
        return z;
    }

    static byte[] patchCentral16(byte[] zip, String name, int fieldOffset, int value) {
        byte[] z = zip.clone();
        le(z).putShort(central(z, name) + fieldOffset, (short) value);
        return z;
    }

    static byte[] patchCentral32(byte[] zip, String name, int fieldOffset, long value) {
        byte[] z = zip.clone();
        le(z).putInt(central(z, name) + fieldOffset, (int) value);
        return z;
    }

    static byte[] patchLocal16(byte[] zip, String name, int fieldOffset, int value) {
        byte[] z = zip.clone();
        le(z).putShort(local(z, name) + fieldOffset, (short) value);
        return z;
    }

    static byte[] patchLocal32(byte[] zip, String name, int fieldOffset, long value) {
        byte[] z = zip.clone();
        le(z).putInt(local(z, name) + fieldOffset, (int) value);
        return z;
    }

    static byte[] patchEocd16(byte[] zip, int fieldOffset, int value) {
        byte[] z = zip.clone();
        le(z).putShort(eocd(z) + fieldOffset, (short) value);
        return z;
    }

    static byte[] patchEocd32(byte[] zip, int fieldOffset, long value) {
        byte[] z = zip.clone();
        le(z).putInt(eocd(z) + fieldOffset, (int) value);
        return z;
    }
}
