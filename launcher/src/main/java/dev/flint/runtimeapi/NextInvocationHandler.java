package dev.flint.runtimeapi;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code GET /2018-06-01/runtime/invocation/next}: long poll; answered when an event is queued. */
final class NextInvocationHandler implements Endpoint {

    @Override
    public void handle(RuntimeApiServer env, String requestId, Request request, Response response, Callback callback) {
        env.next(new RuntimeApiServer.Parked(request, response, callback));
    }
}
