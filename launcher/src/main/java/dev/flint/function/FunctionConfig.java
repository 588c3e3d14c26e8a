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
 * @param runtime null for an Image function
 * @param handler null for an Image function (the image's CMD is the handler)
 * @param codeSha256 AWS's CodeSha256: base64 of the SHA-256 of the deployment ZIP; for an Image
 *     function the hex of the image's manifest digest
 * @param codeSize bytes of the deployment ZIP (0 for an Image function)
 * @param lastModified truncated to milliseconds, as AWS formats it ({@link #lastModifiedText()})
 * @param codeDir the extracted, read-only code ({@code /var/task}); resolved by the code store,
 *     not persisted; null for an Image function (the code is in the image)
 * @param revisionId AWS's RevisionId: a UUID that changes on every update of this function or
 *     version
 * @param imageCode the image of a {@code PackageType: Image} function; null for Zip
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
        String revisionId,
        ImageCode imageCode) {

    public static final String LATEST = "$LATEST";
    public static final String ZIP = "Zip";
    public static final String IMAGE = "Image";
    /** AWS's answer to Runtime or Handler given with PackageType Image. */
    static final String IMAGE_NO_RUNTIME = "Please don't provide Handler or Runtime or Layer when the intended"
            + " function PackageType is Image.";

    /** AWS's LastModified format, e.g. {@code 2024-01-01T12:00:00.000+0000}. */
    public static final DateTimeFormatter LAST_MODIFIED_FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);

    public FunctionConfig {
        FunctionRules.validateName(name);
        if (imageCode == null) {
            Runtimes.requireSupported(runtime);
            Runtimes.validateHandler(runtime, handler);
        } else if (runtime != null || handler != null) {
            throw new InvalidParameterValueException(IMAGE_NO_RUNTIME);
        }
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
        if (imageCode == null) {
            Objects.requireNonNull(codeDir, "codeDir");
        }
        revisionId = revisionId == null ? newRevisionId() : revisionId;
    }

    /** A Zip function's configuration. */
    public FunctionConfig(String name, String runtime, String handler, int memoryMb,
            int timeoutSeconds, Map<String, String> environment, int ephemeralStorageMb,
            String codeSha256, long codeSize, String version, Instant lastModified,
            String description, Path codeDir, String revisionId) {
        this(name, runtime, handler, memoryMb, timeoutSeconds, environment, ephemeralStorageMb,
                codeSha256, codeSize, version, lastModified, description, codeDir, revisionId, null);
    }

    /** A configuration with a fresh {@link #revisionId()}. */
    public FunctionConfig(String name, String runtime, String handler, int memoryMb,
            int timeoutSeconds, Map<String, String> environment, int ephemeralStorageMb,
            String codeSha256, long codeSize, String version, Instant lastModified,
            String description, Path codeDir) {
        this(name, runtime, handler, memoryMb, timeoutSeconds, environment, ephemeralStorageMb,
                codeSha256, codeSize, version, lastModified, description, codeDir, null, null);
    }

    /** An Image function's configuration, with a fresh {@link #revisionId()}. */
    public static FunctionConfig ofImage(String name, int memoryMb, int timeoutSeconds,
            Map<String, String> environment, int ephemeralStorageMb, String version, Instant lastModified,
            String description, ImageCode image) {
        return new FunctionConfig(name, null, null, memoryMb, timeoutSeconds, environment, ephemeralStorageMb,
                image.codeSha256(), 0, version, lastModified, description, null, null, image);
    }

    /** {@code Zip} or {@code Image}. */
    public String packageType() {
        return imageCode == null ? ZIP : IMAGE;
    }

    public boolean isImage() {
        return imageCode != null;
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
                codeDir, newRevisionId(), imageCode);
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

    /** The flint image this function runs on: its runtime's (see {@link Runtimes#imageFor}) or its own. */
    public String image() {
        return imageCode != null ? imageCode.imageName() : Runtimes.imageFor(runtime);
    }

    /** This configuration with {@code update}'s non-null fields applied (validated again). */
    public FunctionConfig with(FunctionUpdate update, Instant now) {
        if (imageCode == null && update.imageConfig() != null) {
            throw new InvalidParameterValueException("ImageConfig applies to PackageType Image functions only;"
                    + " function " + name + " is PackageType Zip");
        }
        // An image function has no runtime or handler: the constructor refuses one given here.
        return new FunctionConfig(name,
                or(update.runtime(), runtime),
                or(update.handler(), handler),
                or(update.memoryMb(), memoryMb),
                or(update.timeoutSeconds(), timeoutSeconds),
                or(update.environment(), environment),
                or(update.ephemeralStorageMb(), ephemeralStorageMb),
                codeSha256, codeSize, version, now,
                or(update.description(), description),
                codeDir, newRevisionId(),
                imageCode == null || update.imageConfig() == null ? imageCode
                        : imageCode.withOverrides(update.imageConfig()));
    }

    /** This configuration pointing at new code. */
    public FunctionConfig withCode(CodeArtifact code, Instant now) {
        if (imageCode != null) {
            throw new InvalidParameterValueException("Please provide ImageUri when updating a function with"
                    + " packageType Image.");
        }
        return new FunctionConfig(name, runtime, handler, memoryMb, timeoutSeconds, environment,
                ephemeralStorageMb, code.sha256(), code.size(), version, now, description,
                code.dir(), newRevisionId());
    }

    /** This Image function on another image (UpdateFunctionCode with ImageUri); overrides are kept. */
    public FunctionConfig withImage(ImageCode image, Instant now) {
        if (imageCode == null) {
            throw new InvalidParameterValueException("Please don't provide ImageUri when updating a function with"
                    + " packageType Zip.");
        }
        return new FunctionConfig(name, null, null, memoryMb, timeoutSeconds, environment, ephemeralStorageMb,
                image.codeSha256(), 0, version, now, description, null, newRevisionId(),
                image.withOverrides(imageCode.overrides()));
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
