package dev.flint.invoke;

import dev.flint.function.FunctionConfig;
import dev.flint.function.Runtimes;
import dev.flint.image.Image;
import dev.flint.image.ImageStore;
import java.time.Duration;

/** Turns a stored function into what the invoke layer runs (its runtime image's layers included). */
public final class FunctionSpecs {
    private FunctionSpecs() {}

    /** The spec that runs this function version: its runtime image's layers, code dir and limits. */
    public static FunctionSpec of(FunctionConfig fn, ImageStore images) {
        String imageName = Runtimes.imageFor(fn.runtime());
        Image image = images.require(imageName);
        return new FunctionSpec(fn.name(), fn.version(), fn.runtime(), imageName, fn.handler(), fn.memoryMb(),
                Duration.ofSeconds(fn.timeoutSeconds()), fn.environment(), fn.ephemeralStorageMb(), fn.codeDir(),
                image.layers());
    }
}
