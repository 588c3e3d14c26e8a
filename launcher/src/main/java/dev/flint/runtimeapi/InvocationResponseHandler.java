package dev.flint.runtimeapi;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /2018-06-01/runtime/invocation/{id}/response}: 202 {@code {"status":"OK"}}; 400
 * {@code InvalidRequestID} for an id that is not the one in flight (unknown or already answered);
 * 413 {@code RequestEntityTooLarge} over 6 MiB + 100 B, and the caller then gets
 * {@code Function.ResponseSizeTooLarge}; 400 {@code InvalidFunctionResponseMode} for a response
 * mode other than {@code streaming} (streaming itself is not supported yet and is buffered).
 */
final class InvocationResponseHandler implements Endpoint {

    static final String RESPONSE_MODE_HEADER = "Lambda-Runtime-Function-Response-Mode";

    @Override
    public void handle(RuntimeApiServer env, String requestId, Request request, Response response, Callback callback)
            throws Exception {
        RuntimeApiServer.Pending pending = env.inFlight(requestId);
        if (pending == null) {
            Responses.readBody(request, 0); // drained, as Go's net/http does, so the connection stays usable
            Responses.invalidRequestId(response, callback);
            return;
        }
        String mode = request.getHeaders().get(RESPONSE_MODE_HEADER);
        if (mode != null && !mode.isEmpty() && !mode.equals("streaming")) {
            Responses.readBody(request, 0);
            if (env.complete(pending, new InvocationResult.FunctionError("Runtime.InvalidResponseModeHeader", new byte[0]))) {
                Responses.error(response, callback, 400, "InvalidFunctionResponseMode", "Invalid function response mode");
            } else {
                Responses.invalidRequestId(response, callback);
            }
            return;
        }
        Responses.Body body = Responses.readBody(request, RuntimeApiServer.MAX_PAYLOAD_SIZE);
        if (body.truncated()) {
            byte[] callerError = Responses.JSON.writeValueAsBytes(new ErrorResponse(
                    "Response payload size (" + body.size() + " bytes) exceeded maximum allowed payload size ("
                            + RuntimeApiServer.MAX_PAYLOAD_SIZE + " bytes).",
                    "Function.ResponseSizeTooLarge"));
            if (env.complete(pending, new InvocationResult.FunctionError("Function.ResponseSizeTooLarge", callerError))) {
                env.listener().onResponse(requestId);
                Responses.error(response, callback, 413, "RequestEntityTooLarge",
                        "Exceeded maximum allowed payload size (" + RuntimeApiServer.MAX_PAYLOAD_SIZE + " bytes).");
            } else {
                Responses.invalidRequestId(response, callback);
            }
            return;
        }
        String contentType = request.getHeaders().get("Content-Type");
        if (env.complete(pending, new InvocationResult.Success(body.bytes(), contentType))) {
            env.listener().onResponse(requestId);
            Responses.accepted(response, callback);
        } else {
            Responses.invalidRequestId(response, callback);
        }
    }
}
