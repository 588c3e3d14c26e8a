package dev.flint.function;

/**
 * A value broke a constraint of the API model (range, length, pattern, enum). AWS reports these
 * as {@code ValidationException} with "1 validation error detected: Value '...' at 'field'
 * failed to satisfy constraint: ..."; it is a subtype of {@link InvalidParameterValueException}
 * so callers can treat every bad input alike.
 */
public class ValidationException extends InvalidParameterValueException {

    public ValidationException(String message) {
        super(message);
    }

    /** "1 validation error detected: Value 'VALUE' at 'FIELD' failed to satisfy constraint: CONSTRAINT". */
    static ValidationException of(Object value, String field, String constraint) {
        return new ValidationException("1 validation error detected: Value '" + value + "' at '"
                + field + "' failed to satisfy constraint: " + constraint);
    }

    @Override
    public String errorType() {
        return "ValidationException";
    }
}
