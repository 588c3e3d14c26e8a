package dev.flint.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One API request, independent of Jetty so operations can be tested without a server. The body is
 * read only when an operation asks for it, with that operation's size limit.
 *
 * @param segments the path split on '/', each segment URL-decoded; a trailing slash adds nothing
 */
public record ApiRequest(String method, String path, List<String> segments, Map<String, String> query,
        Map<String, String> headers, Body body) {

    /** Reads the body, refusing more than {@code limit} bytes with AWS's 413. */
    @FunctionalInterface
    public interface Body {
        byte[] read(long limit, String operation);
    }

    public ApiRequest {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        headers = h;
        query = Map.copyOf(query);
        segments = List.copyOf(segments);
    }

    /** A request with an in-memory body (tests, and bodies already read). */
    public static ApiRequest of(String method, String rawPathAndQuery, Map<String, String> headers, byte[] body) {
        int q = rawPathAndQuery.indexOf('?');
        String rawPath = q < 0 ? rawPathAndQuery : rawPathAndQuery.substring(0, q);
        Map<String, String> query = new TreeMap<>();
        if (q >= 0) {
            for (String pair : rawPathAndQuery.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = decode(eq < 0 ? pair : pair.substring(0, eq));
                String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
                query.putIfAbsent(k, v);
            }
        }
        byte[] b = body == null ? new byte[0] : body;
        return new ApiRequest(method, rawPath, splitPath(rawPath), query, headers, (limit, op) -> {
            if (b.length > limit) {
                throw ApiException.entityTooLarge(limit, op);
            }
            return b;
        });
    }

    /** Splits a raw (still encoded) path into decoded segments. */
    public static List<String> splitPath(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                out.add(decode(s));
            }
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidParameter("malformed URL encoding in '" + s + "'");
        }
    }

    public String header(String name) {
        return headers.get(name);
    }

    public String header(String name, String fallback) {
        String v = headers.get(name);
        return v == null || v.isEmpty() ? fallback : v;
    }

    public String queryParam(String name) {
        String v = query.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    public byte[] readBody(long limit, String operation) {
        return body.read(limit, operation);
    }

    String describe() {
        return method.toUpperCase(Locale.ROOT) + " " + path;
    }
}
