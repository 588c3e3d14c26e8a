package dev.flint.runtimeapi;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One Runtime API route (firecracker {@code api_server/request/*} model): the router matches
 * method and path, then hands the env and the path's request id (or null) to the handler, which
 * must complete {@code callback} exactly once, now or later.
 */
interface Endpoint {

    void handle(RuntimeApiServer env, String requestId, Request request, Response response, Callback callback)
            throws Exception;
}
