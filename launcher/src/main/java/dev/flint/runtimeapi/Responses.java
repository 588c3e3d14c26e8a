package dev.flint.runtimeapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Rendering shared by the endpoint handlers. Bodies match RIE byte for byte: Go's
 * {@code json.Encoder} writes compact JSON plus a trailing newline, with
 * {@code Content-Type: application/json}.
 */
final class Responses {

    static final ObjectMapper JSON = new ObjectMapper();

    static final String INVALID_STATE_TRANSITION = "InvalidStateTransition";
    /** RIE {@code StateTransitionFailedForRuntimeMessageFormat}. */
    static final String STATE_TRANSITION_FORMAT = "State transition from %s to %s failed for runtime. Error: %s";

    private Responses() {}

    static byte[] json(Object value) {
        try {
            byte[] body = JSON.writeValueAsBytes(value);
            byte[] withNewline = Arrays.copyOf(body, body.length + 1);
            withNewline[body.length] = '\n';
            return withNewline;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("runtime api: cannot render " + value, e);
        }
    }

    static void send(Response response, Callback callback, int status, String contentType, byte[] body) {
        response.setStatus(status);
        if (contentType != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    static void accepted(Response response, Callback callback) {
        send(response, callback, 202, "application/json", json(StatusResponse.OK));
    }

    static void error(Response response, Callback callback, int status, String errorType, String message) {
        send(response, callback, status, "application/json", json(new ErrorResponse(message, errorType)));
    }

    static void invalidRequestId(Response response, Callback callback) {
        error(response, callback, 400, "InvalidRequestID", "Invalid request ID");
    }

    static void invalidState(Response response, Callback callback, String from, String to, String why) {
        error(response, callback, 403, INVALID_STATE_TRANSITION, String.format(STATE_TRANSITION_FORMAT, from, to, why));
    }

    /** chi's default 404. */
    static void notFound(Response response, Callback callback) {
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        send(response, callback, 404, "text/plain; charset=utf-8", "404 page not found\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** chi's default 405: no body. */
    static void methodNotAllowed(Response response, Callback callback) {
        send(response, callback, 405, null, new byte[0]);
    }

    /** A request body read with a cap; {@code size} counts every byte sent, kept or not. */
    record Body(byte[] bytes, long size) {
        boolean truncated() {
            return size > bytes.length;
        }
    }

    /**
     * Reads the body, keeping at most {@code max} bytes and counting (then discarding) the rest so
     * the connection stays usable. Blocks the calling Jetty thread; bodies are at most a few MB.
     */
    static Body readBody(Request request, int max) throws IOException {
        long declared = request.getLength();
        byte[] buf = new byte[(int) Math.min(max, declared >= 0 ? declared : 8192)];
        int kept = 0;
        long total = 0;
        byte[] scratch = null;
        try (InputStream in = Content.Source.asInputStream(request)) {
            while (true) {
                if (kept < max) {
                    if (kept == buf.length) {
                        buf = Arrays.copyOf(buf, (int) Math.min(max, Math.max(8192L, buf.length * 2L)));
                    }
                    int n = in.read(buf, kept, buf.length - kept);
                    if (n < 0) {
                        break;
                    }
                    kept += n;
                    total += n;
                } else {
                    if (scratch == null) {
                        scratch = new byte[65536];
                    }
                    int n = in.read(scratch);
                    if (n < 0) {
                        break;
                    }
                    total += n;
                }
            }
        }
        return new Body(kept == buf.length ? buf : Arrays.copyOf(buf, kept), total);
    }
}
