package dev.flint.function;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict reader of a ZIP's end-of-central-directory record and central directory: entry
 * names, sizes, methods and the external attributes that carry unix modes (upper 16 bits when
 * the entry was made on unix), which {@code java.util.zip} does not expose. Rejects what flint
 * does not support rather than guessing: ZIP64, multi-disk archives, encryption, methods other
 * than stored and deflate, names that are not UTF-8.
 */
final class ZipCentralDirectory {

    static final int EOCD_SIG = 0x06054b50;
    static final int CENTRAL_SIG = 0x02014b50;
    static final int LOCAL_SIG = 0x04034b50;
    static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    static final int EOCD_SIZE = 22;
    static final int CENTRAL_SIZE = 46;
    static final int LOCAL_SIZE = 30;
    static final int METHOD_STORED = 0;
    static final int METHOD_DEFLATED = 8;
    static final int HOST_UNIX = 3;

    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;
    static final int S_IFDIR = 0040000;
    static final int S_IFLNK = 0120000;

    /** One central directory header. Sizes are as declared: never trusted for limits. */
    record Entry(
            String name,
            int versionMadeBy,
            int flags,
            int method,
            long crc,
            long compressedSize,
            long size,
            long externalAttributes,
            long localHeaderOffset,
            byte[] rawName) {

        boolean madeOnUnix() {
            return (versionMadeBy >>> 8) == HOST_UNIX;
        }

        /** The unix mode from the external attributes, or 0 when there is none. */
        int unixMode() {
            return madeOnUnix() ? (int) (externalAttributes >>> 16) & 0xFFFF : 0;
        }
    }

    private final List<Entry> entries;
    private final long centralDirectoryOffset;

    private ZipCentralDirectory(List<Entry> entries, long centralDirectoryOffset) {
        this.entries = entries;
        this.centralDirectoryOffset = centralDirectoryOffset;
    }

    List<Entry> entries() {
        return entries;
    }

    /** Where the central directory starts: every entry's data must end before it. */
    long centralDirectoryOffset() {
        return centralDirectoryOffset;
    }

    static ZipCentralDirectory read(FileChannel channel, int maxEntries) throws IOException {
        long fileSize = channel.size();
        if (fileSize < EOCD_SIZE) {
            throw new CodeValidationException("not a ZIP file: too short for an end of central directory record");
        }
        int tailLength = (int) Math.min(fileSize, EOCD_SIZE + 0xFFFF);
        ByteBuffer tail = readFully(channel, fileSize - tailLength, tailLength);
        int eocd = -1;
        for (int i = tailLength - EOCD_SIZE; i >= 0; i--) {
            if (tail.getInt(i) == EOCD_SIG && i + EOCD_SIZE + u16(tail, i + 20) == tailLength) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw new CodeValidationException("not a ZIP file: no end of central directory record");
        }
        long eocdOffset = fileSize - tailLength + eocd;
        int disk = u16(tail, eocd + 4);
        int cdDisk = u16(tail, eocd + 6);
        int entriesOnDisk = u16(tail, eocd + 8);
        int totalEntries = u16(tail, eocd + 10);
        long cdSize = u32(tail, eocd + 12);
        long cdOffset = u32(tail, eocd + 16);
        boolean zip64Locator = eocd >= 20 && tail.getInt(eocd - 20) == ZIP64_LOCATOR_SIG;
        if (zip64Locator || totalEntries == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL) {
            throw new CodeValidationException("ZIP64 archives are not supported");
        }
        if (disk != 0 || cdDisk != 0 || entriesOnDisk != totalEntries) {
            throw new CodeValidationException("multi-disk (split or spanned) archives are not supported");
        }
        if (totalEntries > maxEntries) {
            throw new CodeValidationException("the archive has " + totalEntries
                    + " entries, more than the limit of " + maxEntries);
        }
        if (cdOffset + cdSize > eocdOffset) {
            throw new CodeValidationException("corrupt archive: the central directory lies outside the file");
        }
        ByteBuffer cd = readFully(channel, cdOffset, (int) cdSize);
        List<Entry> entries = new ArrayList<>(totalEntries);
        int pos = 0;
        for (int n = 0; n < totalEntries; n++) {
            if (pos + CENTRAL_SIZE > cdSize || cd.getInt(pos) != CENTRAL_SIG) {
                throw new CodeValidationException("corrupt archive: central directory header "
                        + n + " is missing or truncated");
            }
            int madeBy = u16(cd, pos + 4);
            int flags = u16(cd, pos + 8);
            int method = u16(cd, pos + 10);
            long crc = u32(cd, pos + 16);
            long csize = u32(cd, pos + 20);
            long usize = u32(cd, pos + 24);
            int nameLen = u16(cd, pos + 28);
            int extraLen = u16(cd, pos + 30);
            int commentLen = u16(cd, pos + 32);
            int diskStart = u16(cd, pos + 34);
            long external = u32(cd, pos + 38);
            long localOffset = u32(cd, pos + 42);
            int next = pos + CENTRAL_SIZE + nameLen + extraLen + commentLen;
            if (next > cdSize) {
                throw new CodeValidationException("corrupt archive: central directory header "
                        + n + " is truncated");
            }
            byte[] rawName = new byte[nameLen];
            cd.get(pos + CENTRAL_SIZE, rawName);
            String name = decodeName(rawName);
            String shown = display(name);
            if ((flags & 0x0041) != 0) {
                throw new CodeValidationException("entry '" + shown + "' is encrypted; encrypted archives are not supported");
            }
            if (csize == 0xFFFFFFFFL || usize == 0xFFFFFFFFL || localOffset == 0xFFFFFFFFL) {
                throw new CodeValidationException("entry '" + shown + "' uses ZIP64 sizes; ZIP64 archives are not supported");
            }
            if (diskStart != 0) {
                throw new CodeValidationException("multi-disk (split or spanned) archives are not supported");
            }
            if (method != METHOD_STORED && method != METHOD_DEFLATED) {
                throw new CodeValidationException("entry '" + shown + "' uses compression method "
                        + method + "; only stored (0) and deflate (8) are supported");
            }
            entries.add(new Entry(name, madeBy, flags, method, crc, csize, usize, external,
                    localOffset, rawName));
            pos = next;
        }
        return new ZipCentralDirectory(List.copyOf(entries), cdOffset);
    }

    /** Strict UTF-8 (also for names without the UTF-8 flag; CP437 names are rejected). */
    static String decodeName(byte[] raw) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new CodeValidationException("an entry name is not valid UTF-8");
        }
    }

    /** A name safe to print: control characters (NUL included) become \xNN. */
    static String display(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    static ByteBuffer readFully(FileChannel channel, long offset, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            int n = channel.read(buf, offset + buf.position());
            if (n < 0) {
                throw new CodeValidationException("corrupt archive: unexpected end of file");
            }
        }
        return buf.flip();
    }

    static int u16(ByteBuffer b, int at) {
        return b.getShort(at) & 0xFFFF;
    }

    static long u32(ByteBuffer b, int at) {
        return b.getInt(at) & 0xFFFFFFFFL;
    }
}
