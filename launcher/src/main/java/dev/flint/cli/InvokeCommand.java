package dev.flint.cli;

import dev.flint.function.FunctionConfig;
import dev.flint.function.FunctionRegistry;
import dev.flint.invoke.FunctionSpecs;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flint invoke NAME}: a synchronous invoke of a created function, in-process. */
@Command(name = "invoke", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Invoke a created function (RequestResponse).",
            "In this process: cold start on the first invoke,",
            "warm env reuse for --repeat. stdout: exactly the response payload (the error JSON when the",
            "function failed); stderr: the log lines (START, the function's output, END, REPORT).",
            "Exit 0 on success, 1 when the function returned or raised an error, 2 for invalid input.",
            "When flint serve runs, the invoke goes through it (its warm envs; the log is the 4 KB tail)."})
final class InvokeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "the function's name")
    String name;

    @Option(names = "--qualifier", paramLabel = "VERSION|ALIAS",
            description = "a published version or an alias (default: $LATEST); a SnapStart version's cold start"
                    + " restores its snapshot")
    String qualifier;

    @Mixin
    PayloadMixin payload;

    @Option(names = "--log-type", paramLabel = "Stream|Tail|None", defaultValue = "Stream",
            description = "Stream: log lines to stderr as they happen (default); Tail: the last 4 KB after the"
                    + " invoke, as Lambda's LogType=Tail; None: no log lines")
    InvokeRunner.LogType logType;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "invoke N times in a row (the 2nd and later reuse the warm env; one payload per line)")
    int repeat;

    @Override
    public Integer call() throws Exception {
        byte[] event = payload.bytes();
        Optional<DaemonClient> daemon = DaemonClient.find(Host.runDir());
        if (daemon.isPresent()) {
            return viaDaemon(daemon.get(), event);
        }
        FunctionConfig fn;
        try (FunctionRegistry registry = new FunctionRegistry(Host.stateDir())) {
            fn = qualifier == null ? registry.require(name)
                    : registry.resolve(name, qualifier).pickVersion(java.util.concurrent.ThreadLocalRandom.current());
        }
        return InvokeRunner.run(FunctionSpecs.of(fn, Host.images()), event, repeat, logType);
    }

    /** Through flint serve's Invoke API: the log comes back as the 4 KB tail (there is no stream). */
    private int viaDaemon(DaemonClient daemon, byte[] event) {
        int code = ExitCodes.OK;
        Map<String, String> headers = logType == InvokeRunner.LogType.None
                ? Map.of() : Map.of("X-Amz-Log-Type", "Tail");
        for (int i = 0; i < repeat; i++) {
            HttpResponse<byte[]> r = daemon.send("POST", "/2015-03-31/functions/" + DaemonClient.path(name)
                    + "/invocations" + (qualifier == null ? "" : "?Qualifier=" + DaemonClient.path(qualifier)), event,
                    headers);
            DaemonClient.failOnError(r);
            System.out.write(r.body(), 0, r.body().length);
            if (repeat > 1 || r.body().length == 0 || r.body()[r.body().length - 1] != '\n') {
                System.out.write('\n');
            }
            System.out.flush();
            r.headers().firstValue("X-Amz-Log-Result").ifPresent(tail -> {
                System.err.print(new String(Base64.getDecoder().decode(tail), StandardCharsets.UTF_8));
                System.err.flush();
            });
            if (r.headers().firstValue("X-Amz-Function-Error").isPresent()) {
                code = ExitCodes.FUNCTION_ERROR;
            }
        }
        return code;
    }
}
