package dev.flint.nativeffi;

import com.sun.jna.Structure;

/** {@code flint_exit}: how flint-init ended, with its rusage. */
@Structure.FieldOrder({"code", "signal", "utimeUs", "stimeUs", "maxrssKb"})
public final class FlintExit extends Structure {
    public int code;
    public int signal;
    public long utimeUs;
    public long stimeUs;
    public long maxrssKb;
}
