package dev.flint.image;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * An image in the store: built from a recipe, imported from an archive or pulled from a registry.
 *
 * @param name      validated image name
 * @param digest    recipe images: {@code sha256:<hex>} of the recipe's inputs and the base image's
 *                  digest; imported and pulled images: the manifest's digest (a Docker archive,
 *                  which has no manifest: the config's digest)
 * @param layers    absolute layer root directories, bottom to top (overlay lowerdirs are given
 *                  top first, so reverse this list for {@code lowerdir=})
 * @param config    env, entrypoint, cmd, workdir
 * @param created   when the top layer was built, or the image config's creation time
 * @param sizeBytes bytes of regular files in all layers
 * @param source    where it came from: {@code null} for recipes, the canonical registry reference
 *                  for pulls ({@code 127.0.0.1:5000/app:latest}), the archive path for imports
 */
public record Image(String name, String digest, List<Path> layers, ImageConfig config, Instant created,
        long sizeBytes, String source) {
    public Image {
        ImageNames.validate(name);
        layers = List.copyOf(layers);
    }

    /** A recipe image (no source). */
    public Image(String name, String digest, List<Path> layers, ImageConfig config, Instant created, long sizeBytes) {
        this(name, digest, layers, config, created, sizeBytes, null);
    }

    /**
     * Whether {@code absPath} is a directory in the merged view of {@code layers} (bottom first),
     * as the sandbox's overlay would show it; symbolic links are not followed.
     */
    public static boolean isDirectoryIn(List<Path> layers, String absPath) {
        if (absPath.equals("/")) {
            return true;
        }
        return new MergedLayers(layers).lookup(absPath.substring(1).replaceAll("/+$", ""))
                .map(java.nio.file.attribute.BasicFileAttributes::isDirectory).orElse(false);
    }

    /** The top (own) layer. */
    public Path topLayer() {
        return layers.get(layers.size() - 1);
    }
}
