package dev.flint.invoke;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/** Lambda's error bodies: {@code {"errorType": ..., "errorMessage": ...}}. */
final class LambdaErrors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LambdaErrors() {}

    static byte[] json(String errorType, String errorMessage) {
        ObjectNode n = JSON.createObjectNode();
        n.put("errorType", errorType);
        n.put("errorMessage", errorMessage);
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }
}
