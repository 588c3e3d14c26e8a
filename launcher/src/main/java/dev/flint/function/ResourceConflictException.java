package dev.flint.function;

/** The resource already exists, or another operation is in progress. (HTTP 409) */
public class ResourceConflictException extends FunctionException {

    public ResourceConflictException(String message) {
        super(message);
    }

    @Override
    public String errorType() {
        return "ResourceConflictException";
    }

    @Override
    public int httpStatus() {
        return 409;
    }
}
