package dev.flint.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP answer of the API: status, headers, body. JSON bodies are sent as
 * {@code application/json}; an empty body (204, 202) has no content type.
 */
public record ApiResponse(int status, Map<String, String> headers, byte[] body) {

    public static final String JSON_TYPE = "application/json";

    public ApiResponse {
        headers = new LinkedHashMap<>(headers);
        body = body == null ? new byte[0] : body;
    }

    public static ApiResponse json(int status, Object node) {
        return new ApiResponse(status, Map.of("Content-Type", JSON_TYPE), ApiJson.bytes(node));
    }

    public static ApiResponse empty(int status) {
        return new ApiResponse(status, Map.of(), new byte[0]);
    }

    public ApiResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiResponse(status, h, body);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
