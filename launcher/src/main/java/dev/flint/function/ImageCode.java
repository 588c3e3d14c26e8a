package dev.flint.function;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.flint.image.Digests;
import java.util.List;
import java.util.Objects;

/**
 * The code of a {@code PackageType: Image} function: the image the user named
 * ({@code Code.ImageUri}), what flint resolved it to when the function was created or its code
 * last updated (a store image name and its manifest digest: the function stays on that digest,
 * as Lambda does, even when the name is pulled again), and the {@code ImageConfig} overrides.
 *
 * @param imageUri    as given: a store name, a registry reference or a digest
 * @param imageName   the store image it resolved to
 * @param imageDigest that image's digest ({@code sha256:...}); CodeSha256 is its hex
 * @param overrides   ImageConfig (EntryPoint, Command, WorkingDirectory); never null
 */
public record ImageCode(String imageUri, String imageName, String imageDigest, ImageOverrides overrides) {
    public static final int IMAGE_URI_MAX = 256;

    public ImageCode {
        if (imageUri == null || imageUri.isBlank()) {
            throw ValidationException.of("", "code.imageUri", "Member must have length greater than or equal to 1");
        }
        if (imageUri.length() > IMAGE_URI_MAX) {
            throw ValidationException.of(imageUri, "code.imageUri",
                    "Member must have length less than or equal to " + IMAGE_URI_MAX);
        }
        Objects.requireNonNull(imageName, "imageName");
        if (!Digests.isValid(imageDigest)) {
            throw new IllegalArgumentException("image digest must be sha256:<hex>: " + imageDigest);
        }
        overrides = overrides == null ? ImageOverrides.NONE : overrides;
    }

    /** Lambda's CodeSha256 of an image function: the manifest digest's hex. */
    public String codeSha256() {
        return Digests.hex(imageDigest);
    }

    public ImageCode withOverrides(ImageOverrides o) {
        return new ImageCode(imageUri, imageName, imageDigest, o);
    }

    /** The function's ImageConfig: overrides of the image's ENTRYPOINT, CMD and WORKDIR. */
    public record ImageOverrides(List<String> entryPoint, List<String> command, String workingDirectory) {
        public static final ImageOverrides NONE = new ImageOverrides(null, null, null);
        static final int LIST_MAX = 1500;
        static final int WORKDIR_MAX = 1000;

        public ImageOverrides {
            entryPoint = entryPoint == null ? null : List.copyOf(entryPoint);
            command = command == null ? null : List.copyOf(command);
            workingDirectory = workingDirectory == null || workingDirectory.isEmpty() ? null : workingDirectory;
            if (entryPoint != null && entryPoint.size() > LIST_MAX) {
                throw ValidationException.of("[...]", "imageConfig.entryPoint",
                        "Member must have length less than or equal to " + LIST_MAX);
            }
            if (command != null && command.size() > LIST_MAX) {
                throw ValidationException.of("[...]", "imageConfig.command",
                        "Member must have length less than or equal to " + LIST_MAX);
            }
            if (workingDirectory != null && workingDirectory.length() > WORKDIR_MAX) {
                throw ValidationException.of(workingDirectory, "imageConfig.workingDirectory",
                        "Member must have length less than or equal to " + WORKDIR_MAX);
            }
            if (workingDirectory != null && !workingDirectory.startsWith("/")) {
                throw new InvalidParameterValueException("ImageConfig.WorkingDirectory '" + workingDirectory
                        + "' must be an absolute path");
            }
        }

        @JsonIgnore
        public boolean isEmpty() {
            return entryPoint == null && command == null && workingDirectory == null;
        }
    }
}
