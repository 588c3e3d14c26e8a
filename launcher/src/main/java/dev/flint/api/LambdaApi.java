package dev.flint.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flint.function.AliasConfig;
import dev.flint.function.EventInvokeConfig;
import dev.flint.function.FunctionConfig;
import dev.flint.function.FunctionDefinition;
import dev.flint.function.FunctionRegistry;
import dev.flint.function.FunctionUpdate;
import dev.flint.function.ImageCode;
import dev.flint.function.ImageFunctions;
import dev.flint.function.ResolvedFunction;
import dev.flint.function.SnapStartStore;
import dev.flint.image.ImageStore;
import dev.flint.invoke.InvokeResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.OptionalInt;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The operations of the Lambda REST API, routed by method and path (lambda-contract.md §6):
 * request in, response out, no Jetty. Every error becomes AWS's error response in
 * {@link #handle}.
 */
public final class LambdaApi {
    static final String V_FUNCTIONS = "2015-03-31";
    static final String V_CONCURRENCY_PUT = "2017-10-31";
    static final String V_CONCURRENCY_GET = "2019-09-30";
    static final String V_EVENT_CONFIG = "2019-09-25";
    static final String V_ACCOUNT = "2016-08-19";

    private final FunctionRegistry registry;
    private final Invoker invoker;
    private final AsyncInvoker asyncInvoker;
    private final Path tempDir;
    private final RandomGenerator random;
    private volatile Consumer<FunctionConfig> snapStart = version -> {};
    private final ImageStore images;

    /** @param tempDir where uploaded ZIPs are written before the code store takes them */
    public LambdaApi(FunctionRegistry registry, Invoker invoker, AsyncInvoker asyncInvoker, Path tempDir) {
        this(registry, invoker, asyncInvoker, tempDir, null, null);
    }

    /** @param images where {@code PackageType: Image} functions find their {@code ImageUri} (null: Zip only) */
    public LambdaApi(FunctionRegistry registry, Invoker invoker, AsyncInvoker asyncInvoker, Path tempDir,
            ImageStore images) {
        this(registry, invoker, asyncInvoker, tempDir, images, null);
    }

    /** @param random picks a weighted alias's version per request (null: ThreadLocalRandom) */
    LambdaApi(FunctionRegistry registry, Invoker invoker, AsyncInvoker asyncInvoker, Path tempDir,
            ImageStore images, RandomGenerator random) {
        this.registry = registry;
        this.invoker = invoker;
        this.asyncInvoker = asyncInvoker;
        this.tempDir = tempDir;
        this.images = images;
        this.random = random;
    }

    /**
     * What runs right after PublishVersion (and CreateFunction/UpdateFunctionCode with Publish):
     * SnapStart's optimization of the new version. A failure is recorded by it and shows as the
     * version's State; the publish itself stands.
     */
    public LambdaApi withSnapStart(Consumer<FunctionConfig> afterPublish) {
        this.snapStart = afterPublish;
        return this;
    }

    private FunctionConfig published(FunctionConfig version) {
        try {
            snapStart.accept(version);
        } catch (RuntimeException e) {
            // recorded with the version (State Failed, StateReason); the publish stands, as on Lambda
        }
        return version;
    }

    private ObjectNode configuration(FunctionConfig fn) {
        return ApiJson.configuration(fn, registry.snapStart());
    }

    /** SnapStart.ApplyOn from a request body, checked; null when absent. */
    private static String snapStartApplyOn(JsonNode body) {
        if (!ApiJson.has(body, "SnapStart")) {
            return null;
        }
        String applyOn = ApiJson.text(ApiJson.objectField(body, "SnapStart"), "ApplyOn");
        if (applyOn == null) {
            return null;
        }
        if (!(applyOn.equals(SnapStartStore.PUBLISHED_VERSIONS) || applyOn.equals(SnapStartStore.NONE))) {
            throw ApiException.invalidParameter("1 validation error detected: Value '" + applyOn
                    + "' at 'snapStart.applyOn' failed to satisfy constraint: Member must satisfy enum value set:"
                    + " [PublishedVersions, None]");
        }
        return applyOn;
    }

    /** Routes and runs one request; never throws (errors are AWS error responses). */
    public ApiResponse handle(ApiRequest req) {
        try {
            return route(req);
        } catch (RuntimeException e) {
            return ApiErrors.toResponse(e);
        }
    }

    private ApiResponse route(ApiRequest req) {
        List<String> s = req.segments();
        String m = req.method();
        int n = s.size();
        if (n >= 2 && V_FUNCTIONS.equals(s.get(0)) && "functions".equals(s.get(1))) {
            if (n == 2) {
                switch (m) {
                    case "POST": return createFunction(req);
                    case "GET": return listFunctions(req);
                    default: break;
                }
            } else if (n == 3) {
                switch (m) {
                    case "GET": return getFunction(req, s.get(2));
                    case "DELETE": return deleteFunction(req, s.get(2));
                    default: break;
                }
            } else if (n == 4) {
                String fn = s.get(2);
                switch (s.get(3) + " " + m) {
                    case "configuration GET": return getConfiguration(req, fn);
                    case "configuration PUT": return updateConfiguration(req, fn);
                    case "code PUT": return updateCode(req, fn);
                    case "invocations POST": return invoke(req, fn);
                    case "versions POST": return publishVersion(req, fn);
                    case "versions GET": return listVersions(req, fn);
                    case "aliases POST": return createAlias(req, fn);
                    case "aliases GET": return listAliases(req, fn);
                    default: break;
                }
            } else if (n == 5 && "aliases".equals(s.get(3))) {
                switch (m) {
                    case "GET": return getAlias(req, s.get(2), s.get(4));
                    case "PUT": return updateAlias(req, s.get(2), s.get(4));
                    case "DELETE": return deleteAlias(req, s.get(2), s.get(4));
                    default: break;
                }
            }
        } else if (n == 4 && "functions".equals(s.get(1)) && "concurrency".equals(s.get(3))) {
            if (V_CONCURRENCY_PUT.equals(s.get(0)) && "PUT".equals(m)) {
                return putConcurrency(req, s.get(2));
            }
            if (V_CONCURRENCY_PUT.equals(s.get(0)) && "DELETE".equals(m)) {
                return deleteConcurrency(req, s.get(2));
            }
            if (V_CONCURRENCY_GET.equals(s.get(0)) && "GET".equals(m)) {
                return getConcurrency(req, s.get(2));
            }
        } else if (n >= 4 && V_EVENT_CONFIG.equals(s.get(0)) && "functions".equals(s.get(1))
                && "event-invoke-config".equals(s.get(3))) {
            if (n == 4) {
                switch (m) {
                    case "PUT": return putEventInvokeConfig(req, s.get(2), true);
                    case "POST": return putEventInvokeConfig(req, s.get(2), false);
                    case "GET": return getEventInvokeConfig(req, s.get(2));
                    case "DELETE": return deleteEventInvokeConfig(req, s.get(2));
                    default: break;
                }
            } else if (n == 5 && "list".equals(s.get(4)) && "GET".equals(m)) {
                return listEventInvokeConfigs(req, s.get(2));
            }
        } else if (n == 2 && V_ACCOUNT.equals(s.get(0)) && "account-settings".equals(s.get(1)) && "GET".equals(m)) {
            return accountSettings();
        }
        throw ApiException.unknownOperation(m, req.path());
    }

    // ---- functions ---------------------------------------------------------------------------

    private ApiResponse createFunction(ApiRequest req) {
        JsonNode body = ApiJson.parseObject(req.readBody(ApiLimits.CODE_REQUEST_BYTES, "CreateFunction"));
        String packageType = ApiJson.text(body, "PackageType");
        if (packageType != null && !FunctionConfig.ZIP.equals(packageType) && !FunctionConfig.IMAGE.equals(packageType)) {
            throw new ApiException("ValidationException", 400, "1 validation error detected: Value '" + packageType
                    + "' at 'packageType' failed to satisfy constraint: Member must satisfy enum value set: [Zip, Image]");
        }
        checkArchitectures(body);
        if (FunctionConfig.IMAGE.equals(packageType)) {
            return createImageFunction(body);
        }
        // every field is read (and type-checked) before the ZIP is decoded and written
        CreateFields f = CreateFields.of(body);
        JsonNode code = ApiJson.objectField(body, "Code");
        if (ApiJson.has(code, "ImageUri")) {
            throw ApiException.invalidParameter("Please don't provide ImageUri when the intended function PackageType"
                    + " is Zip.");
        }
        Path zip = writeZip(code, "CreateFunction");
        FunctionConfig created;
        try {
            created = registry.create(new FunctionDefinition(f.name, f.runtime, f.handler, zip, f.memory, f.timeout,
                    f.vars, f.ephemeral, f.description));
        } finally {
            deleteQuietly(zip);
        }
        return created(created, f);
    }

    /** CreateFunction's fields common to both package types, read and type-checked up front. */
    private record CreateFields(String name, String runtime, String handler, Integer memory, Integer timeout,
            Map<String, String> vars, Integer ephemeral, String description, Boolean publish, String snapStartApplyOn) {
        static CreateFields of(JsonNode body) {
            return new CreateFields(ApiJson.text(body, "FunctionName"), ApiJson.text(body, "Runtime"),
                    ApiJson.text(body, "Handler"), ApiJson.integer(body, "MemorySize"), ApiJson.integer(body, "Timeout"),
                    ApiJson.stringMap(ApiJson.objectField(body, "Environment"), "Variables"),
                    ApiJson.integer(ApiJson.objectField(body, "EphemeralStorage"), "Size"),
                    ApiJson.text(body, "Description"), ApiJson.bool(body, "Publish"), LambdaApi.snapStartApplyOn(body));
        }
    }

    /** After CreateFunction made the function: its SnapStart setting, Publish, the 201. */
    private ApiResponse created(FunctionConfig created, CreateFields f) {
        if (f.snapStartApplyOn != null) {
            registry.snapStart().setApplyOn(created.name(), f.snapStartApplyOn);
        }
        if (Boolean.TRUE.equals(f.publish)) {
            created = published(registry.publishVersion(created.name(), null, null, null));
        }
        return ApiResponse.json(201, configuration(created));
    }

    /** CreateFunction with PackageType Image: Code.ImageUri from this host's image store, ImageConfig overrides. */
    private ApiResponse createImageFunction(JsonNode body) {
        CreateFields f = CreateFields.of(body);
        JsonNode code = ApiJson.objectField(body, "Code");
        ImageCode.ImageOverrides overrides = imageConfig(body);
        if (f.runtime != null || f.handler != null || ApiJson.has(body, "Layers")) {
            throw ApiException.invalidParameter("Please don't provide Handler or Runtime or Layer when the intended"
                    + " function PackageType is Image.");
        }
        if (ApiJson.has(code, "ZipFile") || ApiJson.has(code, "S3Bucket") || ApiJson.has(code, "S3Key")) {
            throw ApiException.invalidParameter("Please provide ImageUri only (no ZipFile, S3Bucket or S3Key) when"
                    + " the intended function PackageType is Image.");
        }
        String uri = ApiJson.text(code, "ImageUri");
        if (uri == null) {
            throw ApiException.invalidParameter("Please provide ImageUri when the intended function PackageType is"
                    + " Image.");
        }
        return created(registry.create(new FunctionDefinition(f.name, null, null, null, f.memory, f.timeout, f.vars,
                f.ephemeral, f.description, ImageFunctions.resolve(requireImages(), uri, overrides))), f);
    }

    private ImageStore requireImages() {
        if (images == null) {
            throw ApiException.invalidParameter("this flint API has no image store: PackageType Image is not available");
        }
        return images;
    }

    /** ImageConfig {EntryPoint, Command, WorkingDirectory}; null when absent. */
    private static ImageCode.ImageOverrides imageConfig(JsonNode body) {
        if (!ApiJson.has(body, "ImageConfig")) {
            return null;
        }
        JsonNode c = ApiJson.objectField(body, "ImageConfig");
        return new ImageCode.ImageOverrides(ApiJson.stringList(c, "EntryPoint"), ApiJson.stringList(c, "Command"),
                ApiJson.text(c, "WorkingDirectory"));
    }

    private ApiResponse listFunctions(ApiRequest req) {
        boolean all = "ALL".equals(req.queryParam("FunctionVersion"));
        String fv = req.queryParam("FunctionVersion");
        if (fv != null && !all) {
            throw ApiException.invalidParameter("FunctionVersion must be ALL, got " + fv);
        }
        List<FunctionConfig> items = new ArrayList<>();
        for (FunctionConfig f : registry.list()) {
            if (all) {
                items.addAll(registry.listVersions(f.name()));
            } else {
                items.add(f);
            }
        }
        return page(req, items, "Functions", this::configuration);
    }

    private ApiResponse getFunction(ApiRequest req, String functionName) {
        FunctionConfig fn = resolve(functionName, req.queryParam("Qualifier")).config();
        ObjectNode out = ApiJson.object();
        out.set("Configuration", configuration(fn));
        if (fn.isImage()) {
            ObjectNode c = out.putObject("Code");
            c.put("RepositoryType", "ECR");
            c.put("ImageUri", fn.imageCode().imageUri());
            c.put("ResolvedImageUri", ApiJson.resolvedImageUri(fn.imageCode()));
        } else {
            // the ZIP is not kept (the code store keeps the extracted tree), so there is no Location
            out.putObject("Code").put("RepositoryType", "S3");
        }
        OptionalInt reserved = registry.reservedConcurrency(fn.name());
        if (reserved.isPresent()) {
            out.putObject("Concurrency").put("ReservedConcurrentExecutions", reserved.getAsInt());
        }
        return ApiResponse.json(200, out);
    }

    private ApiResponse getConfiguration(ApiRequest req, String functionName) {
        return ApiResponse.json(200, configuration(resolve(functionName, req.queryParam("Qualifier")).config()));
    }

    private ApiResponse updateConfiguration(ApiRequest req, String functionName) {
        String name = unqualified(functionName, req.queryParam("Qualifier"));
        JsonNode body = ApiJson.parseObject(req.readBody(ApiLimits.CONTROL_REQUEST_BYTES,
                "UpdateFunctionConfiguration"));
        checkRevision(registry.require(name), ApiJson.text(body, "RevisionId"));
        Map<String, String> vars = null;
        if (ApiJson.has(body, "Environment")) {
            vars = ApiJson.stringMap(ApiJson.objectField(body, "Environment"), "Variables");
            vars = vars == null ? Map.of() : vars;
        }
        String snapStartApplyOn = snapStartApplyOn(body);
        if (snapStartApplyOn != null) {
            registry.snapStart().setApplyOn(name, snapStartApplyOn);
        }
        ImageCode.ImageOverrides overrides = imageConfig(body);
        FunctionUpdate u = new FunctionUpdate(ApiJson.text(body, "Runtime"), ApiJson.text(body, "Handler"),
                ApiJson.integer(body, "MemorySize"), ApiJson.integer(body, "Timeout"), vars,
                ApiJson.integer(ApiJson.objectField(body, "EphemeralStorage"), "Size"),
                ApiJson.text(body, "Description"), overrides);
        ApiResponse r = ApiResponse.json(200, configuration(registry.updateConfiguration(name, u)));
        invoker.functionChanged(name);
        return r;
    }

    private ApiResponse updateCode(ApiRequest req, String functionName) {
        String name = unqualified(functionName, req.queryParam("Qualifier"));
        JsonNode body = ApiJson.parseObject(req.readBody(ApiLimits.CODE_REQUEST_BYTES, "UpdateFunctionCode"));
        checkArchitectures(body);
        FunctionConfig current = registry.require(name);
        checkRevision(current, ApiJson.text(body, "RevisionId"));
        if (ApiJson.has(body, "ImageUri") || current.isImage()) {
            return updateImageCode(name, current, body);
        }
        Path zip = writeZip(body, "UpdateFunctionCode");
        FunctionConfig updated;
        try {
            if (Boolean.TRUE.equals(ApiJson.bool(body, "DryRun"))) {
                updated = current;
            } else {
                updated = registry.updateCode(name, zip);
            }
        } finally {
            deleteQuietly(zip);
        }
        invoker.functionChanged(name);
        if (Boolean.TRUE.equals(ApiJson.bool(body, "Publish"))) {
            updated = published(registry.publishVersion(name, null, null, null));
        }
        return ApiResponse.json(200, configuration(updated));
    }

    /** UpdateFunctionCode of an Image function: a new ImageUri, resolved and pinned now. */
    private ApiResponse updateImageCode(String name, FunctionConfig current, JsonNode body) {
        String uri = ApiJson.text(body, "ImageUri");
        if (!current.isImage()) {
            throw ApiException.invalidParameter("Please don't provide ImageUri when updating a function with"
                    + " packageType Zip.");
        }
        if (uri == null || ApiJson.has(body, "ZipFile") || ApiJson.has(body, "S3Bucket")) {
            throw ApiException.invalidParameter("Please provide ImageUri when updating a function with packageType"
                    + " Image.");
        }
        ImageCode image = ImageFunctions.resolve(requireImages(), uri, current.imageCode().overrides());
        FunctionConfig updated = Boolean.TRUE.equals(ApiJson.bool(body, "DryRun")) ? current
                : registry.updateImage(name, image);
        invoker.functionChanged(name);
        if (Boolean.TRUE.equals(ApiJson.bool(body, "Publish"))) {
            updated = published(registry.publishVersion(name, null, null, null));
        }
        return ApiResponse.json(200, configuration(updated));
    }

    private ApiResponse deleteFunction(ApiRequest req, String functionName) {
        ResolvedFunction ref = resolve(functionName, req.queryParam("Qualifier"));
        if (ref.qualifier() == null) {
            registry.delete(ref.functionName());
            invoker.functionChanged(ref.functionName());
        } else if (ref.alias() != null) {
            throw ApiException.invalidParameter("Deletion of aliases is not supported by DeleteFunction: use DeleteAlias");
        } else {
            registry.deleteVersion(ref.functionName(), ref.qualifier());
        }
        return ApiResponse.empty(204);
    }

    // ---- invoke ------------------------------------------------------------------------------

    private ApiResponse invoke(ApiRequest req, String functionName) {
        String type = req.header("X-Amz-Invocation-Type", "RequestResponse");
        switch (type) {
            case "RequestResponse": {
                byte[] payload = req.readBody(ApiLimits.SYNC_PAYLOAD_BYTES, "InvokeFunction");
                String logType = req.header("X-Amz-Log-Type", "None");
                if (!"None".equals(logType) && !"Tail".equals(logType)) {
                    throw ApiException.invalidParameter("Invalid value for X-Amz-Log-Type: " + logType
                            + " (must be None or Tail)");
                }
                String clientContext = clientContext(req.header("X-Amz-Client-Context"));
                ResolvedFunction fn = resolve(functionName, req.queryParam("Qualifier"));
                InvokeResponse r = invoker.invoke(new InvokeInput(pick(fn), fn.qualifier(), fn.functionArn(),
                        payload, clientContext));
                ApiResponse out = new ApiResponse(200, Map.of("Content-Type", ApiResponse.JSON_TYPE), r.payload())
                        .withHeader("x-amzn-RequestId", r.requestId())
                        .withHeader("X-Amz-Executed-Version", r.executedVersion());
                if (r.functionError() != null) {
                    out = out.withHeader("X-Amz-Function-Error", r.functionError());
                }
                if ("Tail".equals(logType)) {
                    out = out.withHeader("X-Amz-Log-Result", r.logTail());
                }
                return out;
            }
            case "Event": {
                byte[] payload = readEventBody(req);
                ResolvedFunction fn = resolve(functionName, req.queryParam("Qualifier"));
                String requestId = UUID.randomUUID().toString();
                asyncInvoker.accept(requestId, new InvokeInput(fn.config(), fn.qualifier(), fn.functionArn(),
                        payload, null));
                return ApiResponse.empty(202).withHeader("x-amzn-RequestId", requestId);
            }
            case "DryRun": {
                req.readBody(ApiLimits.SYNC_PAYLOAD_BYTES, "InvokeFunction");
                resolve(functionName, req.queryParam("Qualifier"));
                return ApiResponse.empty(204);
            }
            default:
                throw ApiException.invalidParameter("Invalid value for X-Amz-Invocation-Type: " + type
                        + " (must be RequestResponse, Event or DryRun)");
        }
    }

    /** The version to run for this request: a weighted alias decides at random, per request. */
    private FunctionConfig pick(ResolvedFunction fn) {
        return fn.pickVersion(random != null ? random : ThreadLocalRandom.current());
    }

    /** Event bodies: 1 MB, reported with AWS's wording for the Event invocation type. */
    private static byte[] readEventBody(ApiRequest req) {
        try {
            return req.readBody(ApiLimits.ASYNC_PAYLOAD_BYTES, "InvokeFunction");
        } catch (ApiException e) {
            if (e.httpStatus() != 413) {
                throw e;
            }
            throw new ApiException(ApiLimits.TOO_LARGE_ERROR_TYPE, 413, "Request payload is too large for the "
                    + "Event invocation type (limit " + ApiLimits.ASYNC_PAYLOAD_BYTES + " bytes)");
        }
    }

    /** X-Amz-Client-Context: base64 of JSON, ≤ 3583 bytes; the decoded JSON goes to the runtime. */
    static String clientContext(String header) {
        if (header == null || header.isEmpty()) {
            return null;
        }
        if (header.length() > ApiLimits.CLIENT_CONTEXT_BYTES) {
            throw ApiException.invalidParameter("Client context must be smaller than "
                    + ApiLimits.CLIENT_CONTEXT_BYTES + " bytes when base64-encoded.");
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(header);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidParameter("Client context must be a valid Base64-encoded JSON object.");
        }
        try {
            JsonNode n = ApiJson.MAPPER.readTree(decoded);
            if (n == null || !n.isObject()) {
                throw ApiException.invalidParameter("Client context must be a valid Base64-encoded JSON object.");
            }
            return n.toString(); // one line: it travels as a header to the runtime
        } catch (IOException e) {
            throw ApiException.invalidParameter("Client context must be a valid Base64-encoded JSON object.");
        }
    }

    // ---- versions ----------------------------------------------------------------------------

    private ApiResponse publishVersion(ApiRequest req, String functionName) {
        String name = unqualified(functionName, req.queryParam("Qualifier"));
        JsonNode body = ApiJson.parseObject(req.readBody(ApiLimits.CONTROL_REQUEST_BYTES, "PublishVersion"));
        FunctionConfig v = published(registry.publishVersion(name, ApiJson.text(body, "Description"),
                ApiJson.text(body, "CodeSha256"), ApiJson.text(body, "RevisionId")));
        return ApiResponse.json(201, configuration(v));
    }

    private ApiResponse listVersions(ApiRequest req, String functionName) {
        String name = unqualified(functionName, req.queryParam("Qualifier"));
        return page(req, registry.listVersions(name), "Versions", this::configuration);
    }

    // ---- aliases -----------------------------------------------------------------------------

    private ApiResponse createAlias(ApiRequest req, String functionName) {
        String name = unqualified(functionName, req.queryParam("Qualifier"));
        JsonNode body = ApiJson.parseObject(req.readBody(ApiLimits.CONTROL_REQUEST_BYTES, "CreateAlias"));
        AliasConfig a = registry.createAlias(name, ApiJson.text(body, "Name"), ApiJson.text(body, "FunctionVersion"),
                ApiJson.text(body, "Description"), weights(body));
        return ApiResponse.json(201, ApiJson.alias(a));
    }

    private ApiResponse listAliases(ApiRequest req, String functionName) {
        String name = unqualified(functionName, req.queryParam("Qualifier"));
        return page(req, registry.listAliases(name, req.queryParam("FunctionVersion")), "Aliases", ApiJson::alias);
    }

    private ApiResponse getAlias(ApiRequest req, String functionName, String alias) {
        return ApiResponse.json(200, ApiJson.alias(registry.getAlias(unqualified(functionName, null), alias)));
    }

    private ApiResponse updateAlias(ApiRequest req, String functionName, String alias) {
        String name = unqualified(functionName, null);
        JsonNode body = ApiJson.parseObject(req.readBody(ApiLimits.CONTROL_REQUEST_BYTES, "UpdateAlias"));
        AliasConfig a = registry.updateAlias(name, alias, ApiJson.text(body, "FunctionVersion"),
                ApiJson.text(body, "Description"), weights(body), ApiJson.text(body, "RevisionId"));
        return ApiResponse.json(200, ApiJson.alias(a));
    }

    private ApiResponse deleteAlias(ApiRequest req, String functionName, String alias) {
        registry.deleteAlias(unqualified(functionName, null), alias);
        return ApiResponse.empty(204);
    }

    /**
     * RoutingConfig.AdditionalVersionWeights: null when RoutingConfig is absent (unchanged on
     * update), empty when it is present without weights (routing removed).
     */
    private static Map<String, Double> weights(JsonNode body) {
        if (!ApiJson.has(body, "RoutingConfig")) {
            return null;
        }
        JsonNode w = ApiJson.objectField(ApiJson.objectField(body, "RoutingConfig"), "AdditionalVersionWeights");
        Map<String, Double> out = new LinkedHashMap<>();
        for (java.util.Iterator<Map.Entry<String, JsonNode>> it = w.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNumber()) {
                throw ApiException.invalidContent("Could not parse request body into json: field "
                        + "'RoutingConfig.AdditionalVersionWeights." + e.getKey() + "' must be a number");
            }
            out.put(e.getKey(), e.getValue().doubleValue());
        }
        return out;
    }

    // ---- concurrency -------------------------------------------------------------------------

    private ApiResponse putConcurrency(ApiRequest req, String functionName) {
        String name = unqualified(functionName, null);
        JsonNode body = ApiJson.parseObject(req.readBody(ApiLimits.CONTROL_REQUEST_BYTES, "PutFunctionConcurrency"));
        Integer value = ApiJson.integer(body, "ReservedConcurrentExecutions");
        if (value == null) {
            throw new ApiException("ValidationException", 400, "1 validation error detected: Value null at "
                    + "'reservedConcurrentExecutions' failed to satisfy constraint: Member must not be null");
        }
        ObjectNode out = ApiJson.object();
        out.put("ReservedConcurrentExecutions", registry.putReservedConcurrency(name, value));
        return ApiResponse.json(200, out);
    }

    private ApiResponse deleteConcurrency(ApiRequest req, String functionName) {
        registry.deleteReservedConcurrency(unqualified(functionName, null));
        return ApiResponse.empty(204);
    }

    private ApiResponse getConcurrency(ApiRequest req, String functionName) {
        OptionalInt reserved = registry.reservedConcurrency(unqualified(functionName, null));
        ObjectNode out = ApiJson.object();
        if (reserved.isPresent()) {
            out.put("ReservedConcurrentExecutions", reserved.getAsInt());
        }
        return ApiResponse.json(200, out);
    }

    // ---- event invoke config -----------------------------------------------------------------

    /** PUT replaces the settings (absent fields unset); POST (Update) keeps absent fields. */
    private ApiResponse putEventInvokeConfig(ApiRequest req, String functionName, boolean replace) {
        ResolvedFunction ref = resolve(functionName, req.queryParam("Qualifier"));
        JsonNode body = ApiJson.parseObject(req.readBody(ApiLimits.CONTROL_REQUEST_BYTES,
                replace ? "PutFunctionEventInvokeConfig" : "UpdateFunctionEventInvokeConfig"));
        JsonNode dest = ApiJson.objectField(body, "DestinationConfig");
        String onSuccess = ApiJson.text(ApiJson.objectField(dest, "OnSuccess"), "Destination");
        String onFailure = ApiJson.text(ApiJson.objectField(dest, "OnFailure"), "Destination");
        Integer retries = ApiJson.integer(body, "MaximumRetryAttempts");
        Integer age = ApiJson.integer(body, "MaximumEventAgeInSeconds");
        EventInvokeConfig c = replace
                ? registry.putEventInvokeConfig(ref.functionName(), ref.qualifier(), retries, age, onSuccess, onFailure)
                : registry.updateEventInvokeConfig(ref.functionName(), ref.qualifier(), retries, age, onSuccess,
                        onFailure);
        return ApiResponse.json(200, ApiJson.eventInvokeConfig(c));
    }

    private ApiResponse getEventInvokeConfig(ApiRequest req, String functionName) {
        ResolvedFunction ref = resolve(functionName, req.queryParam("Qualifier"));
        EventInvokeConfig c = registry.eventInvokeConfig(ref.functionName(), ref.qualifier())
                .orElseThrow(() -> FunctionRegistry.noEventInvokeConfig(ref.functionName(), ref.qualifier()));
        return ApiResponse.json(200, ApiJson.eventInvokeConfig(c));
    }

    private ApiResponse deleteEventInvokeConfig(ApiRequest req, String functionName) {
        ResolvedFunction ref = resolve(functionName, req.queryParam("Qualifier"));
        registry.deleteEventInvokeConfig(ref.functionName(), ref.qualifier());
        return ApiResponse.empty(204);
    }

    /** Every qualifier's settings: the function's, then versions', then aliases'. */
    private ApiResponse listEventInvokeConfigs(ApiRequest req, String functionName) {
        String name = unqualified(functionName, null);
        List<EventInvokeConfig> all = new ArrayList<>();
        registry.eventInvokeConfig(name, null).ifPresent(all::add);
        for (FunctionConfig v : registry.listVersions(name)) {
            if (!v.isLatest()) {
                registry.eventInvokeConfig(name, v.version()).ifPresent(all::add);
            }
        }
        for (AliasConfig a : registry.listAliases(name, null)) {
            registry.eventInvokeConfig(name, a.name()).ifPresent(all::add);
        }
        return page(req, all, "FunctionEventInvokeConfigs", ApiJson::eventInvokeConfig);
    }

    // ---- account -----------------------------------------------------------------------------

    private ApiResponse accountSettings() {
        long total = 0;
        int count = 0;
        for (FunctionConfig f : registry.list()) {
            total += f.codeSize();
            count++;
        }
        ObjectNode out = ApiJson.object();
        ObjectNode limit = out.putObject("AccountLimit");
        limit.put("TotalCodeSize", 80_530_636_800L);
        limit.put("CodeSizeUnzipped", 262_144_000L);
        limit.put("CodeSizeZipped", ApiLimits.ZIP_BYTES);
        limit.put("ConcurrentExecutions", registry.accountConcurrencyLimit());
        limit.put("UnreservedConcurrentExecutions", registry.accountConcurrencyLimit() - registry.totalReserved());
        ObjectNode usage = out.putObject("AccountUsage");
        usage.put("TotalCodeSize", total);
        usage.put("FunctionCount", count);
        return ApiResponse.json(200, out);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private ResolvedFunction resolve(String functionName, String queryQualifier) {
        return registry.resolve(functionName, queryQualifier);
    }

    /**
     * The function name of operations on the function itself ($LATEST: UpdateFunctionCode,
     * UpdateFunctionConfiguration, versions, aliases, concurrency): a qualifier other than
     * $LATEST is refused.
     */
    private String unqualified(String functionName, String queryQualifier) {
        ResolvedFunction ref = resolve(functionName, queryQualifier);
        if (ref.qualifier() != null && !FunctionConfig.LATEST.equals(ref.qualifier())) {
            throw ApiException.invalidParameter("This operation does not take a qualifier; got "
                    + ref.qualifier());
        }
        return ref.functionName();
    }

    /** RevisionId given and stale → 412 PreconditionFailedException, as AWS. */
    private static void checkRevision(FunctionConfig current, String revisionId) {
        if (revisionId != null && !revisionId.equals(current.revisionId())) {
            throw new ApiException("PreconditionFailedException", 412, "The Revision Id provided does not match the "
                    + "latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
        }
    }

    private static void checkArchitectures(JsonNode body) {
        JsonNode arch = body.get("Architectures");
        if (arch == null || arch.isNull()) {
            return;
        }
        if (!arch.isArray() || arch.size() != 1 || !"x86_64".equals(arch.get(0).asText())) {
            throw ApiException.invalidParameter("flint runs x86_64 only; Architectures must be [\"x86_64\"]");
        }
    }

    /** Code.ZipFile (base64) into a temp file; S3 and image code are not supported. */
    private Path writeZip(JsonNode code, String operation) {
        if (ApiJson.has(code, "S3Bucket") || ApiJson.has(code, "S3Key") || ApiJson.has(code, "ImageUri")) {
            throw ApiException.invalidParameter("flint accepts code as ZipFile only (no S3Bucket/S3Key/ImageUri)");
        }
        String b64 = ApiJson.text(code, "ZipFile");
        if (b64 == null) {
            throw ApiException.invalidParameter("Please provide a source for function code.");
        }
        byte[] zip;
        try {
            zip = Base64.getMimeDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidContent("Could not parse request body into json: ZipFile is not valid base64");
        }
        if (zip.length > ApiLimits.ZIP_BYTES) {
            throw ApiException.entityTooLarge(ApiLimits.CODE_REQUEST_BYTES, operation);
        }
        try {
            Files.createDirectories(tempDir);
            Path file = Files.createTempFile(tempDir, "upload-", ".zip");
            Files.write(file, zip);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("api: cannot write the uploaded ZIP under '" + tempDir + "'", e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temp file; the next start cleans the dir
        }
    }

    /** Marker/MaxItems paging over an ordered list: the marker is the index of the next item. */
    static <T> ApiResponse page(ApiRequest req, List<T> items, String field,
            java.util.function.Function<T, ObjectNode> shape) {
        int start = 0;
        String marker = req.queryParam("Marker");
        if (marker != null) {
            try {
                start = Integer.parseInt(new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalidParameter("Invalid marker: " + marker);
            }
            if (start < 0) {
                throw ApiException.invalidParameter("Invalid marker: " + marker);
            }
        }
        int max = 50;
        String maxItems = req.queryParam("MaxItems");
        if (maxItems != null) {
            try {
                max = Integer.parseInt(maxItems);
            } catch (NumberFormatException e) {
                throw ApiException.invalidParameter("MaxItems must be a number, got " + maxItems);
            }
            if (max < 1 || max > 10_000) {
                throw new ApiException("ValidationException", 400, "1 validation error detected: Value '" + max
                        + "' at 'maxItems' failed to satisfy constraint: Member must have value "
                        + (max < 1 ? "greater than or equal to 1" : "less than or equal to 10000"));
            }
        }
        ObjectNode out = ApiJson.object();
        int end = Math.min(items.size(), start + max);
        if (end < items.size()) {
            out.put("NextMarker", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(Integer.toString(end).getBytes(StandardCharsets.UTF_8)));
        }
        ArrayNode arr = out.putArray(field);
        for (int i = start; i < end; i++) {
            arr.add(shape.apply(items.get(i)));
        }
        return ApiResponse.json(200, out);
    }
}
