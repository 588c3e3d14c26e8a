package dev.flint.invoke;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.runtimeapi.Invocation;
import dev.flint.sandbox.SandboxLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

/**
 * Runs invocations on warm execution environments, creating one (cold start) when none is idle.
 * An env that timed out, crashed or ran out of memory is discarded (Lambda's reset); one whose
 * Init failed too, so the next invoke initialises afresh. Writes START/END/REPORT (and
 * INIT_REPORT on init failures) with measured values.
 */
public final class InvokeService implements AutoCloseable {
    /** Synchronous payload limit in both directions: 6 MB. */
    public static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
    /** On-demand Init limit. */
    static final Duration INIT_LIMIT = Duration.ofSeconds(10);
    /** Invoke parses the whole body: "{} x" is not JSON. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final AtomicLong ENV_SEQ = new AtomicLong();

    private final EnvironmentFactory factory;
    private final String region;
    private final String account;
    private final Duration initLimit;
    private final Settings settings;
    private final ConcurrencyLimiter limiter;
    private final Map<FunctionSpec, Deque<IdleEnv>> idle = new HashMap<>();
    private final Map<String, Long> retiredAt = new HashMap<>();
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong liveMemoryMb = new AtomicLong();
    private final AtomicLong live = new AtomicLong();
    private final Map<Environment, Integer> memoryOf = new ConcurrentHashMap<>();
    private final ScheduledExecutorService reaper;

    /**
     * Scheduler settings.
     *
     * @param accountConcurrency the account's concurrency limit (Lambda's default: 1000)
     * @param totalReserved the sum of all functions' reserved concurrency, read at each invoke
     * @param keepAlive idle envs are shut down after this long
     * @param memoryBudgetMb idle envs are shut down (oldest first) when the memory of all envs
     *     would exceed this
     * @param snapshots SnapStart checkpoints: a new env of a version that has one is restored
     */
    public record Settings(int accountConcurrency, IntSupplier totalReserved, Duration keepAlive, long memoryBudgetMb,
            SnapshotCatalog snapshots) {
        public Settings(int accountConcurrency, IntSupplier totalReserved, Duration keepAlive, long memoryBudgetMb) {
            this(accountConcurrency, totalReserved, keepAlive, memoryBudgetMb, SnapshotCatalog.NONE);
        }

        public Settings withSnapshots(SnapshotCatalog catalog) {
            return new Settings(accountConcurrency, totalReserved, keepAlive, memoryBudgetMb, catalog);
        }

        /** One-shot CLI defaults: 1000 concurrent, no reservations, 10 min keep-alive, half the host's RAM. */
        public static Settings defaults() {
            long hostMb = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getTotalMemorySize() / (1024 * 1024);
            return new Settings(1000, () -> 0, Duration.ofMinutes(10), Math.max(3008, hostMb / 2));
        }
    }

    /** An idle warm env and since when it idles. */
    private record IdleEnv(Environment env, long sinceNanos) {}

    InvokeService(EnvironmentFactory factory, String region, String account, Duration initLimit, Settings settings) {
        this.factory = factory;
        this.region = region;
        this.account = account;
        this.initLimit = initLimit;
        this.settings = settings;
        this.limiter = new ConcurrencyLimiter(settings.accountConcurrency(), settings.totalReserved());
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flint-env-reaper");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1000, settings.keepAlive().toMillis() / 10);
        reaper.scheduleWithFixedDelay(this::reapIdle, every, every, TimeUnit.MILLISECONDS);
    }

    InvokeService(EnvironmentFactory factory, String region, String account, Duration initLimit) {
        this(factory, region, account, initLimit, Settings.defaults());
    }

    /** The real thing: envs are sandboxes; per-env sockets live under runDir/envs. */
    public static InvokeService create(SandboxLauncher launcher, Path runDir, String region, String account) {
        return create(launcher, runDir, region, account, Settings.defaults());
    }

    public static InvokeService create(SandboxLauncher launcher, Path runDir, String region, String account,
            Settings settings) {
        Path envs = runDir.resolve("envs");
        removeStaleEnvDirs(envs);
        return new InvokeService(
                fn -> new SandboxEnvironment(launcher, fn, envs, ProcessHandle.current().pid() + "-e"
                        + ENV_SEQ.incrementAndGet(), region, settings.snapshots().find(fn).orElse(null)),
                region, account, INIT_LIMIT, settings);
    }

    /** Env dirs of supervisors that are gone (named "PID-eN"). */
    static void removeStaleEnvDirs(Path envs) {
        if (!Files.isDirectory(envs)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(envs)) {
            for (Path d : dirs.toList()) {
                String name = d.getFileName().toString();
                int dash = name.indexOf('-');
                if (dash > 0 && name.substring(0, dash).chars().allMatch(Character::isDigit)
                        && ProcessHandle.of(Long.parseLong(name.substring(0, dash))).isEmpty()) {
                    SandboxEnvironment.deleteQuietly(d);
                }
            }
        } catch (IOException ignored) {
            // nothing to clean
        }
    }

    /** Number of envs created so far (each one a sandbox and an Init). */
    public long environmentsCreated() {
        return created.get();
    }

    /** Idle warm envs of this function version. */
    public synchronized int idleEnvironments(FunctionSpec fn) {
        Deque<IdleEnv> d = idle.get(fn);
        return d == null ? 0 : d.size();
    }

    /** Envs alive now (idle or busy). */
    public long liveEnvironments() {
        return live.get();
    }

    /** Invokes of this function running now. */
    public int running(String functionName) {
        return limiter.running(functionName);
    }

    /**
     * The function's code or configuration changed: its idle envs are shut down now, busy ones
     * when their invoke ends (Lambda retires envs of the old configuration).
     */
    public void retire(String functionName) {
        List<Environment> doomed = new ArrayList<>();
        synchronized (this) {
            retiredAt.put(functionName, System.nanoTime());
            idle.entrySet().removeIf(e -> {
                if (!e.getKey().name().equals(functionName)) {
                    return false;
                }
                e.getValue().forEach(i -> doomed.add(i.env()));
                return true;
            });
        }
        doomed.forEach(this::closeEnv);
    }

    /**
     * Invokes synchronously (RequestResponse). Log lines go to log as they happen.
     *
     * @throws InvokeException for a malformed or oversized payload (no env is touched)
     */
    public InvokeResponse invoke(FunctionSpec fn, byte[] payload, LogSink log) {
        return invoke(fn, payload, log, InvokeOptions.defaults());
    }

    /**
     * Invokes synchronously with per-request options.
     *
     * @throws InvokeException for a malformed or oversized payload (no env is touched)
     * @throws TooManyRequestsException when the account's or the function's concurrency is used up
     */
    public InvokeResponse invoke(FunctionSpec fn, byte[] payload, LogSink log, InvokeOptions options) {
        byte[] event = validatePayload(payload);
        try (ConcurrencyLimiter.Permit permit = limiter.acquire(fn.name(), options.reservedConcurrency())) {
            return invokeWithPermit(fn, event, log, options);
        }
    }

    private InvokeResponse invokeWithPermit(FunctionSpec fn, byte[] event, LogSink log, InvokeOptions options) {
        String requestId = options.requestId() != null ? options.requestId() : UUID.randomUUID().toString();
        TailBuffer tail = new TailBuffer();
        LogSink sink = line -> {
            tail.line(line);
            log.line(line);
        };
        long t0 = System.nanoTime();
        Environment env = takeIdle(fn);
        if (env != null) {
            env.log(sink);
            return run(fn, env, requestId, event, sink, tail, false, 0, null, 0, options, t0);
        }
        env = newEnv(fn);
        env.log(sink);
        InitResult init = initOrClose(env, initLimit);
        if (init instanceof InitResult.Restored r) {
            sink.line(ReportLines.restoreReport(r.durationNanos(), null, null));
            return run(fn, env, requestId, event, sink, tail, true, 0, r, 0, options, t0);
        }
        boolean initTimedOut = init instanceof InitResult.Failed tf && "timeout".equals(tf.status()) && !tf.restore();
        if (!initTimedOut) {
            if (init instanceof InitResult.Failed f) {
                return initFailed(fn, env, requestId, f, sink, tail, t0, false);
            }
            return run(fn, env, requestId, event, sink, tail, true, init.durationNanos(), null, 0, options, t0);
        }
        // An Init over 10 s is re-run inside the first invoke ("suppressed init"), under the
        // function's timeout and billed in its Duration, as Lambda does.
        sink.line(ReportLines.initReport(init.durationNanos(), "timeout", null));
        closeEnv(env);
        sink.line(ReportLines.start(requestId, fn.version()));
        long s0 = System.nanoTime();
        env = newEnv(fn);
        env.log(sink);
        init = initOrClose(env, fn.timeout());
        if (init instanceof InitResult.Failed f && "timeout".equals(f.status())) {
            return suppressedInitTimedOut(fn, env, requestId, sink, tail, s0);
        }
        if (init instanceof InitResult.Failed f) {
            return initFailed(fn, env, requestId, f, sink, tail, t0, true);
        }
        return run(fn, env, requestId, event, sink, tail, true, 0, null, System.nanoTime() - s0, options, t0);
    }

    private Environment newEnv(FunctionSpec fn) {
        makeRoomFor(fn.memoryMb());
        Environment env = factory.create(fn);
        created.incrementAndGet();
        live.incrementAndGet();
        liveMemoryMb.addAndGet(fn.memoryMb());
        memoryOf.put(env, fn.memoryMb());
        return env;
    }

    private void closeEnv(Environment env) {
        Integer mb = memoryOf.remove(env);
        if (mb != null) {
            live.decrementAndGet();
            liveMemoryMb.addAndGet(-mb);
        }
        env.close();
    }

    /** Shuts idle envs down, oldest first, until a new env of mb fits the memory budget (or none is idle). */
    private void makeRoomFor(int mb) {
        while (liveMemoryMb.get() + mb > settings.memoryBudgetMb()) {
            Environment oldest = null;
            synchronized (this) {
                FunctionSpec key = null;
                long since = Long.MAX_VALUE;
                for (Map.Entry<FunctionSpec, Deque<IdleEnv>> e : idle.entrySet()) {
                    IdleEnv last = e.getValue().peekLast();
                    if (last != null && last.sinceNanos() < since) {
                        since = last.sinceNanos();
                        key = e.getKey();
                    }
                }
                if (key != null) {
                    oldest = idle.get(key).pollLast().env();
                }
            }
            if (oldest == null) {
                return; // everything is busy: the budget bounds idle envs, not running invokes
            }
            closeEnv(oldest);
        }
    }

    private void reapIdle() {
        long cutoff = System.nanoTime() - settings.keepAlive().toNanos();
        List<Environment> expired = new ArrayList<>();
        synchronized (this) {
            for (Deque<IdleEnv> d : idle.values()) {
                while (!d.isEmpty() && d.peekLast().sinceNanos() < cutoff) {
                    expired.add(d.pollLast().env());
                }
            }
            idle.values().removeIf(Deque::isEmpty);
        }
        expired.forEach(this::closeEnv);
    }

    /**
     * @param initNanos Init Duration for the REPORT (0 when warm or after a suppressed init)
     * @param restored the Restore phase of a SnapStart cold start, or null
     * @param spentNanos time of a suppressed init already spent on this invoke: START was logged,
     *     it counts in Duration and comes off the timeout
     */
    private InvokeResponse run(FunctionSpec fn, Environment env, String requestId, byte[] event, LogSink sink,
            TailBuffer tail, boolean cold, long initNanos, InitResult.Restored restored, long spentNanos,
            InvokeOptions options, long createdAt) {
        if (spentNanos == 0) {
            sink.line(ReportLines.start(requestId, fn.version()));
        }
        long start = System.nanoTime() - spentNanos;
        Duration timeout = fn.timeout().minusNanos(spentNanos);
        if (timeout.isNegative() || timeout.isZero()) {
            timeout = Duration.ofMillis(1);
        }
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        String invokedArn = options.invokedFunctionArn() != null ? options.invokedFunctionArn() : arn(fn);
        InvokeOutcome outcome;
        try {
            outcome = env.invoke(
                    new Invocation(requestId, event, deadline, invokedArn, null, options.clientContext(), null),
                    timeout);
        } catch (RuntimeException | Error e) {
            // neither idle nor closed, the env would outlive this service (close() cannot reach it)
            closeAfter(env, e);
            throw e;
        }
        long duration = System.nanoTime() - start;
        long maxMem = env.maxMemoryUsedBytes();
        String status = null;
        String errorType = null;
        byte[] body;
        String functionError = null;
        if (outcome instanceof InvokeOutcome.Success s) {
            body = s.payload();
        } else if (outcome instanceof InvokeOutcome.FunctionError f) {
            body = f.errorJson();
            functionError = "Unhandled";
            errorType = f.errorType();
        } else {
            InvokeOutcome.EnvFailure f = (InvokeOutcome.EnvFailure) outcome;
            if ("timeout".equals(f.status())) {
                int at = f.message().indexOf("Task timed out");
                sink.line(Instant.now() + " " + requestId + " " + (at >= 0 ? f.message().substring(at) : f.message()));
            } else {
                sink.line(f.message());
                sink.line(f.errorType());
            }
            status = f.status();
            errorType = f.errorType();
            body = LambdaErrors.json(f.errorType(), f.message());
            functionError = "Unhandled";
        }
        sink.line(ReportLines.end(requestId));
        sink.line(ReportLines.report(requestId, duration, fn.memoryMb(), maxMem, initNanos, restored, status,
                status == null ? null : errorType));
        if (outcome.envReusable()) {
            giveBack(fn, env, createdAt);
        } else {
            closeEnv(env);
        }
        return new InvokeResponse(requestId, body, functionError, errorType, fn.version(), tail.base64(), cold,
                duration, restored != null ? restored.durationNanos() : initNanos, maxMem, restored != null);
    }

    /** The suppressed init used up the function's timeout: the invoke timed out. */
    private InvokeResponse suppressedInitTimedOut(FunctionSpec fn, Environment env, String requestId, LogSink sink,
            TailBuffer tail, long s0) {
        long maxMem = env.maxMemoryUsedBytes();
        closeEnv(env);
        long duration = System.nanoTime() - s0;
        String message = String.format(Locale.ROOT, "Task timed out after %.2f seconds", duration / 1e9);
        sink.line(Instant.now() + " " + requestId + " " + message);
        sink.line(ReportLines.end(requestId));
        sink.line(ReportLines.report(requestId, duration, fn.memoryMb(), maxMem, 0, "timeout", null));
        return new InvokeResponse(requestId, LambdaErrors.json("Sandbox.Timedout", "RequestId: " + requestId
                + " Error: " + message), "Unhandled", "Sandbox.Timedout", fn.version(), tail.base64(), true, duration,
                0, maxMem);
    }

    /** @param startLogged a suppressed init failed: INIT_REPORT and START are already in the log */
    private InvokeResponse initFailed(FunctionSpec fn, Environment env, String requestId, InitResult.Failed f,
            LogSink sink, TailBuffer tail, long t0, boolean startLogged) {
        long maxMem = env.maxMemoryUsedBytes();
        closeEnv(env);
        if (!startLogged) {
            sink.line(f.restore() ? ReportLines.restoreReport(f.durationNanos(), f.status(), f.errorType())
                    : ReportLines.initReport(f.durationNanos(), f.status(), f.errorType()));
            sink.line(ReportLines.start(requestId, fn.version()));
        }
        sink.line(ReportLines.end(requestId));
        long duration = System.nanoTime() - t0;
        sink.line(ReportLines.report(requestId, duration, fn.memoryMb(), maxMem, 0, f.status(), f.errorType()));
        return new InvokeResponse(requestId, f.errorJson(), "Unhandled", f.errorType(), fn.version(), tail.base64(),
                true, duration, f.durationNanos(), maxMem);
    }

    /** Runs Init; an env whose init throws is closed before the exception propagates. */
    private InitResult initOrClose(Environment env, Duration limit) {
        try {
            return env.init(limit);
        } catch (RuntimeException | Error e) {
            closeAfter(env, e);
            throw e;
        }
    }

    private void closeAfter(Environment env, Throwable cause) {
        try {
            closeEnv(env);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    static byte[] validatePayload(byte[] payload) {
        if (payload == null || payload.length == 0) {
            return "{}".getBytes(StandardCharsets.UTF_8);
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new InvokeException("RequestTooLargeException", 413, "Request must be smaller than "
                    + MAX_PAYLOAD_BYTES + " bytes for the InvokeFunction operation");
        }
        try {
            JSON.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new InvokeException("InvalidRequestContentException", 400,
                    "Could not parse request body into json: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvokeException("InvalidRequestContentException", 400, "Could not read request body: " + e.getMessage());
        }
        return payload;
    }

    private String arn(FunctionSpec fn) {
        return "arn:aws:lambda:" + region + ":" + account + ":function:" + fn.name();
    }

    private synchronized Environment takeIdle(FunctionSpec fn) {
        Deque<IdleEnv> d = idle.get(fn);
        IdleEnv i = d == null ? null : d.pollFirst();
        return i == null ? null : i.env();
    }

    /** Most recently used first, so the keep-alive reaper takes the long-idle ones from the tail. */
    private void giveBack(FunctionSpec fn, Environment env, long invokeStartedAt) {
        env.log(line -> {});
        synchronized (this) {
            Long retired = retiredAt.get(fn.name());
            if (retired == null || retired < invokeStartedAt) {
                idle.computeIfAbsent(fn, k -> new ArrayDeque<>()).addFirst(new IdleEnv(env, System.nanoTime()));
                return;
            }
        }
        closeEnv(env);
    }

    /** Shuts every idle env down (SIGKILL after the runtime's work is done; nothing is left). */
    @Override
    public void close() {
        reaper.shutdownNow();
        List<Environment> all = new ArrayList<>();
        synchronized (this) {
            idle.values().forEach(d -> d.forEach(i -> all.add(i.env())));
            idle.clear();
        }
        all.forEach(this::closeEnv);
    }
}
