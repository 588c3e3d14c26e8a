package dev.flint.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error of the API layer itself, with AWS's error type and HTTP status: a malformed request,
 * an unknown operation, a body over the size limit, a throttle. Errors of the layers below carry
 * their own type and status ({@code errorType()}/{@code httpStatus()}); {@link ApiErrors} maps both.
 *
 * @see ApiErrors
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String errorType;
    private final int httpStatus;
    private final transient Map<String, String> extraFields;
    private final transient Map<String, String> headers;

    public ApiException(String errorType, int httpStatus, String message) {
        this(errorType, httpStatus, message, Map.of(), Map.of());
    }

    public ApiException(String errorType, int httpStatus, String message, Map<String, String> extraFields,
            Map<String, String> headers) {
        super(message);
        this.errorType = errorType;
        this.httpStatus = httpStatus;
        this.extraFields = Map.copyOf(extraFields);
        this.headers = Map.copyOf(headers);
    }

    public String errorType() {
        return errorType;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Body fields besides Type and message (e.g. TooManyRequestsException's Reason). */
    public Map<String, String> extraFields() {
        return extraFields;
    }

    /** Response headers besides x-amzn-ErrorType (e.g. Retry-After). */
    public Map<String, String> headers() {
        return headers;
    }

    /** 400 InvalidRequestContentException: the body is not the JSON the operation expects. */
    public static ApiException invalidContent(String message) {
        return new ApiException("InvalidRequestContentException", 400, message);
    }

    /** 400 InvalidParameterValueException. */
    public static ApiException invalidParameter(String message) {
        return new ApiException("InvalidParameterValueException", 400, message);
    }

    /** 404 ResourceNotFoundException. */
    public static ApiException notFound(String message) {
        return new ApiException("ResourceNotFoundException", 404, message);
    }

    /** 404 UnknownOperationException: no operation has this method and path. */
    public static ApiException unknownOperation(String method, String path) {
        return new ApiException("UnknownOperationException", 404, "Unknown operation: " + method + " " + path);
    }

    /**
     * 413 for a request body over the operation's limit. AWS's front end answers these with
     * {@code RequestEntityTooLargeException} and "Request must be smaller than N bytes for the
     * OPERATION operation" (observed for CreateFunction, UpdateFunctionCode and Invoke).
     */
    public static ApiException entityTooLarge(long limit, String operation) {
        return new ApiException(ApiLimits.TOO_LARGE_ERROR_TYPE, 413,
                "Request must be smaller than " + limit + " bytes for the " + operation + " operation");
    }

    /**
     * 429 TooManyRequestsException: {@code {"Reason":…,"Type":"User","message":"Rate Exceeded."}}
     * with {@code Retry-After}.
     */
    public static ApiException tooManyRequests(String reason, long retryAfterSeconds) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("Reason", reason);
        return new ApiException("TooManyRequestsException", 429, "Rate Exceeded.", extra,
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }
}
