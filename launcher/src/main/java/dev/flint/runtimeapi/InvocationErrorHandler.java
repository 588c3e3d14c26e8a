package dev.flint.runtimeapi;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /2018-06-01/runtime/invocation/{id}/error}: 202; 400 {@code InvalidRequestID} for an
 * id that is not in flight. Header {@code Lambda-Runtime-Function-Error-Type} and the error JSON
 * body go to the invoke layer as {@link InvocationResult.FunctionError}.
 */
final class InvocationErrorHandler implements Endpoint {

    static final String ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type";

    @Override
    public void handle(RuntimeApiServer env, String requestId, Request request, Response response, Callback callback)
            throws Exception {
        RuntimeApiServer.Pending pending = env.inFlight(requestId);
        if (pending == null) {
            Responses.readBody(request, 0); // drained, as Go's net/http does, so the connection stays usable
            Responses.invalidRequestId(response, callback);
            return;
        }
        String errorType = request.getHeaders().get(ERROR_TYPE_HEADER);
        // An error body over the limit is cut, not refused: the caller still learns that the function failed.
        Responses.Body body = Responses.readBody(request, RuntimeApiServer.MAX_PAYLOAD_SIZE);
        if (env.complete(pending, new InvocationResult.FunctionError(errorType, body.bytes()))) {
            env.listener().onError(requestId, errorType);
            Responses.accepted(response, callback);
        } else {
            Responses.invalidRequestId(response, callback);
        }
    }
}
