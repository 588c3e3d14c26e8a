package dev.flint.cli;

import dev.flint.function.FunctionArns;
import dev.flint.function.SnapStartStore;
import dev.flint.invoke.FunctionSpec;
import dev.flint.invoke.InvokeResponse;
import dev.flint.invoke.InvokeService;
import dev.flint.invoke.LogSink;
import dev.flint.invoke.SnapshotCatalog;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Runs invokes in-process for {@code flint invoke} and {@code flint run}: the response payload
 * to stdout (nothing else), log lines to stderr, exit 1 when the function failed.
 */
final class InvokeRunner {
    enum LogType { Stream, Tail, None }

    private InvokeRunner() {}

    static int run(FunctionSpec fn, byte[] payload, int repeat, LogType logType) throws IOException {
        // A published SnapStart version restores from its checkpoint, in-process too.
        SnapStartStore snapStart = new SnapStartStore(Host.stateDir().resolve("snapshots"));
        return run(fn, payload, repeat, logType, f -> snapStart.checkpoint(f.name(), f.version()));
    }

    /** @param snapshots where cold starts find a SnapStart checkpoint to restore */
    static int run(FunctionSpec fn, byte[] payload, int repeat, LogType logType, SnapshotCatalog snapshots)
            throws IOException {
        if (repeat < 1 || repeat > 100_000) {
            throw new IllegalArgumentException("--repeat must be between 1 and 100000");
        }
        Host.requireRoot("invoking a function");
        PrintStream out = System.out;
        PrintStream err = System.err;
        LogSink sink = logType == LogType.Stream ? err::println : line -> {};
        int code = ExitCodes.OK;
        InvokeService.Settings settings = InvokeService.Settings.defaults().withSnapshots(snapshots);
        try (InvokeService service = InvokeService.create(Host.launcher(), Host.runDir(), FunctionArns.region(),
                FunctionArns.account(), settings)) {
            for (int i = 0; i < repeat; i++) {
                InvokeResponse r = service.invoke(fn, payload, sink);
                out.write(r.payload());
                if (repeat > 1 || !endsWithNewline(r.payload())) {
                    out.write('\n');
                }
                out.flush();
                if (logType == LogType.Tail) {
                    err.print(new String(Base64.getDecoder().decode(r.logTail()), StandardCharsets.UTF_8));
                    err.flush();
                }
                if (r.failed()) {
                    code = ExitCodes.FUNCTION_ERROR;
                }
            }
        }
        return code;
    }

    private static boolean endsWithNewline(byte[] b) {
        return b.length > 0 && b[b.length - 1] == '\n';
    }
}
