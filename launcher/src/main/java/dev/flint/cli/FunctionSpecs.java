package dev.flint.cli;

import dev.flint.function.FunctionConfig;
import dev.flint.function.Runtimes;
import dev.flint.image.Image;
import dev.flint.image.ImageStore;
import dev.flint.invoke.FunctionSpec;
import java.time.Duration;

/** Turns a stored function into what the invoke layer runs (its runtime image's layers included). */
final class FunctionSpecs {
    private FunctionSpecs() {}

    static FunctionSpec of(FunctionConfig fn, ImageStore images) {
        String imageName = Runtimes.imageFor(fn.runtime());
        Image image = images.require(imageName);
        return new FunctionSpec(fn.name(), fn.version(), fn.runtime(), imageName, fn.handler(), fn.memoryMb(),
                Duration.ofSeconds(fn.timeoutSeconds()), fn.environment(), fn.ephemeralStorageMb(), fn.codeDir(),
                image.layers());
    }
}
