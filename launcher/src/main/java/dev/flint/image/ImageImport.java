package dev.flint.image;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * An image ready to go into the store ({@link ImageStore#importImage}): where it came from, its
 * digest, its config, and how to read each layer's blob. Holds open archives until closed.
 *
 * @param source  shown in {@code flint image ls} and matched by ImageUri (see {@link Image#source})
 * @param digest  the manifest's digest (Docker archives: the config's)
 * @param layers  bottom first, one per config DiffID
 */
public record ImageImport(String source, String digest, OciManifests.ImageConfigDoc config, List<LayerBlob> layers,
        AutoCloseable resources) implements AutoCloseable {

    public ImageImport {
        layers = List.copyOf(layers);
    }

    /** Opens a blob's bytes, as stored (compressed or not). */
    @FunctionalInterface
    public interface BlobOpener {
        InputStream open() throws IOException;
    }

    /**
     * One layer.
     *
     * @param digest    the blob's digest as the manifest lists it, or null when the source has none
     *                  (a Docker archive's {@code <id>/layer.tar}); checked while unpacking
     * @param size      the blob's size as listed, or -1
     * @param diffId    sha256 of the uncompressed tar, from the config; always checked
     * @param opener    the blob; null when the layer is known to be in the store already. It may
     *                  block until the blob is there (a download in progress)
     * @param verified  the blob was checked against {@code digest} and {@code size} already (a
     *                  registry download): not hashed a second time
     */
    public record LayerBlob(String mediaType, String digest, long size, String diffId, BlobOpener opener,
            boolean verified) {
        public LayerBlob(String mediaType, String digest, long size, String diffId, BlobOpener opener) {
            this(mediaType, digest, size, diffId, opener, false);
        }
    }

    @Override
    public void close() {
        if (resources != null) {
            try {
                resources.close();
            } catch (Exception e) {
                // read-only sources: nothing to lose
            }
        }
    }
}
