package dev.flint.function;

/** A parameter's value is not acceptable (HTTP 400). */
public class InvalidParameterValueException extends FunctionException {

    public InvalidParameterValueException(String message) {
        super(message);
    }

    public InvalidParameterValueException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String errorType() {
        return "InvalidParameterValueException";
    }

    @Override
    public int httpStatus() {
        return 400;
    }
}
