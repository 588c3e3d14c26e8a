package dev.flint.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * Warm invokes through {@code flint serve}'s HTTP API, driven by the real AWS SDK for Java v2
 * (sync {@link LambdaClient}, URL-connection HTTP client, keep-alive): p50/p99 latency and
 * throughput at each concurrency, each after a warm-up that has pre-warmed as many envs as there
 * are callers. A second row per concurrency sends the same request with {@code java.net.http}
 * (no SDK), so the SDK's own share shows.
 *
 * <p>The daemon is a separate process ({@code scripts/bench-api.sh} starts one). The SDK is not in
 * flint.jar: run with the SDK on the class path (the script does).
 *
 * <pre>ApiBench --endpoint http://127.0.0.1:PORT --code examples/hello-python [--memory 1769]
 *          [--concurrency 1,4,16] [--invokes 20000] [--warmup 3000]</pre>
 */
public final class ApiBench {
    private ApiBench() {}

    /**
     * @param cpu CPU time used during the row, in ns: [bench JVM (the client), daemon process
     *     (when its pid is known), whole host (/proc/stat, all CPUs, not idle or iowait)]
     */
    record Row(String client, int concurrency, Percentiles latency, long wallNanos, long errors, long[] cpu) {
        Row withClient(String name) {
            return new Row(name, concurrency, latency, wallNanos, errors, cpu);
        }

        /** CPU ms per invoke of cpu[i]. */
        double cpuPerInvoke(int i) {
            return cpu[i] / 1e6 / Math.max(1, latency.count());
        }

        double throughput() {
            return latency.count() / (wallNanos / 1e9);
        }
    }

    /** The daemon's pid, for its CPU time (0: unknown). */
    static long daemonPid;

    public static void main(String[] args) throws Exception {
        // the URL-connection client keeps at most http.maxConnections idle keep-alive connections
        // per host (default 5): more callers than that would reconnect on every call
        System.setProperty("http.maxConnections", "64");
        String endpoint = null;
        Path code = Path.of("examples/hello-python");
        int memory = 1769;
        List<Integer> concurrency = List.of(1, 4, 16);
        int invokes = 20_000;
        int warmup = 3_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--daemon-pid" -> daemonPid = Long.parseLong(args[++i]);
                case "--endpoint" -> endpoint = args[++i];
                case "--code" -> code = Path.of(args[++i]);
                case "--memory" -> memory = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = java.util.Arrays.stream(args[++i].split(","))
                        .map(String::trim).map(Integer::parseInt).toList();
                case "--invokes" -> invokes = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (endpoint == null) {
            throw new IllegalArgumentException("--endpoint http://127.0.0.1:PORT is required");
        }
        String fn = "apibench";
        String url = endpoint;
        try (LambdaClient lambda = LambdaClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "secret")))
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(60)).build())
                .overrideConfiguration(c -> c.retryStrategy(DefaultRetryStrategy.doNotRetry()))
                .build()) {
            try {
                lambda.deleteFunction(b -> b.functionName(fn));
            } catch (ResourceNotFoundException none) {
                // first run on this state
            }
            byte[] zip = zip(code);
            int mb = memory;
            lambda.createFunction(b -> b.functionName(fn).runtime("python3.11")
                    .role("arn:aws:iam::000000000000:role/bench").handler("lambda_function.lambda_handler")
                    .memorySize(mb).timeout(30).code(c -> c.zipFile(SdkBytes.fromByteArray(zip))));
            SdkBytes payload = SdkBytes.fromUtf8String("{\"key\":\"value\"}");
            Supplier<Runnable> sdkCall = () -> () -> {
                InvokeResponse r = lambda.invoke(b -> b.functionName(fn).payload(payload));
                if (r.statusCode() != 200 || r.functionError() != null) {
                    throw new IllegalStateException("invoke failed: " + r.statusCode() + " " + r.payload().asUtf8String());
                }
            };
            HttpClient raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest rawRequest = HttpRequest.newBuilder(URI.create(url + "/2015-03-31/functions/" + fn + "/invocations"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"value\"}")).build();
            Supplier<Runnable> rawCall = () -> () -> {
                try {
                    HttpResponse<byte[]> r = raw.send(rawRequest, HttpResponse.BodyHandlers.ofByteArray());
                    if (r.statusCode() != 200 || r.headers().firstValue("X-Amz-Function-Error").isPresent()) {
                        throw new IllegalStateException("invoke failed: " + r.statusCode());
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            };
            List<Row> rows = new ArrayList<>();
            for (int c : concurrency) {
                // warm-up: c callers in a closed loop make up to c envs and compile the paths
                run(sdkCall, c, Math.max(warmup, 200 * c));
                run(rawCall, c, Math.max(warmup / 3, 100 * c));
                rows.add(run(sdkCall, c, invokes).withClient("AWS SDK v2 (LambdaClient, url-connection)"));
                rows.add(run(rawCall, c, invokes).withClient("java.net.http, no SDK"));
                System.err.printf(Locale.ROOT, "apibench: concurrency %d done%n", c);
            }
            lambda.deleteFunction(b -> b.functionName(fn));
            System.out.println("| client | concurrency | n | p50 ms | p99 ms | invokes/s | errors "
                    + "| CPU ms/invoke: client | daemon | host total |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (Row r : rows) {
                System.out.printf(Locale.ROOT, "| %s | %d | %d | %.3f | %.3f | %.0f | %d | %.3f | %s | %.3f |%n",
                        r.client(), r.concurrency(), r.latency().count(), r.latency().p50() / 1e6,
                        r.latency().p99() / 1e6, r.throughput(), r.errors(), r.cpuPerInvoke(0),
                        daemonPid == 0 ? "–" : String.format(Locale.ROOT, "%.3f", r.cpuPerInvoke(1)), r.cpuPerInvoke(2));
            }
        }
    }

    /** {@code total} calls split over {@code threads} callers, each timed; errors counted, not timed. */
    static Row run(Supplier<Runnable> call, int threads, int total) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long[][] times = new long[threads][];
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Runnable r = call.get();
            Thread th = new Thread(() -> {
                long[] mine = new long[total];
                int n = 0;
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                while (next.getAndIncrement() < total) {
                    long t0 = System.nanoTime();
                    try {
                        r.run();
                        mine[n++] = System.nanoTime() - t0;
                    } catch (RuntimeException e) {
                        if (errors.incrementAndGet() <= 3) {
                            System.err.println("apibench: " + e);
                        }
                    }
                }
                times[id] = java.util.Arrays.copyOf(mine, n);
            }, "apibench-" + t);
            ts.add(th);
            th.start();
        }
        long[] cpu0 = cpuNow();
        long t0 = System.nanoTime();
        go.countDown();
        for (Thread th : ts) {
            th.join();
        }
        long wall = System.nanoTime() - t0;
        long[] cpu1 = cpuNow();
        long[] cpu = {cpu1[0] - cpu0[0], cpu1[1] - cpu0[1], cpu1[2] - cpu0[2]};
        List<Long> all = new ArrayList<>(total);
        for (long[] m : times) {
            for (long v : m) {
                all.add(v);
            }
        }
        return new Row("", threads, Percentiles.of(all), wall, errors.get(), cpu);
    }

    /** [this JVM's CPU ns, the daemon's CPU ns, the host's busy CPU ns]. */
    static long[] cpuNow() {
        long self = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
        long daemon = 0;
        long host = 0;
        long tick = 10_000_000L; // USER_HZ 100
        try {
            if (daemonPid != 0) {
                String stat = Files.readString(Path.of("/proc/" + daemonPid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                daemon = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * tick; // utime, stime
            }
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            for (int i = 1; i < cpu.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    host += Long.parseLong(cpu[i]) * tick;
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new long[] {self, daemon, host};
    }

    private static byte[] zip(Path dir) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out); var files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                z.putNextEntry(new ZipEntry(dir.relativize(p).toString()));
                z.write(Files.readAllBytes(p));
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
