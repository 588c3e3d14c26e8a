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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
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
    private final Map<FunctionSpec, Deque<Environment>> idle = new HashMap<>();
    private final AtomicLong created = new AtomicLong();

    InvokeService(EnvironmentFactory factory, String region, String account, Duration initLimit) {
        this.factory = factory;
        this.region = region;
        this.account = account;
        this.initLimit = initLimit;
    }

    /** The real thing: envs are sandboxes; per-env sockets live under runDir/envs. */
    public static InvokeService create(SandboxLauncher launcher, Path runDir, String region, String account) {
        Path envs = runDir.resolve("envs");
        removeStaleEnvDirs(envs);
        return new InvokeService(
                fn -> new SandboxEnvironment(launcher, fn, envs, ProcessHandle.current().pid() + "-e" + ENV_SEQ.incrementAndGet(), region),
                region, account, INIT_LIMIT);
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

    /** Idle warm envs of this function. */
    public synchronized int idleEnvironments(FunctionSpec fn) {
        Deque<Environment> d = idle.get(fn);
        return d == null ? 0 : d.size();
    }

    /**
     * Invokes synchronously (RequestResponse). Log lines go to log as they happen.
     *
     * @throws InvokeException for a malformed or oversized payload (no env is touched)
     */
    public InvokeResponse invoke(FunctionSpec fn, byte[] payload, LogSink log) {
        byte[] event = validatePayload(payload);
        String requestId = UUID.randomUUID().toString();
        TailBuffer tail = new TailBuffer();
        LogSink sink = line -> {
            tail.line(line);
            log.line(line);
        };
        long t0 = System.nanoTime();
        Environment env = takeIdle(fn);
        long initNanos = 0;
        boolean cold = env == null;
        if (cold) {
            env = factory.create(fn);
            created.incrementAndGet();
            env.log(sink);
            InitResult init = initOrClose(env, initLimit);
            if (init instanceof InitResult.Failed f && "timeout".equals(f.status())) {
                // Lambda re-runs an Init that exceeded 10 s inside the first invoke, under the function timeout.
                sink.line(ReportLines.initReport(f.durationNanos(), "timeout", null));
                env.close();
                env = factory.create(fn);
                created.incrementAndGet();
                env.log(sink);
                init = initOrClose(env, fn.timeout());
            }
            if (init instanceof InitResult.Failed f) {
                return initFailed(fn, env, requestId, f, sink, tail, t0);
            }
            initNanos = init.durationNanos();
        } else {
            env.log(sink);
        }
        return run(fn, env, requestId, event, sink, tail, cold, initNanos);
    }

    private InvokeResponse run(FunctionSpec fn, Environment env, String requestId, byte[] event, LogSink sink,
            TailBuffer tail, boolean cold, long initNanos) {
        sink.line(ReportLines.start(requestId, fn.version()));
        long start = System.nanoTime();
        long deadline = System.currentTimeMillis() + fn.timeout().toMillis();
        InvokeOutcome outcome;
        try {
            outcome = env.invoke(new Invocation(requestId, event, deadline, arn(fn), null, null, null), fn.timeout());
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
                sink.line(Instant.now() + " " + requestId + " " + f.message().substring(f.message().indexOf("Task timed out")));
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
        sink.line(ReportLines.report(requestId, duration, fn.memoryMb(), maxMem, initNanos, status,
                status == null ? null : errorType));
        if (outcome.envReusable()) {
            giveBack(fn, env);
        } else {
            env.close();
        }
        return new InvokeResponse(requestId, body, functionError, errorType, fn.version(), tail.base64(), cold,
                duration, initNanos, maxMem);
    }

    private InvokeResponse initFailed(FunctionSpec fn, Environment env, String requestId, InitResult.Failed f,
            LogSink sink, TailBuffer tail, long t0) {
        long maxMem = env.maxMemoryUsedBytes();
        env.close();
        sink.line(ReportLines.initReport(f.durationNanos(), f.status(), f.errorType()));
        sink.line(ReportLines.start(requestId, fn.version()));
        sink.line(ReportLines.end(requestId));
        long duration = System.nanoTime() - t0;
        sink.line(ReportLines.report(requestId, duration, fn.memoryMb(), maxMem, 0, f.status(), f.errorType()));
        return new InvokeResponse(requestId, f.errorJson(), "Unhandled", f.errorType(), fn.version(), tail.base64(),
                true, duration, f.durationNanos(), maxMem);
    }

    /** Runs Init; an env whose init throws is closed before the exception propagates. */
    private static InitResult initOrClose(Environment env, Duration limit) {
        try {
            return env.init(limit);
        } catch (RuntimeException | Error e) {
            closeAfter(env, e);
            throw e;
        }
    }

    private static void closeAfter(Environment env, Throwable cause) {
        try {
            env.close();
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
        Deque<Environment> d = idle.get(fn);
        return d == null ? null : d.pollFirst();
    }

    private synchronized void giveBack(FunctionSpec fn, Environment env) {
        env.log(line -> {});
        idle.computeIfAbsent(fn, k -> new ArrayDeque<>()).addFirst(env);
    }

    /** Shuts every idle env down (SIGKILL after the runtime's work is done; nothing is left). */
    @Override
    public void close() {
        List<Environment> all = new ArrayList<>();
        synchronized (this) {
            idle.values().forEach(all::addAll);
            idle.clear();
        }
        all.forEach(Environment::close);
    }
}
