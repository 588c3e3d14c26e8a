package dev.flint.runtimeapi;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /2018-06-01/runtime/restore/next} (SnapStart): ends Init, then stays parked until
 * {@link RuntimeApiServer#releaseRestore()}; answers 200 with an empty body.
 */
final class RestoreNextHandler implements Endpoint {

    @Override
    public void handle(RuntimeApiServer env, String requestId, Request request, Response response, Callback callback) {
        env.restoreNext(new RuntimeApiServer.Parked(request, response, callback));
    }
}
