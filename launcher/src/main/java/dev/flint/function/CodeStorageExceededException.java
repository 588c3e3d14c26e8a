package dev.flint.function;

/** The code storage limit was exceeded. (HTTP 400) */
public class CodeStorageExceededException extends FunctionException {

    public CodeStorageExceededException(String message) {
        super(message);
    }

    @Override
    public String errorType() {
        return "CodeStorageExceededException";
    }

    @Override
    public int httpStatus() {
        return 400;
    }
}
