/**
 * Image store: an image is an ordered list of read-only layer directories (bottom to top) plus
 * a config (env, entrypoint, cmd, workdir). Runtime images come from recipes in
 * {@code images/<name>/} ({@code image.json} + {@code build.sh OUTDIR}), built by
 * {@link dev.flint.image.ImageStore#build} and cached by the digest of the recipe's files (and
 * the base image's digest). Container images come from OCI layouts, OCI archives and Docker
 * archives ({@link dev.flint.image.ImageArchives}) or from a registry
 * ({@link dev.flint.image.RegistryClient}), and go in through
 * {@link dev.flint.image.ImageStore#importImage}: every blob verified by digest, each layer tar
 * unpacked once by {@link dev.flint.image.LayerUnpacker} (untrusted input: see there), OCI
 * whiteouts turned into overlayfs ones.
 *
 * <p>On disk (default root {@code /var/lib/flint/images}):
 * <pre>
 *   layers/&lt;hex&gt;/rootfs/      one layer's tree, an overlay lowerdir (read-only by convention);
 *                             hex = the recipe digest, or the OCI ChainID of an imported layer
 *   layers/&lt;hex&gt;/layer.json   {digest, image, sizeBytes, created, buildSeconds, diffId}
 *   &lt;name&gt;/image.json        {name, digest, layers:[abs rootfs paths, bottom to top], config, created,
 *                             sizeBytes, source}
 *   downloads/sha256/&lt;hex&gt;    verified registry blobs until their layer is in the store
 *                             ({@code .partial} while downloading: a pull resumes from it)
 *   .lock                     serialises builds, imports and removals across processes
 * </pre>
 * A layer is built or unpacked into {@code layers/.tmp-*} and renamed into place; a failed build
 * or import leaves nothing behind, and layers no image lists are deleted with the image that
 * listed them last. The only native call is mknod for whiteouts
 * ({@link dev.flint.nativeffi.LibC}).
 */
package dev.flint.image;
