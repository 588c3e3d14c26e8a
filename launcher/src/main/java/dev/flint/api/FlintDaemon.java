package dev.flint.api;

import dev.flint.function.EventInvokeConfig;
import dev.flint.function.FunctionArns;
import dev.flint.function.FunctionConfig;
import dev.flint.function.FunctionRegistry;
import dev.flint.function.ResolvedFunction;
import dev.flint.image.ImageStore;
import dev.flint.invoke.AsyncInvoker;
import dev.flint.invoke.FunctionSpecs;
import dev.flint.invoke.InvokeOptions;
import dev.flint.invoke.InvokeService;
import dev.flint.invoke.SnapStartPublisher;
import dev.flint.invoke.Snapshotter;
import dev.flint.invoke.LogSink;
import dev.flint.sandbox.SandboxLauncher;
import dev.flint.store.Database;
import dev.flint.store.SqliteAsyncEventStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code flint serve} assembled: flint.db (registry + durable async queue), the scheduler with
 * the account's concurrency limit and keep-alive, the async workers, and the Lambda API on HTTP.
 * Used by the serve command and by tests that want a real daemon in-process.
 */
public final class FlintDaemon implements AutoCloseable {
    /**
     * @param memoryBudgetMb idle envs are shut down when all envs' memory would exceed this
     * @param log where function log lines and daemon notes go
     */
    public record Config(Path stateDir, Path runDir, String bind, int port, int accountConcurrency, Duration keepAlive,
            long memoryBudgetMb, AsyncInvoker.Settings async, LogSink log) {}

    private final Database db;
    private final FunctionRegistry registry;
    private final InvokeService service;
    private final AsyncInvoker async;
    private final LambdaApiServer server;

    private FlintDaemon(Database db, FunctionRegistry registry, InvokeService service, AsyncInvoker async,
            LambdaApiServer server) {
        this.db = db;
        this.registry = registry;
        this.service = service;
        this.async = async;
        this.server = server;
    }

    /** Opens the state, starts the workers and the HTTP server; on failure nothing is left running. */
    public static FlintDaemon start(Config c, SandboxLauncher launcher, ImageStore images) {
        Database db = Database.open(c.stateDir());
        FunctionRegistry registry = null;
        InvokeService service = null;
        AsyncInvoker async = null;
        try {
            registry = FunctionRegistry.open(db, c.stateDir(), Clock.systemUTC(), c.accountConcurrency());
            FunctionRegistry reg = registry;
            service = InvokeService.create(launcher, c.runDir(), FunctionArns.region(), FunctionArns.account(),
                    new InvokeService.Settings(c.accountConcurrency(), reg::totalReserved, c.keepAlive(),
                            c.memoryBudgetMb()).withSnapshots(f -> reg.snapStart().checkpoint(f.name(), f.version())));
            async = new AsyncInvoker(new SqliteAsyncEventStore(db), service,
                    (name, qualifier) -> target(reg, images, name, qualifier),
                    arn -> {
                        ResolvedFunction r = reg.resolve(arn, null);
                        return new String[] {r.functionName(), r.qualifier()};
                    },
                    c.async(), c.log()).start();
            AsyncInvoker workers = async;
            SnapStartPublisher snapStart = new SnapStartPublisher(registry, images,
                    new Snapshotter(launcher, c.runDir(), FunctionArns.region()));
            LambdaApi api = new LambdaApi(registry,
                    new ServiceInvoker(service, images, name -> reserved(reg, name), c.log()),
                    (requestId, input) -> workers.submit(requestId, input.version().name(), input.qualifier(),
                            input.payload()),
                    c.stateDir().resolve("tmp"), images)
                    .withSnapStart(version -> snapStart.afterPublish(version, c.log()));
            LambdaApiServer server = new LambdaApiServer(api, c.bind(), c.port(), c.accountConcurrency()).start();
            return new FlintDaemon(db, registry, service, async, server);
        } catch (RuntimeException e) {
            if (async != null) {
                async.close();
            }
            if (service != null) {
                service.close();
            }
            if (registry != null) {
                registry.close();
            }
            db.close();
            throw e;
        }
    }

    private static Integer reserved(FunctionRegistry registry, String name) {
        OptionalInt r = registry.reservedConcurrency(name);
        return r.isPresent() ? r.getAsInt() : null;
    }

    /** An event's function, resolved when it runs (an alias picks its weighted version then). */
    private static AsyncInvoker.Target target(FunctionRegistry registry, ImageStore images, String name,
            String qualifier) {
        ResolvedFunction r = registry.resolve(name, qualifier);
        FunctionConfig version = r.pickVersion(ThreadLocalRandom.current());
        EventInvokeConfig cfg = registry.eventInvokeConfig(r.functionName(), r.qualifier()).orElse(null);
        int retries = cfg == null ? 2 : cfg.retryAttempts();
        Duration maxAge = Duration.ofSeconds(cfg == null ? 21_600 : cfg.eventAgeSeconds());
        return new AsyncInvoker.Target(FunctionSpecs.of(version, images),
                new InvokeOptions(r.functionArn(), null, reserved(registry, r.functionName())),
                version.versionArn(), retries, maxAge,
                cfg == null ? null : cfg.onSuccessDestination(), cfg == null ? null : cfg.onFailureDestination());
    }

    public int port() {
        return server.port();
    }

    public FunctionRegistry registry() {
        return registry;
    }

    public InvokeService invokeService() {
        return service;
    }

    /** Stops accepting, finishes running requests (up to 5 s), stops the workers, closes every env and flint.db. */
    @Override
    public void close() {
        try {
            server.close();
        } finally {
            async.close();
            service.close();
            registry.close();
            db.close();
        }
    }
}
