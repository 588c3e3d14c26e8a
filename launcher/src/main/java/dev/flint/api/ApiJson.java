package dev.flint.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flint.function.AliasConfig;
import dev.flint.function.EventInvokeConfig;
import dev.flint.function.FunctionArns;
import dev.flint.function.FunctionConfig;
import dev.flint.function.SnapStartStore;
import dev.flint.function.ImageCode;
import dev.flint.image.ImageReference;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON in and out. In: lenient (unknown fields are ignored, as AWS does; a wrong type is an
 * InvalidRequestContentException). Out: AWS's shapes and field names (lambda-contract.md §6, §11).
 */
public final class ApiJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    /** The role flint reports: functions run as flint's sandbox user, not an IAM role. */
    static final String ROLE_NAME = "flint-function";

    private ApiJson() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    static byte[] bytes(Object node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("api: cannot serialise a response", e);
        }
    }

    /** The request body as a JSON object; an empty body is {@code {}}. */
    public static JsonNode parseObject(byte[] body) {
        if (body == null || body.length == 0) {
            return object();
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.invalidContent("Could not parse request body into json: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.invalidContent("Could not read request body: " + e.getMessage());
        }
        if (n == null || n.isMissingNode() || n.isNull()) {
            return object();
        }
        if (!n.isObject()) {
            throw ApiException.invalidContent("Could not parse request body into json: expected an object");
        }
        return n;
    }

    // ---- typed reads of optional fields --------------------------------------------------

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType(field, "a string");
        }
        return v.textValue();
    }

    static Integer integer(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw wrongType(field, "an integer");
        }
        return v.intValue();
    }

    static Boolean bool(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw wrongType(field, "a boolean");
        }
        return v.booleanValue();
    }

    static Double number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw wrongType(field, "a number");
        }
        return v.doubleValue();
    }

    /** An object field, or an empty object when absent or null. */
    static JsonNode objectField(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return object();
        }
        if (!v.isObject()) {
            throw wrongType(field, "an object");
        }
        return v;
    }

    static boolean has(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && !v.isNull();
    }

    /** A list of strings; null when absent. */
    static java.util.List<String> stringList(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw wrongType(field, "a list of strings");
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw wrongType(field, "a list of strings");
            }
            out.add(e.textValue());
        }
        return out;
    }

    /** A string-to-string map; null when absent. */
    static Map<String, String> stringMap(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw wrongType(field, "an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw wrongType(field + "." + e.getKey(), "a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    private static ApiException wrongType(String field, String expected) {
        return ApiException.invalidContent("Could not parse request body into json: field '" + field
                + "' must be " + expected);
    }

    // ---- output shapes ---------------------------------------------------------------------

    static String roleArn() {
        return "arn:aws:iam::" + FunctionArns.account() + ":role/" + ROLE_NAME;
    }

    /**
     * FunctionConfiguration (GetFunctionConfiguration, CreateFunction, PublishVersion, ...), with
     * SnapStart's ApplyOn and, for a version, its optimization status and failure from the store.
     */
    public static ObjectNode configuration(FunctionConfig fn, SnapStartStore store) {
        ObjectNode n = object();
        n.put("FunctionName", fn.name());
        n.put("FunctionArn", fn.isLatest() ? fn.functionArn() : fn.versionArn());
        if (!fn.isImage()) {
            n.put("Runtime", fn.runtime());
        }
        n.put("Role", roleArn());
        if (!fn.isImage()) {
            n.put("Handler", fn.handler());
        }
        n.put("CodeSize", fn.codeSize());
        n.put("Description", fn.description() == null ? "" : fn.description());
        n.put("Timeout", fn.timeoutSeconds());
        n.put("MemorySize", fn.memoryMb());
        n.put("LastModified", fn.lastModifiedText());
        n.put("CodeSha256", fn.codeSha256());
        n.put("Version", fn.version());
        if (!fn.environment().isEmpty()) {
            ObjectNode vars = n.putObject("Environment").putObject("Variables");
            fn.environment().forEach(vars::put);
        }
        n.putObject("TracingConfig").put("Mode", "PassThrough");
        n.put("RevisionId", fn.revisionId());
        n.put("State", "Active");
        n.put("LastUpdateStatus", "Successful");
        n.put("PackageType", fn.packageType());
        if (fn.isImage() && !fn.imageCode().overrides().isEmpty()) {
            putImageConfig(n.putObject("ImageConfigResponse"), fn.imageCode().overrides());
        }
        n.putArray("Architectures").add("x86_64");
        n.putObject("EphemeralStorage").put("Size", fn.ephemeralStorageMb());
        ObjectNode snap = n.putObject("SnapStart");
        snap.put("ApplyOn", store.applyOn(fn.name()));
        snap.put("OptimizationStatus", fn.isLatest() ? "Off" : store.optimizationStatus(fn.name(), fn.version()));
        ObjectNode logging = n.putObject("LoggingConfig");
        logging.put("LogFormat", "Text");
        logging.put("LogGroup", "/aws/lambda/" + fn.name());
        if (!fn.isLatest()) {
            store.failure(fn.name(), fn.version()).ifPresent(reason -> {
                n.put("State", "Failed");
                n.put("StateReason", reason);
                n.put("StateReasonCode", "FunctionError");
            });
        }
        return n;
    }

    /**
     * GetFunction's Code.ResolvedImageUri: the ImageUri with its tag replaced by the digest the
     * function is pinned to ({@code REPO@sha256:...}).
     */
    public static String resolvedImageUri(ImageCode image) {
        String uri = image.imageUri();
        try {
            if (ImageReference.looksLikeReference(uri) && !uri.startsWith("sha256:")) {
                ImageReference r = ImageReference.parse(uri);
                return r.withDigest(image.imageDigest());
            }
        } catch (RuntimeException e) {
            // not a reference: a store name
        }
        return (uri.startsWith("sha256:") ? image.imageName() : uri) + "@" + image.imageDigest();
    }

    /** AliasConfiguration; RoutingConfig only when the alias routes to a second version. */
    public static ObjectNode alias(AliasConfig a) {
        ObjectNode n = object();
        n.put("AliasArn", a.aliasArn());
        n.put("Name", a.name());
        n.put("FunctionVersion", a.functionVersion());
        n.put("Description", a.description());
        if (!a.additionalVersionWeights().isEmpty()) {
            ObjectNode w = n.putObject("RoutingConfig").putObject("AdditionalVersionWeights");
            a.additionalVersionWeights().forEach(w::put);
        }
        n.put("RevisionId", a.revisionId());
        return n;
    }

    /**
     * FunctionEventInvokeConfig. LastModified is a timestamp, which REST-JSON sends as epoch
     * seconds (a number with a fraction), unlike FunctionConfiguration's LastModified string.
     */
    public static ObjectNode eventInvokeConfig(EventInvokeConfig c) {
        ObjectNode n = object();
        n.put("LastModified", new BigDecimal(c.lastModified().toEpochMilli()).movePointLeft(3));
        n.put("FunctionArn", c.functionArn());
        if (c.maximumRetryAttempts() != null) {
            n.put("MaximumRetryAttempts", c.maximumRetryAttempts());
        }
        if (c.maximumEventAgeInSeconds() != null) {
            n.put("MaximumEventAgeInSeconds", c.maximumEventAgeInSeconds());
        }
        ObjectNode dest = n.putObject("DestinationConfig");
        ObjectNode ok = dest.putObject("OnSuccess");
        ObjectNode fail = dest.putObject("OnFailure");
        if (c.onSuccessDestination() != null) {
            ok.put("Destination", c.onSuccessDestination());
        }
        if (c.onFailureDestination() != null) {
            fail.put("Destination", c.onFailureDestination());
        }
        return n;
    }

    /** ImageConfig {EntryPoint, Command, WorkingDirectory} under parent, the fields that are set. */
    public static void putImageConfig(ObjectNode parent, ImageCode.ImageOverrides o) {
        ObjectNode ic = parent.putObject("ImageConfig");
        if (o.entryPoint() != null) {
            o.entryPoint().forEach(ic.putArray("EntryPoint")::add);
        }
        if (o.command() != null) {
            o.command().forEach(ic.putArray("Command")::add);
        }
        if (o.workingDirectory() != null) {
            ic.put("WorkingDirectory", o.workingDirectory());
        }
    }
}
