package dev.flint.nativeffi;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The few libc calls the JDK has no API for, mapped directly (names as in C). Today: mknod, to
 * write overlayfs whiteouts (character devices 0/0) into image layers. Here, unlike the flint_*
 * functions, {@link LastErrorException} is the right tool: a thin libc call sets errno exactly
 * when it fails.
 */
public final class LibC {
    private static final int S_IFCHR = 0020000;

    private interface C extends Library {
        int mknod(String path, int mode, long dev) throws LastErrorException;
    }

    private static volatile C c;

    private LibC() {}

    private static C c() {
        C lib = c;
        if (lib == null) {
            synchronized (LibC.class) {
                if (c == null) {
                    c = Native.load("c", C.class);
                }
                lib = c;
            }
        }
        return lib;
    }

    /**
     * Creates an overlayfs whiteout at {@code path}: a character device with device number 0/0
     * and mode 0 (the form the kernel and {@code images/lib/layer_diff.py} use). Needs
     * CAP_MKNOD (the supervisor runs as root).
     */
    public static void whiteout(Path path) throws IOException {
        try {
            c().mknod(path.toString(), S_IFCHR, 0L);
        } catch (LastErrorException e) {
            throw new IOException("mknod whiteout '" + path + "': errno " + e.getErrorCode()
                    + (e.getErrorCode() == 1 ? " (EPERM: needs root)" : e.getErrorCode() == 17 ? " (EEXIST)" : ""), e);
        }
    }
}
