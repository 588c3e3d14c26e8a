package dev.flint.image;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code docker-registry} (distribution 2.8) on 127.0.0.1 and a free port, with its
 * own config and storage in a temp dir; anonymous, or behind htpasswd (bcrypt) Basic auth.
 * Always stopped: by {@link #close()}, and by a JVM shutdown hook for whatever a failed test left.
 */
public final class RegistryServer implements AutoCloseable {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "registry-reaper"));
    }

    private final Process process;
    private final int port;
    private final Path dir;

    private RegistryServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Starts a registry; with {@code user} non-null it asks for Basic auth with that user and password. */
    public static RegistryServer start(Path dir, String user, String password) {
        return start(dir, user, password, null);
    }

    /** Starts a registry that takes Bearer tokens from {@code tokens} (Docker token auth). */
    public static RegistryServer withTokens(Path dir, TokenServer tokens) {
        return start(dir, null, null, tokens);
    }

    private static RegistryServer start(Path dir, String user, String password, TokenServer tokens) {
        try {
            Files.createDirectories(dir.resolve("storage"));
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            StringBuilder config = new StringBuilder()
                    .append("version: 0.1\n")
                    .append("log:\n  level: warn\n  accesslog:\n    disabled: true\n")
                    .append("storage:\n  filesystem:\n    rootdirectory: ").append(dir.resolve("storage")).append('\n')
                    .append("  delete:\n    enabled: true\n")
                    .append("http:\n  addr: 127.0.0.1:").append(port).append('\n')
                    .append("  secret: flint-test-secret\n");
            if (user != null) {
                Tools.Result h = Tools.ok("/usr/bin/htpasswd", "-Bbn", user, password);
                Files.writeString(dir.resolve("htpasswd"), h.out());
                config.append("auth:\n  htpasswd:\n    realm: flint-test\n    path: ").append(dir.resolve("htpasswd"))
                        .append('\n');
            }
            if (tokens != null) {
                config.append(tokens.registryAuthConfig());
            }
            Files.writeString(dir.resolve("config.yml"), config);
            Process p = new ProcessBuilder("/usr/bin/docker-registry", "serve", dir.resolve("config.yml").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
            LIVE.add(p);
            RegistryServer r = new RegistryServer(p, port, dir);
            HttpClient http = HttpClient.newHttpClient();
            await("registry on 127.0.0.1:" + port).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        if (!p.isAlive()) {
                            throw new IllegalStateException("docker-registry exited " + p.exitValue() + ": " + r.log());
                        }
                        try {
                            int s = http.send(HttpRequest.newBuilder(URI.create("http://" + r.host() + "/v2/")).build(),
                                    HttpResponse.BodyHandlers.discarding()).statusCode();
                            return s == 200 || s == 401;
                        } catch (IOException e) {
                            return false;
                        }
                    });
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code 127.0.0.1:PORT}. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** Where the registry keeps blobs: {@code docker/registry/v2/blobs/sha256/XX/HEX/data}. */
    public Path blob(String digest) {
        String hex = Digests.hex(digest);
        return dir.resolve("storage/docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex)
                .resolve("data");
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("registry.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        LIVE.remove(process);
        assertFalse(process.isAlive(), "docker-registry stopped");
    }
}
