package dev.flint.runtimeapi;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /2018-06-01/runtime/init/error}: 202 and {@link RuntimeApiServer#initOutcome()} fails;
 * 403 {@code InvalidStateTransition} once Init is over.
 */
final class InitErrorHandler implements Endpoint {

    @Override
    public void handle(RuntimeApiServer env, String requestId, Request request, Response response, Callback callback)
            throws Exception {
        String errorType = request.getHeaders().get(InvocationErrorHandler.ERROR_TYPE_HEADER);
        Responses.Body body = Responses.readBody(request, RuntimeApiServer.MAX_PAYLOAD_SIZE);
        String refused = env.initError(errorType, body.bytes());
        if (refused != null) {
            Responses.invalidState(response, callback, refused, "InitError", "init is over");
            return;
        }
        Responses.accepted(response, callback);
    }
}
