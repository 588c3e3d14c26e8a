package dev.flint.api;

import dev.flint.image.ImageStore;
import dev.flint.invoke.AsyncInvoker;
import dev.flint.sandbox.SandboxTestHost;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * Shared pieces of the {@code Serve*IT}s: a real {@link FlintDaemon} in-process on an ephemeral
 * loopback port (state in a temp dir, envs under /run/flint, the host's images), the real SDK
 * client pointed at it (dummy credentials, no SDK retries), test functions from
 * {@code src/test/resources/functions}, and the daemon's log (function output included) as a list.
 */
final class ServeFixture {
    static final Path HOME = Path.of(System.getProperty("flint.home", ".")).toAbsolutePath();
    static final String ROLE = "arn:aws:iam::000000000000:role/lambda";
    /** A whole vCPU (contract §7): functions that are not about memory start fast. */
    static final int FAST_MB = 1769;

    private ServeFixture() {}

    /** A daemon with the given account limit and async settings; every log line goes to {@code log}. */
    static FlintDaemon start(Path state, int accountConcurrency, AsyncInvoker.Settings async, List<String> log) {
        return FlintDaemon.start(new FlintDaemon.Config(state, SandboxTestHost.RUN_DIR, "127.0.0.1", 0,
                accountConcurrency, Duration.ofMinutes(10), 512 * 1024, async, log::add),
                SandboxTestHost.launcher(), new ImageStore(SandboxTestHost.IMAGES));
    }

    /** Async settings for tests: short retry delays, quick polls, a lease longer than any test. */
    static AsyncInvoker.Settings async(int workers, Duration retryDelay) {
        return new AsyncInvoker.Settings(workers, List.of(retryDelay, retryDelay), Duration.ofMillis(100),
                Duration.ofMinutes(10));
    }

    static SdkHttpClient http(Duration socketTimeout) {
        return UrlConnectionHttpClient.builder().socketTimeout(socketTimeout)
                .connectionTimeout(Duration.ofSeconds(30)).build();
    }

    /** The real SDK client on the daemon, retries off (a 429 must surface, not be retried away). */
    static LambdaClient sdk(int port, SdkHttpClient http) {
        return LambdaClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDFLINT", "secret")))
                .httpClient(http)
                .overrideConfiguration(c -> c.retryStrategy(DefaultRetryStrategy.doNotRetry())
                        .apiCallTimeout(Duration.ofMinutes(5)).apiCallAttemptTimeout(Duration.ofMinutes(5)))
                .build();
    }

    /** A python3.11 function from src/test/resources/functions/NAME. */
    static void createPython(LambdaClient lambda, String name, String resource, int memoryMb, int timeout) {
        lambda.createFunction(b -> b.functionName(name).runtime(Runtime.PYTHON3_11).role(ROLE)
                .handler("lambda_function.lambda_handler").memorySize(memoryMb).timeout(timeout)
                .code(c -> c.zipFile(SdkBytes.fromByteArray(zipResource(resource, Set.of())))));
    }

    /** examples/hello-python's code as a function. */
    static void createHello(LambdaClient lambda, String name, int memoryMb) {
        lambda.createFunction(b -> b.functionName(name).runtime(Runtime.PYTHON3_11).role(ROLE)
                .handler("lambda_function.lambda_handler").memorySize(memoryMb).timeout(30)
                .code(c -> c.zipFile(SdkBytes.fromByteArray(ApiFixture.zipDirectory(HOME.resolve("examples/hello-python"))))));
    }

    /**
     * A "provided" function: examples/custom-runtime/bootstrap (sh + curl) with the handler file(s)
     * of src/test/resources/functions/NAME; bootstrap is executable in the ZIP.
     */
    static byte[] providedZip(String resource) {
        Map<String, byte[]> files = new TreeMap<>(read(resourceDir(resource)));
        try {
            files.put("bootstrap", Files.readAllBytes(HOME.resolve("examples/custom-runtime/bootstrap")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return zip(files, Set.of("bootstrap"));
    }

    static Path resourceDir(String name) {
        try {
            return Path.of(ServeFixture.class.getResource("/functions/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("no test function functions/" + name, e);
        }
    }

    static byte[] zipResource(String name, Set<String> executables) {
        return zip(read(resourceDir(name)), executables);
    }

    private static Map<String, byte[]> read(Path dir) {
        Map<String, byte[]> m = new TreeMap<>();
        try (var files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    /**
     * A ZIP with unix modes in the central directory (0644, or 0755 for {@code executables}):
     * java.util.zip writes no modes, so "version made by" and the external attributes are patched.
     */
    static byte[] zip(Map<String, byte[]> files, Set<String> executables) {
        byte[] bytes;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream z = new ZipOutputStream(out)) {
                for (Map.Entry<String, byte[]> e : files.entrySet()) {
                    z.putNextEntry(new ZipEntry(e.getKey()));
                    z.write(e.getValue());
                    z.closeEntry();
                }
            }
            bytes = out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 46 <= bytes.length; i++) {
            if (b.getInt(i) != 0x02014b50) {
                continue;
            }
            int nameLen = b.getShort(i + 28) & 0xffff;
            String name = new String(bytes, i + 46, nameLen, StandardCharsets.UTF_8);
            int mode = 0100000 | (executables.contains(name) ? 0755 : 0644);
            b.putShort(i + 4, (short) ((3 << 8) | 20)); // made by: unix, 2.0
            b.putInt(i + 38, mode << 16);
            i += 45 + nameLen;
        }
        return bytes;
    }

    /** Log lines starting with prefix, prefix cut off. */
    static List<String> lines(List<String> log, String prefix) {
        List<String> out = new ArrayList<>();
        for (String l : new ArrayList<>(log)) {
            int at = l.indexOf(prefix);
            if (at >= 0) {
                out.add(l.substring(at + prefix.length()));
            }
        }
        return out;
    }

    static String tail(List<String> log, int n) {
        List<String> copy = new ArrayList<>(log);
        return "\n--- daemon log (last " + n + " of " + copy.size() + ") ---\n"
                + String.join("\n", copy.subList(Math.max(0, copy.size() - n), copy.size()));
    }
}
