package dev.flint.api;

import dev.flint.function.FunctionConfig;
import dev.flint.function.Runtimes;
import dev.flint.image.Image;
import dev.flint.image.ImageStore;
import dev.flint.invoke.FunctionSpec;
import dev.flint.invoke.InvokeResponse;
import dev.flint.invoke.InvokeService;
import dev.flint.invoke.LogSink;
import java.time.Duration;

/**
 * {@link Invoker} on today's {@link InvokeService}: a stored function version becomes a
 * {@link FunctionSpec} (its runtime image's layers included) and runs there. Function log lines
 * go to {@code log} (the daemon's stderr, or nowhere).
 *
 * <p>Not passed on yet, because {@code InvokeService.invoke} has no parameter for them (the Runtime
 * API's {@code Invocation} already carries both): the client context and the invoked (qualified)
 * ARN.
 */
public final class ServiceInvoker implements Invoker {
    private final InvokeService service;
    private final ImageStore images;
    private final LogSink log;

    public ServiceInvoker(InvokeService service, ImageStore images, LogSink log) {
        this.service = service;
        this.images = images;
        this.log = log;
    }

    @Override
    public InvokeResponse invoke(InvokeInput input) {
        return service.invoke(spec(input.version(), images), input.payload(), log);
    }

    /** What the invoke layer runs for a stored function version. */
    public static FunctionSpec spec(FunctionConfig fn, ImageStore images) {
        String imageName = Runtimes.imageFor(fn.runtime());
        Image image = images.require(imageName);
        return new FunctionSpec(fn.name(), fn.version(), fn.runtime(), imageName, fn.handler(), fn.memoryMb(),
                Duration.ofSeconds(fn.timeoutSeconds()), fn.environment(), fn.ephemeralStorageMb(), fn.codeDir(),
                image.layers());
    }
}
