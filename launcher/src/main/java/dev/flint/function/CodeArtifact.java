package dev.flint.function;

import java.nio.file.Path;

/**
 * Code in the store.
 *
 * @param sha256 AWS's CodeSha256: base64 of the SHA-256 of the deployment ZIP
 * @param size bytes of the deployment ZIP
 * @param dir the extracted, read-only tree, {@code <code root>/<hex sha>/}
 */
public record CodeArtifact(String sha256, long size, Path dir) {

    /** The SHA-256 in lowercase hex (the directory name). */
    public String hex() {
        return CodeStore.toHex(sha256);
    }
}
