package dev.flint.function;

/**
 * Base of the function layer's errors. Each subtype names the AWS Lambda error type the API
 * layer puts in {@code x-amzn-ErrorType} and the HTTP status AWS answers with, so the API
 * layer can map any of them without a type switch.
 */
public abstract class FunctionException extends RuntimeException {

    protected FunctionException(String message) {
        super(message);
    }

    protected FunctionException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The AWS error type, e.g. {@code "InvalidParameterValueException"}. */
    public abstract String errorType();

    /** The HTTP status AWS answers this error with. */
    public abstract int httpStatus();
}
