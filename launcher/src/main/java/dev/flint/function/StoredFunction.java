package dev.flint.function;

import java.util.Map;

/**
 * One function as a {@link FunctionStore} keeps it: {@link FunctionConfig} without the code
 * directory (the code store resolves that), with LastModified in AWS's text form. This is the
 * on-disk schema of the legacy {@code function.json} and the row {@link SqliteFunctionStore} holds.
 *
 * @param revisionId {@code null} only in legacy files (a new one is made on import)
 * @param publishedFrom for a published version, the revision id of the $LATEST it was copied
 *     from ({@code null} for $LATEST): "nothing changed since the last publish" is that id
 *     still being $LATEST's
 * @param image an Image function's image (then runtime and handler are null); null for Zip
 */
public record StoredFunction(
        String name,
        String runtime,
        String handler,
        int memoryMb,
        int timeoutSeconds,
        Map<String, String> environment,
        int ephemeralStorageMb,
        String codeSha256,
        long codeSize,
        String version,
        String lastModified,
        String description,
        String revisionId,
        String publishedFrom,
        ImageCode image) {

    /** A Zip function's record. */
    StoredFunction(String name, String runtime, String handler, int memoryMb, int timeoutSeconds,
            Map<String, String> environment, int ephemeralStorageMb, String codeSha256, long codeSize,
            String version, String lastModified, String description, String revisionId, String publishedFrom) {
        this(name, runtime, handler, memoryMb, timeoutSeconds, environment, ephemeralStorageMb, codeSha256, codeSize,
                version, lastModified, description, revisionId, publishedFrom, null);
    }

    static StoredFunction of(FunctionConfig c) {
        return of(c, null);
    }

    static StoredFunction of(FunctionConfig c, String publishedFrom) {
        return new StoredFunction(c.name(), c.runtime(), c.handler(), c.memoryMb(),
                c.timeoutSeconds(), c.environment(), c.ephemeralStorageMb(), c.codeSha256(),
                c.codeSize(), c.version(), c.lastModifiedText(), c.description(), c.revisionId(),
                publishedFrom, c.imageCode());
    }

    /** @param codeDir where the code store keeps this ZIP's tree (ignored for an Image function) */
    FunctionConfig toConfig(java.nio.file.Path codeDir) {
        return new FunctionConfig(name, image == null ? runtime : null, image == null ? handler : null, memoryMb,
                timeoutSeconds, environment, ephemeralStorageMb, codeSha256, codeSize, version,
                FunctionConfig.parseLastModified(lastModified), description, image == null ? codeDir : null,
                revisionId, image);
    }
}
