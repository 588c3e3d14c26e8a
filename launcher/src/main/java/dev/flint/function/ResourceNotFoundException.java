package dev.flint.function;

/** The function (or other resource) does not exist. (HTTP 404) */
public class ResourceNotFoundException extends FunctionException {

    public ResourceNotFoundException(String message) {
        super(message);
    }

    @Override
    public String errorType() {
        return "ResourceNotFoundException";
    }

    @Override
    public int httpStatus() {
        return 404;
    }
}
