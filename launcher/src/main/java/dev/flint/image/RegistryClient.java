package dev.flint.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Pulls an image from an OCI Distribution registry (the Docker Registry HTTP API v2) with
 * {@code java.net.http}: the manifest (an OCI or Docker schema 2 manifest, or an index / manifest
 * list resolved to linux/amd64), the config, then the layer blobs the store does not have yet.
 *
 * <p>Authentication follows the registry's {@code WWW-Authenticate} challenge: none, Basic (with
 * the given credentials), or Bearer (a token from the challenge's realm, asked for with the
 * credentials when there are any, anonymously otherwise). HTTPS with certificate checks is the
 * rule; plain HTTP is used only for a loopback registry or when {@code insecure} is set, and
 * then only after HTTPS failed. Redirects (blob storage) are followed by hand so the
 * Authorization header never goes to another host.
 *
 * <p>Every manifest, config and blob is checked against its digest. Blobs are downloaded into
 * {@code <store>/downloads/sha256/<hex>.partial}, resumed with a Range request after an
 * interruption, and renamed to {@code <hex>} once verified; {@link Pull#discardBlobs} removes
 * them after the import.
 */
public final class RegistryClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REDIRECTS = 5;
    private static final int BUFFER = 256 * 1024;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /**
     * @param insecure    allow plain HTTP to a registry that is not on loopback
     * @param credentials for Basic auth or the token request; null: anonymous
     * @param parallel    blobs downloaded at the same time
     */
    public record Options(boolean insecure, RegistryCredentials credentials, int parallel) {
        public Options {
            parallel = Math.max(1, parallel);
        }
    }

    /** What a pull reports as it goes; called from several download threads. */
    public interface Listener {
        /** A layer's download starts ({@code resumedFrom} bytes were already there). */
        default void layerStarted(String digest, long size, long resumedFrom) {
        }

        default void layerProgress(String digest, long done, long size) {
        }

        /** The layer's blob is verified, or was not needed ({@code skipped}: already in the store or downloaded). */
        default void layerDone(String digest, long size, String how) {
        }

        default void note(String line) {
        }
    }

    /**
     * A pulled image, ready for {@link ImageStore#importImage}, and its downloaded blobs. The
     * downloads may still be running: each layer's blob opens once its download is verified, so
     * the store unpacks the first layers while the others arrive. Closing the image stops them.
     */
    public record Pull(ImageImport image, List<Path> blobs) {
        /** Deletes the downloaded blobs (once their layers are in the store). */
        public void discardBlobs() {
            for (Path b : blobs) {
                try {
                    Files.deleteIfExists(b);
                } catch (IOException e) {
                    // removed with the downloads dir later
                }
            }
        }
    }

    private final ImageReference ref;
    private final Options options;
    private final HttpClient http;
    private final Map<String, String> tokens = new HashMap<>();
    private volatile String base;
    private volatile String authorization;

    public RegistryClient(ImageReference ref, Options options) {
        this.ref = ref;
        this.options = options;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Fetches manifest and config, downloads the missing layers, and returns them for the store. */
    public Pull pull(ImageStore store, Listener listener) {
        String where = "registry " + ref.registry();
        ManifestAnswer top = manifest(ref.manifestReference(), ref.digest());
        String manifestDigest = top.digest;
        Object doc = OciManifests.parse(top.body, top.contentType, ref + " manifest");
        if (doc instanceof OciManifests.Index index) {
            OciManifests.Descriptor d = index.linuxAmd64(ref.toString());
            listener.note("index " + Digests.shortForm(manifestDigest) + ": linux/amd64 is "
                    + Digests.shortForm(d.digest()));
            ManifestAnswer m = manifest(d.digest(), d.digest());
            doc = OciManifests.parseManifest(m.body, m.contentType != null ? m.contentType : d.mediaType(),
                    ref + " manifest " + Digests.shortForm(d.digest()));
            manifestDigest = d.digest();
        }
        OciManifests.Manifest manifest = (OciManifests.Manifest) doc;
        for (OciManifests.Descriptor l : manifest.layers()) {
            String t = l.mediaType() == null ? "" : l.mediaType();
            if (t.contains("foreign") || t.contains("nondistributable")) {
                throw new ImageException(ref + ": layer " + Digests.shortForm(l.digest()) + " is a foreign layer ("
                        + t + "), which flint cannot fetch");
            }
        }
        byte[] configBytes = blobBytes(manifest.config(), OciManifests.MAX_CONFIG_BYTES);
        OciManifests.ImageConfigDoc config = OciManifests.parseConfig(configBytes, ref + " config");
        if (config.diffIds().size() != manifest.layers().size()) {
            throw new ImageException(ref + ": the manifest lists " + manifest.layers().size()
                    + " layers but the config has " + config.diffIds().size() + " diff_ids");
        }
        List<String> chain = Digests.chainIds(config.diffIds());
        Path dir = store.downloadsDir().resolve("sha256");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<ImageImport.LayerBlob> layers = new ArrayList<>();
        List<Path> blobs = new ArrayList<>();
        Map<String, Future<?>> downloads = new HashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(options.parallel(), r -> {
            Thread t = new Thread(r, "image-pull");
            t.setDaemon(true);
            return t;
        });
        listener.note(where + ": " + ref + " is " + Digests.shortForm(manifestDigest));
        for (int i = 0; i < manifest.layers().size(); i++) {
            OciManifests.Descriptor d = manifest.layers().get(i);
            if (store.hasLayer(chain.get(i))) {
                listener.layerDone(d.digest(), d.size(), "already in the store");
                layers.add(new ImageImport.LayerBlob(d.mediaType(), d.digest(), d.size(), config.diffIds().get(i), null));
                continue;
            }
            Path file = dir.resolve(Digests.hex(d.digest()));
            if (!downloads.containsKey(d.digest())) {
                blobs.add(file);
                downloads.put(d.digest(), pool.submit(() -> {
                    download(d, dir, listener);
                    return null;
                }));
            }
            Future<?> f = downloads.get(d.digest());
            layers.add(new ImageImport.LayerBlob(d.mediaType(), d.digest(), d.size(), config.diffIds().get(i), () -> {
                await(f);
                return Files.newInputStream(file);
            }, true));
        }
        pool.shutdown(); // no more downloads; the threads end with the last one
        AutoCloseable stop = () -> {
            downloads.values().forEach(f -> f.cancel(true));
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        };
        ImageImport image = new ImageImport(ref.registry() + "/" + ref.repository()
                + (ref.tag() != null ? ":" + ref.tag() : "@" + ref.digest()), manifestDigest, config, layers, stop);
        return new Pull(image, blobs);
    }

    /** Waits for a download; its failure is the caller's. */
    private static void await(Future<?> f) throws IOException {
        try {
            f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new RegistryException("download failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.CancellationException e) {
            throw new ImageException("download cancelled");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageException("interrupted while downloading");
        }
    }

    // ---- manifests and small blobs ---------------------------------------------------------------

    private record ManifestAnswer(byte[] body, String contentType, String digest) {
    }

    private ManifestAnswer manifest(String reference, String expectedDigest) {
        String path = "/v2/" + ref.repository() + "/manifests/" + reference;
        HttpResponse<InputStream> r = send("GET", path, OciManifests.ACCEPT, null);
        byte[] body = readLimited(r, OciManifests.MAX_MANIFEST_BYTES, path);
        String actual = Digests.of(body);
        String header = r.headers().firstValue("Docker-Content-Digest").orElse(null);
        if (expectedDigest != null && !expectedDigest.equals(actual)) {
            throw new RegistryException("registry " + ref.registry() + ": manifest " + Digests.shortForm(expectedDigest)
                    + " arrived with digest " + Digests.shortForm(actual) + ": wrong digest, refused", r.statusCode());
        }
        if (expectedDigest == null && header != null && Digests.isValid(header) && !header.equals(actual)) {
            throw new RegistryException("registry " + ref.registry() + ": manifest of " + ref + " has digest "
                    + Digests.shortForm(actual) + " but the registry says " + Digests.shortForm(header)
                    + ": wrong digest, refused", r.statusCode());
        }
        return new ManifestAnswer(body, r.headers().firstValue("Content-Type").orElse(null), actual);
    }

    private byte[] blobBytes(OciManifests.Descriptor d, int max) {
        if (d.size() > max) {
            throw new ImageException(ref + ": blob " + Digests.shortForm(d.digest()) + " of " + d.size()
                    + " bytes is over the limit of " + max);
        }
        String path = "/v2/" + ref.repository() + "/blobs/" + d.digest();
        HttpResponse<InputStream> r = send("GET", path, null, null);
        byte[] body = readLimited(r, max, path);
        String actual = Digests.of(body);
        if (!actual.equals(d.digest())) {
            throw new RegistryException("registry " + ref.registry() + ": blob " + Digests.shortForm(d.digest())
                    + " arrived with digest " + Digests.shortForm(actual) + ": wrong digest, refused", r.statusCode());
        }
        return body;
    }

    private static byte[] readLimited(HttpResponse<InputStream> r, int max, String path) {
        try (InputStream in = r.body()) {
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) {
                throw new ImageException(path + ": answer over " + max + " bytes, refused");
            }
            return b;
        } catch (IOException e) {
            throw new RegistryException("reading " + path + ": " + e.getMessage(), e);
        }
    }

    // ---- layer downloads -------------------------------------------------------------------------

    /** Downloads one blob into {@code dir/<hex>}, resuming {@code <hex>.partial}; verifies size and digest. */
    private void download(OciManifests.Descriptor d, Path dir, Listener listener) throws IOException {
        String hex = Digests.hex(d.digest());
        Path done = dir.resolve(hex);
        if (Files.isRegularFile(done)) {
            listener.layerDone(d.digest(), d.size(), "downloaded before, reused");
            return;
        }
        Path part = dir.resolve(hex + ".partial");
        MessageDigest md = Digests.sha256();
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        if (have > d.size()) {
            Files.delete(part);
            have = 0;
        }
        if (have > 0) {
            try (InputStream in = Files.newInputStream(part)) {
                byte[] b = new byte[BUFFER];
                int n;
                while ((n = in.read(b)) > 0) {
                    md.update(b, 0, n);
                }
            }
        }
        String path = "/v2/" + ref.repository() + "/blobs/" + d.digest();
        HttpResponse<InputStream> r = have > 0 && have < d.size()
                ? send("GET", path, null, "bytes=" + have + "-")
                : have == d.size() && have > 0 ? null : send("GET", path, null, null);
        listener.layerStarted(d.digest(), d.size(), have);
        if (r != null) {
            boolean append = r.statusCode() == 206;
            if (!append && have > 0) {
                md.reset();
                have = 0;
            }
            try (InputStream in = r.body();
                    FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] b = new byte[BUFFER];
                long last = 0;
                int n;
                while ((n = in.read(b)) > 0) {
                    have += n;
                    if (have > d.size()) {
                        throw new RegistryException("registry " + ref.registry() + ": blob " + Digests.shortForm(d.digest())
                                + " is longer than its " + d.size() + " bytes, refused", r.statusCode());
                    }
                    md.update(b, 0, n);
                    ByteBuffer bb = ByteBuffer.wrap(b, 0, n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                    if (have - last >= (1 << 20)) {
                        listener.layerProgress(d.digest(), have, d.size());
                        last = have;
                    }
                }
            }
        }
        if (have != d.size()) {
            throw new RegistryException("registry " + ref.registry() + ": blob " + Digests.shortForm(d.digest())
                    + " ended after " + have + " of " + d.size() + " bytes; run the pull again to resume", 0);
        }
        String actual = Digests.of(md);
        if (!actual.equals(d.digest())) {
            Files.deleteIfExists(part);
            throw new RegistryException("registry " + ref.registry() + ": blob " + Digests.shortForm(d.digest())
                    + " arrived with digest " + Digests.shortForm(actual) + ": wrong digest, refused", 0);
        }
        Files.move(part, done, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        listener.layerProgress(d.digest(), have, d.size());
        listener.layerDone(d.digest(), d.size(), "verified");
    }

    // ---- HTTP -------------------------------------------------------------------------------------

    /** The API base, {@code https://host} or (loopback / insecure, when HTTPS fails) {@code http://host}. */
    private String base() {
        String b = base;
        if (b != null) {
            return b;
        }
        synchronized (this) {
            if (base != null) {
                return base;
            }
            String host = ref.apiHost();
            boolean plainAllowed = options.insecure() || ref.isLoopback();
            try {
                probe("https://" + host);
                base = "https://" + host;
            } catch (SSLException | ConnectException e) {
                if (!plainAllowed) {
                    throw new RegistryException("registry " + ref.registry() + ": HTTPS failed (" + e.getMessage()
                            + "); plain HTTP is used only for loopback registries or with --insecure", e);
                }
                base = "http://" + host;
            } catch (IOException e) {
                if (!plainAllowed) {
                    throw new RegistryException("registry " + ref.registry() + ": HTTPS failed (" + e
                            + "); plain HTTP is used only for loopback registries or with --insecure", e);
                }
                base = "http://" + host;
            }
            return base;
        }
    }

    private void probe(String b) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(b + "/v2/")).timeout(Duration.ofSeconds(10)).GET().build();
        try {
            http.send(req, HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /**
     * Sends a request, answering one 401 challenge and following redirects; returns a 2xx
     * response (206 for a range) or throws with the registry's error.
     */
    private HttpResponse<InputStream> send(String method, String path, String accept, String range) {
        String url = base() + path;
        boolean authed = false;
        for (int redirects = 0; ; ) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
                    .method(method, HttpRequest.BodyPublishers.noBody());
            if (accept != null) {
                b.header("Accept", accept);
            }
            if (range != null) {
                b.header("Range", range);
            }
            boolean sameHost = URI.create(url).getAuthority().equalsIgnoreCase(URI.create(base()).getAuthority());
            String auth = authorization;
            if (auth != null && sameHost) {
                b.header("Authorization", auth);
            }
            HttpResponse<InputStream> r = exchange(b.build(), method + " " + path);
            int s = r.statusCode();
            if (s == 401 && sameHost && !authed) {
                discard(r);
                authenticate(r.headers().allValues("WWW-Authenticate"), path);
                authed = true;
                continue;
            }
            if (s >= 300 && s < 400 && r.headers().firstValue("Location").isPresent()) {
                discard(r);
                if (++redirects > MAX_REDIRECTS) {
                    throw new RegistryException("registry " + ref.registry() + ": " + method + " " + path
                            + ": more than " + MAX_REDIRECTS + " redirects", s);
                }
                url = URI.create(url).resolve(r.headers().firstValue("Location").get()).toString();
                continue;
            }
            if (s / 100 == 2) {
                return r;
            }
            throw error(method + " " + path, r);
        }
    }

    private HttpResponse<InputStream> exchange(HttpRequest req, String what) {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new RegistryException("registry " + ref.registry() + ": " + what + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageException("interrupted: " + what);
        }
    }

    private static void discard(HttpResponse<InputStream> r) {
        try (InputStream in = r.body()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            // the connection is dropped
        }
    }

    /** The registry's error as a message: status, then the API's {errors:[{code,message}]} when present. */
    private RegistryException error(String what, HttpResponse<InputStream> r) {
        String detail = "";
        try (InputStream in = r.body()) {
            byte[] b = in.readNBytes(16 * 1024);
            JsonNode n = JSON.readTree(b);
            if (n != null && n.path("errors").isArray() && n.get("errors").size() > 0) {
                JsonNode e = n.get("errors").get(0);
                detail = ": " + e.path("code").asText("") + " " + e.path("message").asText("");
            }
        } catch (IOException | RuntimeException e) {
            // no JSON body
        }
        int s = r.statusCode();
        String hint = s == 401 || s == 403 ? " (check --username/--password or ~/.docker/config.json)"
                : s == 404 ? " (no such repository, tag or digest)" : "";
        return new RegistryException("registry " + ref.registry() + ": " + what + ": HTTP " + s + detail + hint, s);
    }

    // ---- authentication ---------------------------------------------------------------------------

    private synchronized void authenticate(List<String> headers, String path) {
        List<AuthChallenge> all = new ArrayList<>();
        for (String h : headers) {
            all.addAll(AuthChallenge.parse(h));
        }
        Optional<AuthChallenge> bearer = all.stream().filter(c -> c.isScheme("Bearer")).findFirst();
        Optional<AuthChallenge> basic = all.stream().filter(c -> c.isScheme("Basic")).findFirst();
        if (bearer.isPresent()) {
            authorization = "Bearer " + token(bearer.get());
        } else if (basic.isPresent()) {
            if (options.credentials() == null) {
                throw new RegistryException("registry " + ref.registry() + " asks for a username and password (Basic"
                        + " auth, realm '" + basic.get().param("realm") + "'): give --username and --password, or log"
                        + " in with docker/skopeo login (~/.docker/config.json)", 401);
            }
            authorization = options.credentials().basicHeader();
        } else {
            throw new RegistryException("registry " + ref.registry() + ": GET " + path + ": HTTP 401 with no Basic or"
                    + " Bearer challenge (WWW-Authenticate: " + String.join(" | ", headers) + ")", 401);
        }
    }

    /** A Bearer token from the challenge's realm (RFC 6750 / Docker token auth), cached per scope. */
    private String token(AuthChallenge c) {
        String realm = c.param("realm");
        if (realm == null || realm.isEmpty()) {
            throw new RegistryException("registry " + ref.registry() + ": Bearer challenge without a realm", 401);
        }
        String scope = c.param("scope") != null ? c.param("scope") : "repository:" + ref.repository() + ":pull";
        String key = realm + " " + scope;
        String cached = tokens.get(key);
        if (cached != null && !("Bearer " + cached).equals(authorization)) {
            return cached; // another thread fetched it; a refused token is fetched again
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        if (c.param("service") != null) {
            url.append("service=").append(enc(c.param("service"))).append('&');
        }
        url.append("scope=").append(enc(scope));
        URI uri = URI.create(url.toString());
        if ("http".equals(uri.getScheme()) && !options.insecure() && !ref.isLoopback()) {
            throw new RegistryException("registry " + ref.registry() + ": token realm '" + realm
                    + "' is plain HTTP; refused (use --insecure to allow it)", 401);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET();
        if (options.credentials() != null) {
            b.header("Authorization", options.credentials().basicHeader());
        }
        HttpResponse<InputStream> r = exchange(b.build(), "token request to " + uri.getHost());
        if (r.statusCode() != 200) {
            discard(r);
            throw new RegistryException("registry " + ref.registry() + ": the token service " + uri.getHost()
                    + " answered HTTP " + r.statusCode() + " for scope '" + scope + "'"
                    + (options.credentials() == null ? " (anonymous; give --username/--password?)" : ""), r.statusCode());
        }
        JsonNode n;
        try (InputStream in = r.body()) {
            n = JSON.readTree(in.readNBytes(1 << 20));
        } catch (IOException e) {
            throw new RegistryException("registry " + ref.registry() + ": unreadable token answer: " + e.getMessage(), e);
        }
        String token = n == null ? null : n.hasNonNull("token") ? n.get("token").asText()
                : n.hasNonNull("access_token") ? n.get("access_token").asText() : null;
        if (token == null || token.isEmpty()) {
            throw new RegistryException("registry " + ref.registry() + ": the token answer has no token", 401);
        }
        tokens.put(key, token);
        return token;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "RegistryClient[" + ref + (options.credentials() != null ? " as " + options.credentials().username() : "")
                + "]";
    }
}
