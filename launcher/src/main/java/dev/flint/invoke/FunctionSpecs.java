package dev.flint.invoke;

import dev.flint.function.FunctionConfig;
import dev.flint.function.ImageCode;
import dev.flint.function.ImageFunctions;
import dev.flint.function.Runtimes;
import dev.flint.image.Image;
import dev.flint.image.ImageStore;
import java.time.Duration;

/** Turns a stored function into what the invoke layer runs (its runtime image's layers included). */
public final class FunctionSpecs {
    private FunctionSpecs() {}

    /** The spec that runs this function version: its runtime image's layers, code dir and limits. */
    public static FunctionSpec of(FunctionConfig fn, ImageStore images) {
        if (fn.isImage()) {
            Image image = ImageFunctions.requireImageOf(images, fn);
            ImageCode.ImageOverrides o = fn.imageCode().overrides();
            ImageLaunch launch = new ImageLaunch(ImageFunctions.argv(image.config(), o), image.config().env(),
                    ImageFunctions.workingDirectory(image.config(), o));
            return new FunctionSpec(fn.name(), fn.version(), null, image.name(),
                    String.join(" ", ImageFunctions.command(image.config(), o)), fn.memoryMb(),
                    Duration.ofSeconds(fn.timeoutSeconds()), fn.environment(), fn.ephemeralStorageMb(), null,
                    image.layers(), launch);
        }
        String imageName = Runtimes.imageFor(fn.runtime());
        Image image = images.require(imageName);
        return new FunctionSpec(fn.name(), fn.version(), fn.runtime(), imageName, fn.handler(), fn.memoryMb(),
                Duration.ofSeconds(fn.timeoutSeconds()), fn.environment(), fn.ephemeralStorageMb(), fn.codeDir(),
                image.layers());
    }
}
