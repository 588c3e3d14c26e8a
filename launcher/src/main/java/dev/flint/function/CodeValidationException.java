package dev.flint.function;

/**
 * The deployment package was rejected: a hostile or corrupt ZIP entry, a limit exceeded, or a
 * directory that cannot be packed. The message starts with AWS's "Could not unzip uploaded
 * file." and names the entry and the reason; {@link #reason()} is the reason alone. A rejected
 * package leaves nothing behind in the code store.
 */
public class CodeValidationException extends InvalidParameterValueException {

    static final String PREFIX =
            "Could not unzip uploaded file. Please check your file, then try to upload again.";

    private final String reason;

    public CodeValidationException(String reason) {
        this(reason, null);
    }

    public CodeValidationException(String reason, Throwable cause) {
        super(PREFIX + " (" + reason + ")", cause);
        this.reason = reason;
    }

    /** The reason without AWS's prefix, e.g. "entry '../x' escapes the code directory". */
    public String reason() {
        return reason;
    }
}
