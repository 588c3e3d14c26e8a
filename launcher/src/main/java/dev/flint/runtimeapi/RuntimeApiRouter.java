package dev.flint.runtimeapi;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The one Jetty handler of the shared server: finds the env a connection belongs to, matches
 * method and path, and hands over to the endpoint handler. Unknown paths get chi's 404, known paths
 * with the wrong method chi's 405, as RIE does.
 */
final class RuntimeApiRouter extends Handler.Abstract {

    static final String PREFIX = "/2018-06-01/runtime/";

    private static final Endpoint NEXT = new NextInvocationHandler();
    private static final Endpoint RESPONSE = new InvocationResponseHandler();
    private static final Endpoint ERROR = new InvocationErrorHandler();
    private static final Endpoint INIT_ERROR = new InitErrorHandler();
    private static final Endpoint RESTORE_NEXT = new RestoreNextHandler();
    private static final Endpoint RESTORE_ERROR = new RestoreErrorHandler();

    private final RuntimeApiHost host;

    RuntimeApiRouter(RuntimeApiHost host) {
        this.host = host;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        RuntimeApiServer env = host.envOf(request);
        if (env == null) {
            // The env was closed while this connection was being set up.
            Responses.error(response, callback, 500, "InternalServerError", "Internal Server Error");
            return true;
        }
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        if (!path.startsWith(PREFIX)) {
            Responses.notFound(response, callback);
            return true;
        }
        String rest = path.substring(PREFIX.length());
        Endpoint endpoint;
        String requestId = null;
        String wantMethod;
        switch (rest) {
            case "invocation/next" -> { endpoint = NEXT; wantMethod = "GET"; }
            case "init/error" -> { endpoint = INIT_ERROR; wantMethod = "POST"; }
            case "restore/next" -> { endpoint = RESTORE_NEXT; wantMethod = "GET"; }
            case "restore/error" -> { endpoint = RESTORE_ERROR; wantMethod = "POST"; }
            default -> {
                int slash = rest.indexOf('/', "invocation/".length());
                if (!rest.startsWith("invocation/") || slash < 0) {
                    Responses.notFound(response, callback);
                    return true;
                }
                requestId = rest.substring("invocation/".length(), slash);
                String action = rest.substring(slash + 1);
                if (requestId.isEmpty() || requestId.indexOf('/') >= 0) {
                    Responses.notFound(response, callback);
                    return true;
                }
                if (action.equals("response")) {
                    endpoint = RESPONSE;
                } else if (action.equals("error")) {
                    endpoint = ERROR;
                } else {
                    Responses.notFound(response, callback);
                    return true;
                }
                wantMethod = "POST";
            }
        }
        if (!wantMethod.equals(method)) {
            Responses.methodNotAllowed(response, callback);
            return true;
        }
        endpoint.handle(env, requestId, request, response, callback);
        return true;
    }
}
