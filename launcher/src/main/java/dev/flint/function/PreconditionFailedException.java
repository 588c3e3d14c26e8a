package dev.flint.function;

/** A RevisionId or CodeSha256 precondition did not hold (HTTP 412). */
public class PreconditionFailedException extends FunctionException {

    public PreconditionFailedException(String message) {
        super(message);
    }

    @Override
    public String errorType() {
        return "PreconditionFailedException";
    }

    @Override
    public int httpStatus() {
        return 412;
    }
}
