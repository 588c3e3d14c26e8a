package dev.flint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The CLI's way to a running {@code flint serve}: the daemon writes {@code <run dir>/serve.json}
 * ({@code {"pid":…,"url":"http://127.0.0.1:PORT"}}) while it runs; when that names a live
 * process, commands go through the daemon's Lambda API (so invokes share its warm envs), else
 * they run in-process.
 */
final class DaemonClient {
    static final String DISCOVERY_FILE = "serve.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private DaemonClient(URI base) {
        this.base = base;
    }

    /** The running daemon, if any (set FLINT_NO_DAEMON=1 to force in-process). */
    static Optional<DaemonClient> find(Path runDir) {
        if (System.getenv("FLINT_NO_DAEMON") != null) {
            return Optional.empty();
        }
        Path file = runDir.resolve(DISCOVERY_FILE);
        try {
            JsonNode n = JSON.readTree(Files.readString(file));
            long pid = n.path("pid").asLong(-1);
            String url = n.path("url").asText("");
            if (pid > 0 && !url.isEmpty() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return Optional.of(new DaemonClient(URI.create(url)));
            }
        } catch (IOException | RuntimeException e) {
            // no daemon (or a stale file of one that died): run in-process
        }
        return Optional.empty();
    }

    /** Writes the discovery file for a daemon listening at url (called by {@code flint serve}). */
    static void advertise(Path runDir, String url) throws IOException {
        Files.createDirectories(runDir);
        Path tmp = runDir.resolve(DISCOVERY_FILE + ".tmp");
        Files.writeString(tmp, JSON.writeValueAsString(Map.of("pid", ProcessHandle.current().pid(), "url", url)));
        Files.move(tmp, runDir.resolve(DISCOVERY_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Removes the discovery file if it is this process's. */
    static void withdraw(Path runDir) {
        Path file = runDir.resolve(DISCOVERY_FILE);
        try {
            JsonNode n = JSON.readTree(Files.readString(file));
            if (n.path("pid").asLong() == ProcessHandle.current().pid()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException | RuntimeException ignored) {
            // nothing to withdraw
        }
    }

    String url() {
        return base.toString();
    }

    static String path(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    HttpResponse<byte[]> send(String method, String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(16))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ExitException(ExitCodes.HOST_NOT_CAPABLE, "flint serve at " + base + " did not answer: " + e.getMessage()
                    + " (set FLINT_NO_DAEMON=1 to run in-process)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExitException(ExitCodes.INTERNAL, "interrupted");
        }
    }

    /** Sends a JSON request; a 4xx/5xx answer becomes an ExitException with AWS's message. */
    JsonNode json(String method, String path, Object body) {
        byte[] bytes;
        try {
            bytes = body == null ? null : JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        HttpResponse<byte[]> r = send(method, path, bytes, Map.of("Content-Type", "application/json"));
        failOnError(r);
        try {
            return r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new ExitException(ExitCodes.INTERNAL, "flint serve sent malformed JSON: " + e.getMessage());
        }
    }

    static void failOnError(HttpResponse<byte[]> r) {
        if (r.statusCode() < 400) {
            return;
        }
        String type = r.headers().firstValue("x-amzn-ErrorType").orElse("error").split(":")[0];
        String message = new String(r.body(), StandardCharsets.UTF_8);
        try {
            JsonNode n = JSON.readTree(r.body());
            message = n.hasNonNull("message") ? n.get("message").asText() : n.path("Message").asText(message);
        } catch (IOException ignored) {
            // not JSON: keep the raw text
        }
        int code = r.statusCode() < 500 ? ExitCodes.INVALID_INPUT : ExitCodes.INTERNAL;
        throw new ExitException(code, type + ": " + message);
    }
}
