package dev.flint.function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * CreateFunction's parameter rules (lambda-contract.md §6, §7) with AWS's messages. Model
 * constraints throw {@link ValidationException}; semantic checks (reserved keys, the 4 KB
 * environment limit) throw {@link InvalidParameterValueException}, as AWS does.
 */
public final class FunctionRules {

    public static final int NAME_MAX = 64;
    /** flint's memory range is Lambda's classic 128–3008 MB (AWS now allows up to 10,240). */
    public static final int MEMORY_MIN_MB = 128;
    public static final int MEMORY_MAX_MB = 3008;
    public static final int MEMORY_DEFAULT_MB = 128;
    public static final int TIMEOUT_MIN_S = 1;
    public static final int TIMEOUT_MAX_S = 900;
    public static final int TIMEOUT_DEFAULT_S = 3;
    public static final int EPHEMERAL_MIN_MB = 512;
    public static final int EPHEMERAL_MAX_MB = 10240;
    public static final int EPHEMERAL_DEFAULT_MB = 512;
    public static final int DESCRIPTION_MAX = 256;
    /** The environment limit, in UTF-8 bytes of the compact JSON AWS measures. */
    public static final int ENVIRONMENT_MAX_BYTES = 4096;

    public static final Set<String> RESERVED_ENV_KEYS = Set.of(
            "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV",
            "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE",
            "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR");

    static final String NAME_REGEX = "[a-zA-Z0-9-_]+";
    static final String ENV_KEY_REGEX = "[a-zA-Z]([a-zA-Z0-9_])+";
    private static final Pattern NAME = Pattern.compile(NAME_REGEX);
    private static final Pattern ENV_KEY = Pattern.compile(ENV_KEY_REGEX);
    private static final ObjectMapper JSON = new ObjectMapper();

    private FunctionRules() {}

    /** An unqualified function name: {@code [a-zA-Z0-9-_]{1,64}}. */
    public static void validateName(String name) {
        if (name == null || name.isEmpty()) {
            throw ValidationException.of("", "functionName",
                    "Member must have length greater than or equal to 1");
        }
        if (name.length() > NAME_MAX) {
            throw ValidationException.of(name, "functionName",
                    "Member must have length less than or equal to " + NAME_MAX);
        }
        if (!NAME.matcher(name).matches()) {
            throw ValidationException.of(name, "functionName",
                    "Member must satisfy regular expression pattern: " + NAME_REGEX
                            + " (flint accepts unqualified function names only)");
        }
    }

    public static void validateMemory(int memoryMb) {
        if (memoryMb < MEMORY_MIN_MB) {
            throw ValidationException.of(memoryMb, "memorySize",
                    "Member must have value greater than or equal to " + MEMORY_MIN_MB);
        }
        if (memoryMb > MEMORY_MAX_MB) {
            throw ValidationException.of(memoryMb, "memorySize",
                    "Member must have value less than or equal to " + MEMORY_MAX_MB
                            + " (flint's limit; AWS allows up to 10240)");
        }
    }

    public static void validateTimeout(int timeoutSeconds) {
        range(timeoutSeconds, TIMEOUT_MIN_S, TIMEOUT_MAX_S, "timeout");
    }

    public static void validateEphemeralStorage(int sizeMb) {
        range(sizeMb, EPHEMERAL_MIN_MB, EPHEMERAL_MAX_MB, "ephemeralStorage.size");
    }

    public static void validateDescription(String description) {
        if (description != null && description.length() > DESCRIPTION_MAX) {
            throw ValidationException.of(description, "description",
                    "Member must have length less than or equal to " + DESCRIPTION_MAX);
        }
    }

    /**
     * Keys {@code [a-zA-Z]([a-zA-Z0-9_])+}, no null values, no reserved keys, and at most
     * {@value #ENVIRONMENT_MAX_BYTES} bytes measured as AWS does: the UTF-8 length of the
     * variables serialised as compact JSON ({@code {"K":"V",...}}), which AWS echoes after
     * "String measured:".
     */
    public static void validateEnvironment(Map<String, String> environment) {
        if (environment == null || environment.isEmpty()) {
            return;
        }
        // reserved keys first: _HANDLER and _X_AMZN_TRACE_ID would otherwise only be reported
        // as failing the key pattern, which hides the reason
        List<String> reserved = new ArrayList<>();
        for (String key : environment.keySet()) {
            if (key != null && RESERVED_ENV_KEYS.contains(key)) {
                reserved.add(key);
            }
        }
        if (!reserved.isEmpty()) {
            throw new InvalidParameterValueException("Lambda was unable to configure your"
                    + " environment variables because the environment variables you have provided"
                    + " contains reserved keys that are currently not supported for modification."
                    + " Reserved keys used in this request: " + String.join(", ", reserved));
        }
        for (Map.Entry<String, String> e : environment.entrySet()) {
            String key = e.getKey();
            if (key == null || !ENV_KEY.matcher(key).matches()) {
                throw new ValidationException("1 validation error detected: Value at"
                        + " 'environment.variables' failed to satisfy constraint: Map keys must"
                        + " satisfy constraint: [Member must satisfy regular expression pattern: "
                        + ENV_KEY_REGEX + "] (key '" + key + "')");
            }
            if (e.getValue() == null) {
                throw new ValidationException("1 validation error detected: Value at"
                        + " 'environment.variables' failed to satisfy constraint: Map value must"
                        + " not be null (key '" + key + "')");
            }
        }
        String measured = measuredEnvironment(environment);
        if (measured.getBytes(StandardCharsets.UTF_8).length > ENVIRONMENT_MAX_BYTES) {
            throw new InvalidParameterValueException("Lambda was unable to configure your"
                    + " environment variables because the environment variables you have provided"
                    + " exceeded the 4KB limit. String measured: " + measured);
        }
    }

    /** The string AWS measures for the 4 KB limit: the variables as compact JSON. */
    public static String measuredEnvironment(Map<String, String> environment) {
        try {
            return JSON.writeValueAsString(environment);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise environment", e);
        }
    }

    /** An unmodifiable, insertion-ordered copy ({@code null} becomes empty). */
    static Map<String, String> copyEnvironment(Map<String, String> environment) {
        if (environment == null || environment.isEmpty()) {
            return Collections.emptyMap();
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    }

    private static void range(int value, int min, int max, String field) {
        if (value < min) {
            throw ValidationException.of(value, field,
                    "Member must have value greater than or equal to " + min);
        }
        if (value > max) {
            throw ValidationException.of(value, field,
                    "Member must have value less than or equal to " + max);
        }
    }
}
