package dev.flint.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flint.function.FunctionConfig;

/** A function's configuration in the shape of Lambda's GetFunctionConfiguration response. */
final class FunctionJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FunctionJson() {}

    static ObjectNode configuration(FunctionConfig fn) {
        ObjectNode n = JSON.createObjectNode();
        n.put("FunctionName", fn.name());
        n.put("FunctionArn", fn.functionArn());
        n.put("Runtime", fn.runtime());
        n.put("Handler", fn.handler());
        n.put("CodeSize", fn.codeSize());
        n.put("Description", fn.description() == null ? "" : fn.description());
        n.put("Timeout", fn.timeoutSeconds());
        n.put("MemorySize", fn.memoryMb());
        n.put("LastModified", fn.lastModifiedText());
        n.put("CodeSha256", fn.codeSha256());
        n.put("Version", fn.version());
        ObjectNode vars = n.putObject("Environment").putObject("Variables");
        fn.environment().forEach(vars::put);
        n.putObject("EphemeralStorage").put("Size", fn.ephemeralStorageMb());
        n.put("State", "Active");
        n.put("LastUpdateStatus", "Successful");
        n.put("PackageType", "Zip");
        n.putArray("Architectures").add("x86_64");
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
