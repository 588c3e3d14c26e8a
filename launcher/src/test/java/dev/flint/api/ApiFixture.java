package dev.flint.api;

import dev.flint.function.FunctionConfig;
import dev.flint.function.FunctionRegistry;
import dev.flint.image.ImageStore;
import dev.flint.invoke.InvokeResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * A {@link LambdaApiServer} on an ephemeral loopback port over a temp-dir registry, with a
 * scripted fake {@link Invoker} and a recording {@link AsyncInvoker}: no root, no sandboxes.
 */
final class ApiFixture implements AutoCloseable {
    final FunctionRegistry registry;
    final ImageStore images;
    final LambdaApiServer server;
    final List<String> clientContexts = new CopyOnWriteArrayList<>();
    final List<Accepted> accepted = new CopyOnWriteArrayList<>();
    final List<InvokeInput> invoked = new CopyOnWriteArrayList<>();
    final HttpClient http = HttpClient.newHttpClient();
    /** What the fake invoker does: (function, payload) → response. Default: echo. */
    volatile BiFunction<FunctionConfig, byte[], InvokeResponse> behaviour = ApiFixture::echo;

    record Accepted(String requestId, InvokeInput input) {}

    ApiFixture(Path tmp) {
        registry = new FunctionRegistry(tmp.resolve("state"));
        Invoker invoker = in -> {
            invoked.add(in);
            clientContexts.add(in.clientContext() == null ? "<none>" : in.clientContext());
            return behaviour.apply(in.version(), in.payload());
        };
        AsyncInvoker async = (id, in) -> accepted.add(new Accepted(id, in));
        images = new ImageStore(tmp.resolve("images"));
        LambdaApi api = new LambdaApi(registry, invoker, async, tmp.resolve("uploads"), images);
        server = new LambdaApiServer(api, "127.0.0.1", 0, 16).start();
    }

    static InvokeResponse echo(FunctionConfig fn, byte[] payload) {
        String tail = Base64.getEncoder().encodeToString(("START RequestId: r1 Version: " + fn.version()
                + "\nEND RequestId: r1\nREPORT RequestId: r1\tDuration: 1.00 ms\t\n").getBytes(StandardCharsets.UTF_8));
        return new InvokeResponse("r1", payload, null, null, fn.version(), tail, false, 1_000_000, 0, 0);
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    LambdaClient sdk() {
        return LambdaClient.builder()
                .endpointOverride(URI.create(base()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDFLINT", "secret")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(software.amazon.awssdk.retries.DefaultRetryStrategy.doNotRetry()))
                .build();
    }

    HttpResponse<String> send(String method, String path, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> send(String method, String path, String body, String... headers) {
        return send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** A python ZIP with lambda_function.py (the hello-python example's code). */
    static byte[] helloZip() {
        return zip(Map.of("lambda_function.py",
                "def lambda_handler(event, context):\n    return {'statusCode': 200, 'body': 'Hello World'}\n"));
    }

    static byte[] zip(Map<String, String> files) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream out = new ZipOutputStream(bytes)) {
                for (Map.Entry<String, String> e : files.entrySet()) {
                    out.putNextEntry(new ZipEntry(e.getKey()));
                    out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                    out.closeEntry();
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A ZIP of every regular file under {@code dir}, paths relative to it. */
    static byte[] zipDirectory(Path dir) {
        try (var files = Files.walk(dir)) {
            Map<String, String> m = new java.util.TreeMap<>();
            List<Path> list = new ArrayList<>(files.filter(Files::isRegularFile).toList());
            for (Path p : list) {
                m.put(dir.relativize(p).toString(), Files.readString(p));
            }
            return zip(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CreateFunction's JSON body for a python function. */
    static String createBody(String name, String extraFields) {
        return "{\"FunctionName\":\"" + name + "\",\"Runtime\":\"python3.11\",\"Role\":\"arn:aws:iam::000000000000:role/x\","
                + "\"Handler\":\"lambda_function.lambda_handler\",\"Code\":{\"ZipFile\":\""
                + Base64.getEncoder().encodeToString(helloZip()) + "\"}" + extraFields + "}";
    }

    @Override
    public void close() {
        server.close();
        registry.close();
    }
}
