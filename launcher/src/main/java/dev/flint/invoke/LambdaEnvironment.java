package dev.flint.invoke;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** The environment variables of a Lambda execution environment (lambda-contract §4). */
final class LambdaEnvironment {
    static final String RUNTIME_API = "127.0.0.1:9001";
    private static final DateTimeFormatter STREAM_DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd");

    private LambdaEnvironment() {}

    /** The function's own variables first, then the reserved ones, which always win. */
    static List<String> of(FunctionSpec fn, String region, String initializationType) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put("LD_LIBRARY_PATH", "/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib");
        if (fn.runtime() != null && fn.runtime().startsWith("python")) {
            env.put("PYTHONPATH", "/opt/python/lib/" + fn.runtime() + "/site-packages:/opt/python");
        }
        if (fn.imageLaunch() != null) {
            // an image's ENV (PATH, LANG, its runtime's variables) overrides Lambda's defaults
            for (String e : fn.imageLaunch().env()) {
                int eq = e.indexOf('=');
                env.put(e.substring(0, eq), e.substring(eq + 1));
            }
        }
        env.putAll(fn.environment());
        if (fn.handler() != null && !fn.handler().isEmpty()) {
            env.put("_HANDLER", fn.handler());
        }
        env.put("AWS_REGION", region);
        env.put("AWS_DEFAULT_REGION", region);
        if (fn.runtime() != null && !fn.isCustomRuntime()) {
            env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + fn.runtime());
        }
        env.put("AWS_LAMBDA_FUNCTION_NAME", fn.name());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(fn.memoryMb()));
        env.put("AWS_LAMBDA_FUNCTION_VERSION", fn.version());
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", initializationType);
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + fn.name());
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", logStreamName(fn.version()));
        env.put("AWS_LAMBDA_RUNTIME_API", RUNTIME_API);
        env.put("LAMBDA_TASK_ROOT", "/var/task");
        env.put("LAMBDA_RUNTIME_DIR", "/var/runtime");
        env.put("TZ", ":UTC");
        List<String> out = new ArrayList<>(env.size());
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    /** {@code YYYY/MM/DD/[<version>]<32 hex>}, as Lambda names log streams. */
    static String logStreamName(String version) {
        StringBuilder hex = new StringBuilder(32);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 32; i++) {
            hex.append(Character.forDigit(r.nextInt(16), 16));
        }
        return STREAM_DATE.format(LocalDate.now(ZoneOffset.UTC)) + "/[" + version + "]" + hex;
    }
}
