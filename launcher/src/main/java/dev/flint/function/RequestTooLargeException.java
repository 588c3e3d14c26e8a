package dev.flint.function;

/** The request (for example the zipped code) is larger than allowed. (HTTP 413) */
public class RequestTooLargeException extends FunctionException {

    public RequestTooLargeException(String message) {
        super(message);
    }

    @Override
    public String errorType() {
        return "RequestTooLargeException";
    }

    @Override
    public int httpStatus() {
        return 413;
    }
}
