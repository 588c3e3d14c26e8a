package dev.flint.cli;

import dev.flint.function.CodeArtifact;
import dev.flint.function.CodeStore;
import dev.flint.function.FunctionConfig;
import dev.flint.function.FunctionDefinition;
import dev.flint.function.FunctionDirectory;
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
        FunctionConfig fn = new FunctionConfig(def.name(), def.runtime(), def.handler(), def.memoryMb(),
                def.timeoutSeconds(), def.environment(), def.ephemeralStorageMb(), code.sha256(), code.size(),
                FunctionConfig.LATEST, Instant.now(), def.description(), code.dir());
        return InvokeRunner.run(FunctionSpecs.of(fn, Host.images()), event, repeat, logType);
    }
}
