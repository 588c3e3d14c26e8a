package dev.flint.cli;

import dev.flint.api.FlintDaemon;
import dev.flint.api.LambdaApiServer;
import dev.flint.function.FunctionArns;
import dev.flint.function.FunctionRegistry;
import dev.flint.invoke.AsyncInvoker;
import dev.flint.invoke.InvokeService;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flint serve}: the AWS Lambda API on loopback until SIGTERM/SIGINT, then a clean
 * shutdown (stop accepting, finish running requests for up to 5 s, close every env, close
 * flint.db).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the AWS Lambda API daemon (the SDKs and the AWS CLI work unchanged).",
            "Serves the Lambda REST-JSON API on loopback, for example:",
            "  aws lambda --endpoint-url http://127.0.0.1:9009 list-functions",
            "Runs until SIGTERM or Ctrl-C. Needs root."})
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "N", defaultValue = "" + LambdaApiServer.DEFAULT_PORT,
            description = "TCP port (default ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = LambdaApiServer.DEFAULT_BIND,
            description = "address to listen on (default ${DEFAULT-VALUE}; the API has no authentication)")
    String bind;

    @Option(names = "--region", paramLabel = "R", description = "region in ARNs (default " + FunctionArns.DEFAULT_REGION + ")")
    String region;

    @Option(names = "--account", paramLabel = "ID", description = "12-digit account id in ARNs (default "
            + FunctionArns.DEFAULT_ACCOUNT + ")")
    String account;

    @Option(names = "--keep-alive", paramLabel = "S", defaultValue = "600",
            description = "seconds an idle env stays warm (default ${DEFAULT-VALUE})")
    int keepAliveSeconds;

    @Option(names = "--max-concurrency", paramLabel = "N", defaultValue = "" + FunctionRegistry.DEFAULT_ACCOUNT_CONCURRENCY,
            description = "account concurrency limit (default ${DEFAULT-VALUE}, at least "
                    + FunctionRegistry.MIN_UNRESERVED_CONCURRENCY + ")")
    int maxConcurrency;

    @Override
    public Integer call() throws InterruptedException {
        validate();
        Host.requireRoot("flint serve");
        if (region != null) {
            System.setProperty(FunctionArns.REGION_PROPERTY, region);
        }
        if (account != null) {
            System.setProperty(FunctionArns.ACCOUNT_PROPERTY, account);
        }
        PrintStream err = System.err;
        Path state = Host.stateDir();
        FlintDaemon daemon;
        try {
            daemon = FlintDaemon.start(new FlintDaemon.Config(state, Host.runDir(), bind, port, maxConcurrency,
                    Duration.ofSeconds(keepAliveSeconds), InvokeService.Settings.defaults().memoryBudgetMb(),
                    AsyncInvoker.Settings.defaults(), err::println), Host.launcher(), Host.images());
        } catch (IllegalStateException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("api: cannot listen")) {
                throw new ExitException(ExitCodes.INVALID_INPUT, e.getMessage()); // e.g. the port is taken
            }
            throw e;
        }
        String url = "http://" + bind + ":" + daemon.port();
        try {
            DaemonClient.advertise(Host.runDir(), url);
        } catch (java.io.IOException e) {
            err.println("flint serve: cannot write " + Host.runDir().resolve(DaemonClient.DISCOVERY_FILE)
                    + " (other flint commands will not find this daemon): " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            err.println("flint serve: stopping");
            try {
                DaemonClient.withdraw(Host.runDir());
                daemon.close();
            } finally {
                stopped.countDown();
            }
        }, "flint-serve-stop"));
        err.printf("flint serve: listening on %s%n", url);
        err.printf("  state %s (flint.db), run dir %s, cgroup %s%n", state, Host.runDir(),
                Host.cgroups().version().name().toLowerCase(java.util.Locale.ROOT));
        err.printf("  region %s, account %s, account concurrency %d, keep-alive %d s, %d functions%n",
                FunctionArns.region(), FunctionArns.account(), maxConcurrency, keepAliveSeconds,
                daemon.registry().list().size());
        err.printf("  async: durable queue in flint.db, %d workers, retries after 1 and 2 min%n",
                AsyncInvoker.Settings.defaults().workers());
        err.flush();
        stopped.await();
        return ExitCodes.OK;
    }

    private void validate() {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--port must be 0–65535, got " + port);
        }
        if (maxConcurrency < FunctionRegistry.MIN_UNRESERVED_CONCURRENCY) {
            throw new IllegalArgumentException("--max-concurrency must be at least "
                    + FunctionRegistry.MIN_UNRESERVED_CONCURRENCY + ", got " + maxConcurrency);
        }
        if (keepAliveSeconds < 0) {
            throw new IllegalArgumentException("--keep-alive must be >= 0, got " + keepAliveSeconds);
        }
        if (account != null && !account.matches("\\d{12}")) {
            throw new IllegalArgumentException("--account must be 12 digits, got '" + account + "'");
        }
        if (region != null && !region.matches("[a-z]{2}(-gov)?-[a-z]+-\\d")) {
            throw new IllegalArgumentException("--region must look like us-east-1, got '" + region + "'");
        }
    }
}
