package dev.flint.nativeffi;

import com.sun.jna.Structure;
import java.nio.charset.StandardCharsets;

/** {@code flint_error}: {stage, errno, message[256]} — fixed-width fields only. */
@Structure.FieldOrder({"stage", "err", "message"})
public final class FlintError extends Structure {
    public int stage;
    public int err;
    public byte[] message = new byte[256];

    /** The NUL-terminated message as a string. */
    public String messageText() {
        int n = 0;
        while (n < message.length && message[n] != 0) {
            n++;
        }
        return new String(message, 0, n, StandardCharsets.UTF_8);
    }
}
