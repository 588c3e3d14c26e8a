/**
 * Image store: an image is an ordered list of read-only layer directories (bottom to top) plus
 * a config (env, entrypoint, cmd, workdir). Built-in images come from recipes in
 * {@code images/<name>/} ({@code image.json} + {@code build.sh OUTDIR}), built by
 * {@link dev.flint.image.ImageStore#build} and cached by the digest of the recipe's files (and
 * the base image's digest).
 *
 * <p>On disk (default root {@code /var/lib/flint/images}):
 * <pre>
 *   layers/&lt;hex&gt;/rootfs/      one layer's tree, an overlay lowerdir (read-only by convention)
 *   layers/&lt;hex&gt;/layer.json   {digest, image, sizeBytes, created, buildSeconds}
 *   &lt;name&gt;/image.json        {name, digest, layers:[abs rootfs paths, bottom to top], config, created, sizeBytes}
 *   .lock                     serialises builds and removals across processes
 * </pre>
 * A layer is built into {@code layers/.tmp-*} and renamed into place; a failed build leaves
 * nothing behind. No native calls here.
 */
package dev.flint.image;
