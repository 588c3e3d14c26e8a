package dev.flint.function;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One function's configuration ($LATEST or a published version), validated on construction with AWS's rules.
 *
 * @param codeSha256 AWS's CodeSha256: base64 of the SHA-256 of the deployment ZIP
 * @param codeSize bytes of the deployment ZIP
 * @param lastModified truncated to milliseconds, as AWS formats it ({@link #lastModifiedText()})
 * @param codeDir the extracted, read-only code ({@code /var/task}); resolved by the code store,
 *     not persisted
 * @param revisionId AWS's RevisionId: a UUID that changes on every update of this function or
 *     version
 */
public record FunctionConfig(
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
        Instant lastModified,
        String description,
        Path codeDir,
        String revisionId) {

    public static final String LATEST = "$LATEST";

    /** AWS's LastModified format, e.g. {@code 2024-01-01T12:00:00.000+0000}. */
    public static final DateTimeFormatter LAST_MODIFIED_FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);

    public FunctionConfig {
        FunctionRules.validateName(name);
        Runtimes.requireSupported(runtime);
        Runtimes.validateHandler(runtime, handler);
        FunctionRules.validateMemory(memoryMb);
        FunctionRules.validateTimeout(timeoutSeconds);
        FunctionRules.validateEphemeralStorage(ephemeralStorageMb);
        description = description == null ? "" : description;
        FunctionRules.validateDescription(description);
        environment = FunctionRules.copyEnvironment(environment);
        FunctionRules.validateEnvironment(environment);
        Objects.requireNonNull(codeSha256, "codeSha256");
        if (codeSize < 0) {
            throw new IllegalArgumentException("codeSize must be >= 0: " + codeSize);
        }
        version = version == null ? LATEST : version;
        lastModified = Objects.requireNonNull(lastModified, "lastModified")
                .truncatedTo(ChronoUnit.MILLIS);
        Objects.requireNonNull(codeDir, "codeDir");
        revisionId = revisionId == null ? newRevisionId() : revisionId;
    }

    /** A configuration with a fresh {@link #revisionId()}. */
    public FunctionConfig(String name, String runtime, String handler, int memoryMb,
            int timeoutSeconds, Map<String, String> environment, int ephemeralStorageMb,
            String codeSha256, long codeSize, String version, Instant lastModified,
            String description, Path codeDir) {
        this(name, runtime, handler, memoryMb, timeoutSeconds, environment, ephemeralStorageMb,
                codeSha256, codeSize, version, lastModified, description, codeDir, null);
    }

    public static String newRevisionId() {
        return UUID.randomUUID().toString();
    }

    /** Whether this is {@code $LATEST} (mutable) rather than a published version. */
    public boolean isLatest() {
        return LATEST.equals(version);
    }

    /** {@code arn:...:function:NAME:VERSION} ({@code :$LATEST} for $LATEST). */
    public String versionArn() {
        return FunctionArns.functionArn(name, version);
    }

    /** An immutable copy published as {@code number}, with its own revision id. */
    public FunctionConfig asVersion(String number, String versionDescription, Instant now) {
        return new FunctionConfig(name, runtime, handler, memoryMb, timeoutSeconds, environment,
                ephemeralStorageMb, codeSha256, codeSize, number, now,
                versionDescription != null && !versionDescription.isEmpty() ? versionDescription : description,
                codeDir, newRevisionId());
    }

    public static String formatLastModified(Instant instant) {
        return LAST_MODIFIED_FORMAT.format(instant);
    }

    public static Instant parseLastModified(String text) {
        return LAST_MODIFIED_FORMAT.parse(text, Instant::from);
    }

    /** {@link #lastModified()} in AWS's format. */
    public String lastModifiedText() {
        return formatLastModified(lastModified);
    }

    public String functionArn() {
        return FunctionArns.functionArn(name);
    }

    /** The flint image this function runs on (see {@link Runtimes#imageFor}). */
    public String image() {
        return Runtimes.imageFor(runtime);
    }

    /** This configuration with {@code update}'s non-null fields applied (validated again). */
    public FunctionConfig with(FunctionUpdate update, Instant now) {
        return new FunctionConfig(name,
                or(update.runtime(), runtime),
                or(update.handler(), handler),
                or(update.memoryMb(), memoryMb),
                or(update.timeoutSeconds(), timeoutSeconds),
                or(update.environment(), environment),
                or(update.ephemeralStorageMb(), ephemeralStorageMb),
                codeSha256, codeSize, version, now,
                or(update.description(), description),
                codeDir, newRevisionId());
    }

    /** This configuration pointing at new code. */
    public FunctionConfig withCode(CodeArtifact code, Instant now) {
        return new FunctionConfig(name, runtime, handler, memoryMb, timeoutSeconds, environment,
                ephemeralStorageMb, code.sha256(), code.size(), version, now, description,
                code.dir(), newRevisionId());
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
