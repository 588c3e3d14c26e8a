package dev.flint.function;

import java.util.Map;

/**
 * One function as a {@link FunctionStore} keeps it: {@link FunctionConfig} without the code
 * directory (the code store resolves that), with LastModified in AWS's text form. This is the
 * on-disk schema of {@code function.json} and the row a SQLite store would hold.
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
        String description) {

    static StoredFunction of(FunctionConfig c) {
        return new StoredFunction(c.name(), c.runtime(), c.handler(), c.memoryMb(),
                c.timeoutSeconds(), c.environment(), c.ephemeralStorageMb(), c.codeSha256(),
                c.codeSize(), c.version(), c.lastModifiedText(), c.description());
    }

    FunctionConfig toConfig(java.nio.file.Path codeDir) {
        return new FunctionConfig(name, runtime, handler, memoryMb, timeoutSeconds, environment,
                ephemeralStorageMb, codeSha256, codeSize, version,
                FunctionConfig.parseLastModified(lastModified), description, codeDir);
    }
}
