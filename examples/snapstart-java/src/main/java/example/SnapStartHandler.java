package example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.crac.Core;
import org.crac.Resource;

/**
 * A SnapStart function on AWS's runtime interface client: a static Init of more than a second of
 * real work ({@link InitWork}), and a CRaC {@link Resource} registered through {@code org.crac}
 * whose hooks print a line and count.
 *
 * <p>At publish the RIC runs {@code beforeCheckpoint} and parks in {@code restore/next}; every env
 * restored from the snapshot runs {@code afterRestore} once before its first invoke. So a restored
 * env answers {@code beforeCheckpointCalls: 1, afterRestoreCalls: 1} with the token of the one
 * Init, an env that ran its own Init (on-demand, $LATEST) answers {@code 0, 0}.
 *
 * <p>{@code FAIL_BEFORE_SNAPSHOT=1} / {@code FAIL_AFTER_RESTORE=1} in the function's environment
 * make the hook throw (the RIC then reports {@code Runtime.BeforeCheckpointError} /
 * {@code Runtime.AfterRestoreError} and exits 64). The environment is the one Init saw: a restored
 * env keeps it.
 */
public class SnapStartHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    static final long INIT_TIME_MS = System.currentTimeMillis();
    static final String INIT_TOKEN = token();
    static final InitWork.Result INIT = InitWork.run();
    /**
     * Held here for the life of the class: org.crac and the RIC keep resources only weakly, so a
     * resource nothing else references can be collected and its hooks silently never run.
     */
    static final Hooks HOOKS = new Hooks();

    static {
        Core.getGlobalContext().register(HOOKS);
        System.out.println("INIT ran " + INIT_TOKEN + " in " + INIT.millis() + " ms ("
                + INIT.classesLoaded() + " classes initialised, " + INIT.primes() + " primes, "
                + INIT.tableSize() + " table entries; ms per step " + INIT.phases() + ")");
    }

    static final class Hooks implements Resource {
        final AtomicInteger beforeCheckpointCalls = new AtomicInteger();
        final AtomicInteger afterRestoreCalls = new AtomicInteger();

        @Override
        public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
            int n = beforeCheckpointCalls.incrementAndGet();
            System.out.println("beforeCheckpoint #" + n + " token " + INIT_TOKEN);
            if ("1".equals(System.getenv("FAIL_BEFORE_SNAPSHOT"))) {
                throw new IllegalStateException("beforeCheckpoint failed on purpose (FAIL_BEFORE_SNAPSHOT=1)");
            }
        }

        @Override
        public void afterRestore(org.crac.Context<? extends Resource> context) {
            int n = afterRestoreCalls.incrementAndGet();
            System.out.println("afterRestore #" + n + " token " + INIT_TOKEN + " pid "
                    + ProcessHandle.current().pid());
            if ("1".equals(System.getenv("FAIL_AFTER_RESTORE"))) {
                throw new IllegalStateException("afterRestore failed on purpose (FAIL_AFTER_RESTORE=1)");
            }
        }
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("beforeCheckpointCalls", HOOKS.beforeCheckpointCalls.get());
        response.put("afterRestoreCalls", HOOKS.afterRestoreCalls.get());
        response.put("initToken", INIT_TOKEN);
        response.put("initTimeMs", INIT_TIME_MS);
        response.put("initMillis", INIT.millis());
        response.put("initPhases", INIT.phases());
        response.put("classesLoaded", INIT.classesLoaded());
        response.put("classesFailed", INIT.classesFailed());
        response.put("checksum", INIT.checksum());
        response.put("initializationType", System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE"));
        response.put("pid", ProcessHandle.current().pid());
        return response;
    }

    private static String token() {
        byte[] b = new byte[8];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
