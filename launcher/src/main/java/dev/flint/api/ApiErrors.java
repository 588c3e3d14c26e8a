package dev.flint.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flint.function.FunctionException;
import dev.flint.image.ImageNotFoundException;
import dev.flint.invoke.InvokeException;
import dev.flint.invoke.TooManyRequestsException;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns any exception into AWS's error response: the status, {@code x-amzn-ErrorType: <Type>},
 * and {@code {"Type":"User","message":"..."}} ({@code "Message"} for the types AWS capitalises,
 * lambda-contract.md §6). Anything unexpected is a 500 ServiceException whose message does not
 * leak internals; the stack trace goes to the log.
 */
public final class ApiErrors {
    private static final Logger LOG = Logger.getLogger(ApiErrors.class.getName());

    /** Types whose body capitalises "Message" (AWS's own inconsistency, kept for the SDKs). */
    static final Set<String> CAPITAL_MESSAGE = Set.of("ResourceNotFoundException", "ServiceException",
            "EC2AccessDeniedException", "EC2ThrottledException", "EC2UnexpectedException",
            "EFSIOException", "EFSMountConnectivityException", "EFSMountFailureException",
            "EFSMountTimeoutException", "ENILimitReachedException", "KMSAccessDeniedException",
            "KMSDisabledException", "KMSInvalidStateException", "KMSNotFoundException");

    private ApiErrors() {}

    public static ApiResponse toResponse(Throwable e) {
        if (e instanceof ApiException a) {
            return error(a.errorType(), a.httpStatus(), a.getMessage(), a.extraFields(), a.headers());
        }
        if (e instanceof FunctionException f) {
            return error(f.errorType(), f.httpStatus(), f.getMessage(), Map.of(), Map.of());
        }
        if (e instanceof TooManyRequestsException t) {
            ApiException a = ApiException.tooManyRequests(t.reason(), 1);
            return error(a.errorType(), a.httpStatus(), a.getMessage(), a.extraFields(), a.headers());
        }
        if (e instanceof InvokeException i) {
            return error(i.errorType(), i.httpStatus(), i.getMessage(), Map.of(), Map.of());
        }
        if (e instanceof ImageNotFoundException) {
            // the function's runtime image is not installed on this host
            return error("InvalidRuntimeException", 502, e.getMessage(), Map.of(), Map.of());
        }
        LOG.log(Level.WARNING, "api: internal error", e);
        return error("ServiceException", 500, "flint: internal error: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse("")),
                Map.of(), Map.of());
    }

    static ApiResponse error(String type, int status, String message, Map<String, String> extra,
            Map<String, String> headers) {
        ObjectNode body = ApiJson.object();
        extra.forEach(body::put);
        body.put("Type", status >= 500 ? "Service" : "User");
        body.put(CAPITAL_MESSAGE.contains(type) ? "Message" : "message", message);
        ApiResponse r = ApiResponse.json(status, body).withHeader("x-amzn-ErrorType", type);
        for (Map.Entry<String, String> h : headers.entrySet()) {
            r = r.withHeader(h.getKey(), h.getValue());
        }
        return r;
    }
}
