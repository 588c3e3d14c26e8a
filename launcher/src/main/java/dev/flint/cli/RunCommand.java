package dev.flint.cli;

import dev.flint.function.CodeArtifact;
import dev.flint.function.CodeStore;
import dev.flint.function.FunctionConfig;
import dev.flint.function.FunctionDefinition;
import dev.flint.function.FunctionArns;
import dev.flint.function.FunctionDirectory;
import dev.flint.function.SnapStartStore;
import dev.flint.invoke.FunctionSpec;
import dev.flint.invoke.SnapshotCatalog;
import dev.flint.invoke.Snapshotter;
import java.util.Locale;
import java.util.Optional;
import dev.flint.invoke.FunctionSpecs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flint run DIR}: a function directory, one-shot, without creating it first. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a function directory once (no create needed).",
            "Runtime, handler etc. come from DIR/flint.json, or are inferred",
            "(lambda_function.py / app.py with lambda_handler → python3.11; an executable bootstrap →",
            "provided). Prints the response on stdout and the log lines on stderr.",
            "Exit 0 on success, 1 when the function returned or raised an error, 2 for invalid input."})
final class RunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "the function directory")
    Path dir;

    @Mixin
    PayloadMixin payload;

    @Option(names = "--memory", paramLabel = "MB", description = "override the memory size (128–3008)")
    Integer memoryMb;

    @Option(names = "--timeout", paramLabel = "S", description = "override the timeout (1–900 s)")
    Integer timeoutSeconds;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "invoke N times (the 2nd and later reuse the warm env; one payload per line)")
    int repeat;

    @Option(names = "--log-type", paramLabel = "Stream|Tail|None", defaultValue = "Stream",
            description = "Stream (default), Tail (last 4 KB after each invoke) or None")
    InvokeRunner.LogType logType;

    @Option(names = "--no-snap-start",
            description = "ignore flint.json's snapStart: run Init on demand instead of restoring a snapshot")
    boolean noSnapStart;

    @Override
    public Integer call() throws Exception {
        byte[] event = payload.bytes();
        FunctionDefinition def = FunctionDirectory.load(dir);
        if (memoryMb != null) {
            def = def.withMemoryMb(memoryMb);
        }
        if (timeoutSeconds != null) {
            def = def.withTimeoutSeconds(timeoutSeconds);
        }
        Host.requireRoot("flint run");
        CodeArtifact code = new CodeStore(Host.stateDir().resolve("code")).store(def.code());
        boolean snapStart = !noSnapStart
                && FunctionDirectory.SNAP_START_PUBLISHED_VERSIONS.equals(FunctionDirectory.snapStart(dir));
        // SnapStart applies to published versions only: the one-shot run publishes version 1.
        FunctionConfig fn = new FunctionConfig(def.name(), def.runtime(), def.handler(), def.memoryMb(),
                def.timeoutSeconds(), def.environment(), def.ephemeralStorageMb(), code.sha256(), code.size(),
                snapStart ? "1" : FunctionConfig.LATEST, Instant.now(), def.description(), code.dir());
        FunctionSpec spec = FunctionSpecs.of(fn, Host.images());
        if (!snapStart) {
            return InvokeRunner.run(spec, event, repeat, logType, SnapshotCatalog.NONE);
        }
        Path snapshot = Host.stateDir().resolve("snapshots").resolve(".run-" + ProcessHandle.current().pid());
        try {
            System.err.println("flint: SnapStart (flint.json): Init runs once for a snapshot, then the invoke restores"
                    + " it (--no-snap-start to skip)");
            Snapshotter.Result r = new Snapshotter(Host.launcher(), Host.runDir(), FunctionArns.region())
                    .create(spec, snapshot, System.err::println);
            System.err.printf(Locale.ROOT, "flint: snapshot: Init %.2f ms, checkpoint %.2f ms, %d KB%n",
                    r.initNanos() / 1e6, r.manifest().dumpMicros() / 1e3, r.manifest().imageBytes() / 1024);
            return InvokeRunner.run(spec, event, repeat, logType, f -> Optional.of(snapshot));
        } catch (Snapshotter.SnapshotException e) {
            System.err.println("flint: SnapStart snapshot failed: " + e.errorType() + ": " + e.getMessage());
            return ExitCodes.FUNCTION_ERROR;
        } finally {
            SnapStartStore.deleteTree(snapshot);
        }
    }
}
