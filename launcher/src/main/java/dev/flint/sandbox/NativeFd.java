package dev.flint.sandbox;

import dev.flint.nativeffi.FlintError;
import dev.flint.nativeffi.FlintLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Streams over raw fds handed back by libflint (pipes to and from the sandbox). */
final class NativeFd {
    private NativeFd() {}

    static PipeInputStream input(FlintLibrary lib, int fd) {
        return new PipeInputStream(lib, fd);
    }

    static OutputStream output(FlintLibrary lib, int fd) {
        return new OutputStream() {
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) throws IOException {
                if (closed) {
                    throw new IOException("stdin of the sandbox is closed");
                }
                byte[] buf = off == 0 ? b : java.util.Arrays.copyOfRange(b, off, off + len);
                FlintError err = new FlintError();
                if (lib.flint_write(fd, buf, len, err) < 0) {
                    throw new IOException(err.messageText());
                }
            }

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    lib.flint_close(fd);
                }
            }
        };
    }
}
