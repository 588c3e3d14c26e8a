package dev.flint.image;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A built image.
 *
 * @param name      validated image name
 * @param digest    {@code sha256:<hex>} of the recipe's inputs and the base image's digest
 * @param layers    absolute layer root directories, bottom to top (overlay lowerdirs are given
 *                  top first, so reverse this list for {@code lowerdir=})
 * @param config    env, entrypoint, cmd, workdir
 * @param created   when the top layer was built
 * @param sizeBytes bytes of regular files in all layers
 */
public record Image(String name, String digest, List<Path> layers, ImageConfig config, Instant created,
        long sizeBytes) {
    public Image {
        ImageNames.validate(name);
        layers = List.copyOf(layers);
    }

    /** The top (own) layer. */
    public Path topLayer() {
        return layers.get(layers.size() - 1);
    }
}
