package dev.flint.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flint.api.ApiJson;
import dev.flint.function.FunctionConfig;
import dev.flint.function.SnapStartStore;

/** Lambda's JSON shapes as the CLI prints and sends them (the daemon's own shapes are in {@link ApiJson}). */
final class FunctionJson {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FunctionJson() {}

    /** The same shape flint serve returns (GetFunctionConfiguration). */
    static ObjectNode configuration(FunctionConfig fn, SnapStartStore snapStart) {
        return ApiJson.configuration(fn, snapStart);
    }

    /** CreateFunction's request body (Code.ZipFile base64). */
    static ObjectNode createRequest(String name, String runtime, String handler, byte[] zip, Integer memoryMb,
            Integer timeoutSeconds, java.util.Map<String, String> env, Integer ephemeralMb, String description,
            String snapStart) {
        ObjectNode n = configurationRequest(runtime, handler, memoryMb, timeoutSeconds, env, ephemeralMb, description,
                snapStart);
        n.put("FunctionName", name);
        n.putObject("Code").put("ZipFile", java.util.Base64.getEncoder().encodeToString(zip));
        n.put("PackageType", "Zip");
        return n;
    }

    /** CreateFunction's request body for PackageType Image (Code.ImageUri, ImageConfig). */
    static ObjectNode createImageRequest(String name, String imageUri, dev.flint.function.ImageCode.ImageOverrides o,
            Integer memoryMb, Integer timeoutSeconds, java.util.Map<String, String> env, Integer ephemeralMb,
            String description, String snapStart) {
        ObjectNode n = configurationRequest(null, null, memoryMb, timeoutSeconds, env, ephemeralMb, description,
                snapStart);
        n.put("FunctionName", name);
        n.put("PackageType", "Image");
        n.putObject("Code").put("ImageUri", imageUri);
        if (o != null) {
            ApiJson.putImageConfig(n, o);
        }
        return n;
    }

    /** UpdateFunctionCode's request body. */
    static ObjectNode codeRequest(byte[] zip) {
        ObjectNode n = JSON.createObjectNode();
        n.put("ZipFile", java.util.Base64.getEncoder().encodeToString(zip));
        return n;
    }

    /** UpdateFunctionConfiguration's request body: only the fields given (null = unchanged). */
    static ObjectNode configurationRequest(String runtime, String handler, Integer memoryMb, Integer timeoutSeconds,
            java.util.Map<String, String> env, Integer ephemeralMb, String description, String snapStart) {
        ObjectNode n = JSON.createObjectNode();
        if (snapStart != null) {
            n.putObject("SnapStart").put("ApplyOn", snapStart);
        }
        if (runtime != null) {
            n.put("Runtime", runtime);
        }
        if (handler != null) {
            n.put("Handler", handler);
        }
        if (memoryMb != null) {
            n.put("MemorySize", memoryMb);
        }
        if (timeoutSeconds != null) {
            n.put("Timeout", timeoutSeconds);
        }
        if (env != null) {
            ObjectNode vars = n.putObject("Environment").putObject("Variables");
            env.forEach(vars::put);
        }
        if (ephemeralMb != null) {
            n.putObject("EphemeralStorage").put("Size", ephemeralMb);
        }
        if (description != null) {
            n.put("Description", description);
        }
        return n;
    }

    static String pretty(Object node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
