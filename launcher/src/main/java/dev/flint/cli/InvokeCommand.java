package dev.flint.cli;

import dev.flint.function.FunctionConfig;
import dev.flint.function.FunctionRegistry;
import dev.flint.invoke.FunctionSpecs;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flint invoke NAME}: a synchronous invoke of a created function, in-process. */
@Command(name = "invoke", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Invoke a function (RequestResponse) in this process: cold start on the first invoke,",
            "warm env reuse for --repeat. stdout: exactly the response payload (the error JSON when the",
            "function failed); stderr: the log lines (START, the function's output, END, REPORT).",
            "Exit 0 on success, 1 when the function returned or raised an error, 2 for invalid input."})
final class InvokeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "the function's name")
    String name;

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
        FunctionConfig fn = new FunctionRegistry(Host.stateDir()).require(name);
        return InvokeRunner.run(FunctionSpecs.of(fn, Host.images()), event, repeat, logType);
    }
}
