package dev.flint.function;

import dev.flint.image.Digests;
import dev.flint.image.Image;
import dev.flint.image.ImageConfig;
import dev.flint.image.ImageNotFoundException;
import dev.flint.image.ImageStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Functions and the image store: resolving a CreateFunction {@code ImageUri} to an image in the
 * store, finding the image a function runs, and which functions use which image (so
 * {@code flint image rm} can refuse an image in use).
 */
public final class ImageFunctions {
    private ImageFunctions() {}

    /**
     * The image {@code imageUri} names in the store (a name, the reference it was pulled from, or a
     * digest), pinned by digest, with the ImageConfig overrides.
     *
     * @throws InvalidParameterValueException AWS's "Source image ... does not exist", with how to get it
     */
    public static ImageCode resolve(ImageStore images, String imageUri, ImageCode.ImageOverrides overrides) {
        if (imageUri == null || imageUri.isBlank()) {
            throw new InvalidParameterValueException("Please provide a source for function code: Code.ImageUri");
        }
        Image image = images.resolve(imageUri).orElseThrow(() -> new InvalidParameterValueException("Source image "
                + imageUri + " does not exist. Provide a valid source image. (flint: images come from this host's"
                + " store: pull it first with 'flint image pull " + imageUri + "' or import it with"
                + " 'flint image import PATH'; see 'flint image ls')"));
        ImageCode code = new ImageCode(imageUri, image.name(), image.digest(), overrides);
        if (argv(image.config(), code.overrides()).isEmpty()) {
            throw new InvalidParameterValueException("Image " + imageUri + " has neither ENTRYPOINT nor CMD:"
                    + " set ImageConfig.EntryPoint (flint: --entrypoint) to the program that starts the runtime");
        }
        return code;
    }

    /** ENTRYPOINT then CMD, each from the overrides when given, else from the image (as Lambda does). */
    public static List<String> argv(ImageConfig config, ImageCode.ImageOverrides o) {
        List<String> argv = new ArrayList<>(o.entryPoint() != null ? o.entryPoint() : config.entrypoint());
        argv.addAll(command(config, o));
        return argv;
    }

    /** CMD: the override, else the image's. Lambda passes it as the handler. */
    public static List<String> command(ImageConfig config, ImageCode.ImageOverrides o) {
        return o.command() != null ? o.command() : config.cmd();
    }

    /** WORKDIR: the override, else the image's ("/" when the image sets none). */
    public static String workingDirectory(ImageConfig config, ImageCode.ImageOverrides o) {
        return o.workingDirectory() != null ? o.workingDirectory() : config.workdir();
    }

    /**
     * The image a function runs: the store image of its recorded name when that still has the
     * pinned digest, else any image with that digest (a re-pulled name keeps the old image as
     * {@code NAME-<12 hex>} while functions use it).
     */
    public static Optional<Image> imageOf(ImageStore images, ImageCode code) {
        Optional<Image> byName = images.find(code.imageName());
        if (byName.isPresent() && byName.get().digest().equals(code.imageDigest())) {
            return byName;
        }
        return images.findByDigest(code.imageDigest()).stream().findFirst();
    }

    /** {@link #imageOf}, or an error that says what is missing and what to do. */
    public static Image requireImageOf(ImageStore images, FunctionConfig fn) {
        ImageCode code = fn.imageCode();
        return imageOf(images, code).orElseThrow(() -> new ImageNotFoundException(code.imageName(), "function "
                + fn.name() + ":" + fn.version() + " runs image " + code.imageUri() + " ("
                + Digests.shortForm(code.imageDigest()) + "), which is no longer in the image store; pull or import"
                + " it again, or point the function at another image (flint function update " + fn.name()
                + " --image REF)"));
    }

    /**
     * For each image name, the functions that use it ({@code NAME} for $LATEST, {@code NAME:N}
     * for a version): Zip functions use their runtime's image, Image functions their own.
     */
    public static Map<String, List<String>> users(ImageStore images, List<FunctionConfig> all) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (FunctionConfig f : all) {
            String image;
            if (f.isImage()) {
                Optional<Image> i = imageOf(images, f.imageCode());
                if (i.isEmpty()) {
                    continue;
                }
                image = i.get().name();
            } else {
                image = Runtimes.imageFor(f.runtime());
            }
            out.computeIfAbsent(image, k -> new ArrayList<>()).add(f.isLatest() ? f.name() : f.name() + ":" + f.version());
        }
        return out;
    }

    /** Whether any function (any version) is pinned to this image digest. */
    public static boolean digestInUse(List<FunctionConfig> all, String digest) {
        return all.stream().anyMatch(f -> f.isImage() && f.imageCode().imageDigest().equals(digest));
    }
}
