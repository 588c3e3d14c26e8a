package dev.flint.api;

import dev.flint.function.FunctionConfig;
import dev.flint.image.ImageStore;
import dev.flint.invoke.FunctionSpec;
import dev.flint.invoke.FunctionSpecs;
import dev.flint.invoke.InvokeOptions;
import dev.flint.invoke.InvokeResponse;
import dev.flint.invoke.InvokeService;
import dev.flint.invoke.LogSink;
import java.util.function.Function;

/**
 * {@link Invoker} on the {@link InvokeService}: a stored function version becomes a
 * {@link FunctionSpec} (its runtime image's layers included) and runs there, with the invoked
 * (qualified) ARN, the client context and the function's reserved concurrency. Function log lines
 * go to {@code log} (the daemon's stderr, or nowhere).
 */
public final class ServiceInvoker implements Invoker {
    private final InvokeService service;
    private final ImageStore images;
    private final Function<String, Integer> reservedConcurrency;
    private final LogSink log;

    /** @param reservedConcurrency a function name → its reserved concurrency, or null when none */
    public ServiceInvoker(InvokeService service, ImageStore images, Function<String, Integer> reservedConcurrency,
            LogSink log) {
        this.service = service;
        this.images = images;
        this.reservedConcurrency = reservedConcurrency;
        this.log = log;
    }

    @Override
    public InvokeResponse invoke(InvokeInput input) {
        FunctionConfig fn = input.version();
        return service.invoke(FunctionSpecs.of(fn, images), input.payload(), log, new InvokeOptions(
                input.invokedFunctionArn(), input.clientContext(), reservedConcurrency.apply(fn.name())));
    }

    @Override
    public void functionChanged(String functionName) {
        service.retire(functionName);
    }
}
