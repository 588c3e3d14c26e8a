package dev.flint.sandbox;

import java.io.IOException;
import java.nio.file.Path;

/** Rewrites the uid/gid maps in CRIU's userns image so a restore runs under another host range. */
final class UsernsImage {
    private UsernsImage() {}

    static void rebase(Path imageDir, int fromBase, int toBase) throws IOException {
        throw new IOException("not yet");
    }
}
