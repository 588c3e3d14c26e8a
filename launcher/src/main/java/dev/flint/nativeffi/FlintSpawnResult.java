package dev.flint.nativeffi;

import com.sun.jna.Structure;

/** {@code flint_spawn_result}: what a successful spawn hands back. */
@Structure.FieldOrder({"pid", "pidfd", "statusFd", "stdoutFd", "stderrFd", "stdinFd", "cloneNs"})
public final class FlintSpawnResult extends Structure {
    public int pid;
    public int pidfd;
    public int statusFd;
    public int stdoutFd;
    public int stderrFd;
    public int stdinFd;
    public long cloneNs;
}
