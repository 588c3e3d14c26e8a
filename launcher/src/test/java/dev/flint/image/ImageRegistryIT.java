package dev.flint.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.invoke.RequiresSandboxHost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 8's acceptance with real tools: an image built offline with umoci from flint's python3.11
 * layers and laid out like an AWS base image, pushed with skopeo to Debian's docker-registry on
 * 127.0.0.1 (anonymous, and behind htpasswd Basic auth), pulled with {@code flint image pull},
 * run as an Image function ({@code flint function create --image}, {@code flint invoke}); the same
 * image as Docker and OCI archives; a multi-arch index; a tampered blob; an interrupted pull.
 * Every flint call is the real CLI in its own process with private state, images and run dir.
 */
@RequiresSandboxHost(images = {"python3.11"})
class ImageRegistryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static Path shared;
    static HelloImage hello;

    /** Not a JUnit @TempDir: layers hold absolute symlinks (JUnit warns about each), and the
     * sandbox's user namespace must traverse it (0755, where @TempDir makes 0700). */
    Path tmp;
    FlintRun flint;

    @BeforeAll
    static void buildImage() throws IOException {
        Tools.require();
        shared = Files.createTempDirectory("flint-oci-image-");
        hello = HelloImage.build(shared.resolve("build"));
    }

    @AfterAll
    static void removeImage() {
        if (shared != null) {
            Tools.ok("rm", "-rf", "--one-file-system", "--", shared.toString());
        }
    }

    @BeforeEach
    void flint() throws IOException {
        tmp = Files.createTempDirectory("flint-oci-it-");
        Files.setAttribute(tmp, "unix:mode", 0755);
        Path run = Files.createDirectories(Path.of("/tmp/flint-it-oci-" + ProcessHandle.current().pid()));
        flint = new FlintRun(tmp.resolve("state"), run);
    }

    @AfterEach
    void noMountsLeftThenClean() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            assertFalse(l.contains(flint.runDir.toString()), "mount left under the run dir: " + l);
        }
        Tools.ok("rm", "-rf", "--one-file-system", "--", tmp.toString(), flint.runDir.toString());
    }

    private static String push(RegistryServer reg, String tag, String... extra) {
        List<String> argv = new java.util.ArrayList<>(List.of("skopeo", "copy", "--dest-tls-verify=false"));
        argv.addAll(List.of(extra));
        argv.add(hello.oci(HelloImage.TAG));
        argv.add("docker://" + reg.host() + "/flint/hello:" + tag);
        Tools.ok(argv.toArray(new String[0]));
        return reg.host() + "/flint/hello:" + tag;
    }

    /** Creates NAME on IMAGE and invokes it once; returns the response payload. */
    private JsonNode createAndInvoke(String name, String image) {
        flint.ok("function", "create", name, "--image", image, "--memory", "1769");
        Tools.Result r = flint.ok("invoke", name, "--payload", "{\"name\":\"" + name + "\"}");
        assertTrue(r.err().contains("START RequestId: "), r.all());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("REPORT RequestId: ") && l.contains("\tInit Duration: ")
                && l.contains("\tMax Memory Used: ")), r.all());
        try {
            return JSON.readTree(r.out());
        } catch (IOException e) {
            throw new UncheckedIOException(r.all(), e);
        }
    }

    /** The handler saw what Lambda's container contract promises (see images/hello-image/var/task/app.py). */
    private static void assertLambdaSemantics(String name, JsonNode out) {
        assertEquals(name, out.path("hello").asText(), out.toString());
        assertEquals("app.handler", out.path("handler").asText(), "CMD is the handler");
        assertEquals("/var/task", out.path("cwd").asText(), "the image's WORKDIR");
        assertEquals("from-image", out.path("image_env").asText(), "the image's ENV");
        assertEquals("127.0.0.1:9001", out.path("runtime_api").asText());
        assertEquals(name, out.path("function").asText());
        assertEquals(993, out.path("uid").asInt(), "the runtime runs as sbx_user1051, as ZIP functions do");
        assertFalse(out.path("root_writable").asBoolean(), "the image is read-only");
        assertTrue(out.path("tmp_writable").asBoolean(), "/tmp is writable");
        assertEquals(List.of("only-this"), List.of(JSON.convertValue(out.path("skel"), String[].class)),
                "the opaque /etc/skel hides the lower layers' files");
        assertFalse(out.path("doc_exists").asBoolean(), "the whiteout removed /usr/share/doc");
    }

    private List<String> layerDirs() throws IOException {
        Path l = flint.images.resolve("layers");
        if (!Files.isDirectory(l)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(l)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    @Test
    void anonymousRegistryPullCreateInvokeThenRemove() throws IOException {
        try (RegistryServer reg = RegistryServer.start(tmp.resolve("reg"), null, null)) {
            String ref = push(reg, "latest");
            String v2s2 = push(reg, "v2s2", "--format", "v2s2");

            Tools.Result pull = flint.ok("image", "pull", ref, "--name", "hello");
            assertTrue(pull.err().contains("verified"), pull.all());
            assertEquals("hello " + hello.digest, pull.out().strip());
            int layers = layerDirs().size();
            assertEquals(hello.layerDigests().size(), layers);
            Tools.Result docker = flint.ok("image", "pull", v2s2);
            assertTrue(docker.err().contains("already in the store"), "layers are shared: " + docker.all());
            assertEquals(layers, layerDirs().size());
            try (Stream<Path> s = Files.list(flint.images.resolve("downloads/sha256"))) {
                assertEquals(List.of(), s.toList(), "downloaded blobs are dropped once their layers are in the store");
            }

            assertLambdaSemantics("hello-fn", createAndInvoke("hello-fn", ref));

            Tools.Result ls = flint.ok("image", "ls");
            assertTrue(ls.out().lines().anyMatch(l -> l.startsWith("hello ") && l.contains("hello-fn")
                    && l.contains(reg.host() + "/flint/hello:latest")), ls.all());
            Tools.Result rm = flint.run("image", "rm", "hello");
            assertEquals(2, rm.exit(), rm.all());
            assertTrue(rm.err().contains("image hello is used by function(s) hello-fn"), rm.all());
            flint.ok("function", "delete", "hello-fn");
            flint.ok("image", "rm", "hello", "hello-v2s2");
            assertEquals(List.of(), layerDirs(), "unreferenced layers are collected");
        }
    }

    @Test
    void basicAuthRegistryWithFlagsAndDockerConfig() throws IOException {
        try (RegistryServer reg = RegistryServer.start(tmp.resolve("reg"), "flint", "s3cret")) {
            String ref = push(reg, "latest", "--dest-creds", "flint:s3cret");

            Tools.Result anon = flint.run("image", "pull", ref);
            assertEquals(2, anon.exit(), anon.all());
            assertTrue(anon.err().contains("asks for a username and password (Basic auth, realm 'flint-test')"),
                    anon.all());
            Tools.Result wrong = flint.run("image", "pull", ref, "--username", "flint", "--password", "nope");
            assertEquals(2, wrong.exit(), wrong.all());
            assertTrue(wrong.err().contains("HTTP 401"), wrong.all());

            flint.ok("image", "pull", ref, "--username", "flint", "--password", "s3cret", "--name", "by-flags");
            Path docker = Files.createDirectories(tmp.resolve("docker"));
            String auth = Base64.getEncoder().encodeToString("flint:s3cret".getBytes(StandardCharsets.UTF_8));
            Files.writeString(docker.resolve("config.json"), "{\"auths\":{\"" + reg.host() + "\":{\"auth\":\""
                    + auth + "\"}}}");
            flint.env("DOCKER_CONFIG", docker.toString());
            Tools.Result viaConfig = flint.ok("image", "pull", ref, "--name", "by-config");
            assertTrue(viaConfig.err().contains("pulling " + ref + " as flint"), viaConfig.all());

            assertLambdaSemantics("authed", createAndInvoke("authed", "by-config"));
        }
    }

    @Test
    void bearerTokenRegistry() {
        try (TokenServer tokens = TokenServer.start(tmp.resolve("tokens"), "flint", "t0ken");
                RegistryServer reg = RegistryServer.withTokens(tmp.resolve("reg"), tokens)) {
            String ref = push(reg, "latest", "--dest-creds", "flint:t0ken");

            Tools.Result anon = flint.run("image", "pull", ref);
            assertEquals(2, anon.exit(), anon.all());
            assertTrue(anon.err().contains("the token service 127.0.0.1 answered HTTP 401 for scope"
                    + " 'repository:flint/hello:pull'"), anon.all());
            Tools.Result r = flint.ok("t0ken\n".getBytes(StandardCharsets.UTF_8), "image", "pull", ref,
                    "--username", "flint", "--password-stdin");
            assertEquals("hello " + hello.digest, r.out().strip(), r.all());
            assertTrue(tokens.requests.contains("flint repository:flint/hello:pull"), tokens.requests.toString());
            assertLambdaSemantics("bearer", createAndInvoke("bearer", ref));
        }
    }

    @Test
    void dockerAndOciArchivesImportAndRun() {
        Path dockerTar = tmp.resolve("hello-docker.tar");
        Path ociTar = tmp.resolve("hello-oci.tar");
        Tools.ok("skopeo", "copy", hello.oci(HelloImage.TAG), "docker-archive:" + dockerTar + ":flint/hello:latest");
        Tools.ok("skopeo", "copy", hello.oci(HelloImage.TAG), "oci-archive:" + ociTar + ":hello");

        Tools.Result d = flint.ok("image", "import", dockerTar.toString(), "--name", "from-docker");
        assertTrue(d.err().contains("importing " + dockerTar + ":"), d.all());
        Tools.Result o = flint.ok("image", "import", ociTar.toString(), "--name", "from-oci");
        assertEquals("from-oci " + hello.digest, o.out().strip(), "an OCI archive keeps the manifest digest");
        assertTrue(o.err().contains("already in the store"), "the same DiffIDs, the same layers: " + o.all());

        assertLambdaSemantics("docker-fn", createAndInvoke("docker-fn", "from-docker"));
        assertLambdaSemantics("oci-fn", createAndInvoke("oci-fn", "from-oci"));
    }

    @Test
    void multiArchIndexResolvesToAmd64() {
        try (RegistryServer reg = RegistryServer.start(tmp.resolve("reg"), null, null)) {
            String ref = reg.host() + "/flint/hello:multi";
            Tools.ok("skopeo", "copy", "--all", "--dest-tls-verify=false", hello.oci(HelloImage.MULTI), "docker://" + ref);
            Tools.Result r = flint.ok("image", "pull", ref);
            assertTrue(r.err().contains("index " + Digests.shortForm(hello.indexDigest) + ": linux/amd64 is "
                    + Digests.shortForm(hello.digest)), r.all());
            assertEquals("hello-multi " + hello.digest, r.out().strip());
            Tools.Result byDigest = flint.ok("image", "pull", reg.host() + "/flint/hello@" + hello.indexDigest,
                    "--name", "pinned");
            assertEquals("pinned " + hello.digest, byDigest.out().strip());
        }
    }

    @Test
    void aTamperedBlobIsRejectedAndLeavesNothing() throws IOException {
        try (RegistryServer reg = RegistryServer.start(tmp.resolve("reg"), null, null)) {
            String ref = push(reg, "latest");
            List<String> layers = hello.layerDigests();
            Path blob = reg.blob(layers.get(layers.size() - 3)); // the app layer: small
            byte[] b = Files.readAllBytes(blob);
            b[b.length / 2] ^= 0x55;
            Files.write(blob, b);

            Tools.Result r = flint.run("image", "pull", ref);
            assertEquals(2, r.exit(), r.all());
            assertTrue(r.err().contains("wrong digest, refused"), r.all());
            assertTrue(flint.store().list().isEmpty(), "no image");
            assertEquals(List.of(), layerDirs(), "no layer");
            try (Stream<Path> s = Files.list(flint.images.resolve("downloads/sha256"))) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(Digests.hex(layers.get(layers.size() - 3)))),
                        "the bad blob is not kept");
            }
            Tools.Result wrongRef = flint.run("image", "pull", reg.host() + "/flint/hello@sha256:" + "0".repeat(64));
            assertEquals(2, wrongRef.exit(), wrongRef.all());
            assertTrue(wrongRef.err().contains("MANIFEST_UNKNOWN"), wrongRef.all());
        }
    }

    @Test
    void anInterruptedPullResumesWhereItStopped() throws IOException {
        try (RegistryServer reg = RegistryServer.start(tmp.resolve("reg"), null, null)) {
            String ref = push(reg, "latest");
            String big = hello.layerDigests().get(0);
            byte[] whole = Files.readAllBytes(reg.blob(big));
            Path dl = Files.createDirectories(flint.images.resolve("downloads/sha256"));
            // what an interrupted pull leaves: the first part of the biggest blob
            Files.write(dl.resolve(Digests.hex(big) + ".partial"), java.util.Arrays.copyOf(whole, whole.length / 3));
            Tools.Result r = flint.ok("image", "pull", ref);
            assertTrue(r.err().contains("layer " + Digests.shortForm(big) + ": resuming at "), r.all());
            assertEquals("hello " + hello.digest, r.out().strip());
        }
    }
}
