package dev.flint.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The test image, built offline with umoci into an OCI layout, laid out like an AWS base image:
 * flint's python3.11 image layers (provided + python, /dev nodes left out as Docker images do),
 * then {@code /lambda-entrypoint.sh} and {@code /var/task/app.py}, an opaque {@code /etc/skel}
 * and a whiteout of {@code /usr/share/doc}; ENTRYPOINT /lambda-entrypoint.sh, CMD app.handler,
 * WORKDIR /var/task, ENV IMG_VAR. Tag {@code hello}; tag {@code multi} is an index with an arm64
 * image first and this one as linux/amd64.
 */
public final class HelloImage {
    public static final String TAG = "hello";
    public static final String MULTI = "multi";
    private static final ObjectMapper JSON = new ObjectMapper();

    public final Path layout;
    /** The amd64 image's manifest digest. */
    public final String digest;
    /** The index's digest (tag multi). */
    public final String indexDigest;

    private HelloImage(Path layout, String digest, String indexDigest) {
        this.layout = layout;
        this.digest = digest;
        this.indexDigest = indexDigest;
    }

    /** Builds the layout under {@code work} from the host's python3.11 image (read only). */
    public static HelloImage build(Path work) {
        try {
            Image py = new ImageStore(Path.of(ImageStore.DEFAULT_ROOT)).require("python3.11");
            Path layout = work.resolve("layout");
            String ref = layout + ":" + TAG;
            Tools.ok("umoci", "init", "--layout", layout.toString());
            Tools.ok("umoci", "new", "--image", ref);
            int i = 0;
            for (Path layer : py.layers()) {
                Path stage = Files.createDirectories(work.resolve("stage-" + i++));
                Tools.sh("tar -C '" + layer + "' --exclude='./dev/*' -cf - . | tar -C '" + stage + "' -xpf -");
                String devices = Tools.ok("find", stage.toString(), "-type", "c", "-o", "-type", "b").out().strip();
                assertEquals("", devices, "flint's python3.11 layers have device nodes or whiteouts outside /dev now;"
                        + " this fixture copies them as plain trees");
                Tools.ok("umoci", "insert", "--image", ref, stage.toString(), "/");
            }
            // resources lose their modes when Maven copies them: stage with the modes the image needs
            Path app = Files.createDirectories(work.resolve("stage-app"));
            Tools.sh("cp -r '" + resource("images/hello-image") + "/.' '" + app + "/' && chmod -R u=rwX,go=rX '" + app
                    + "' && chmod 0755 '" + app.resolve("lambda-entrypoint.sh") + "'");
            Tools.ok("umoci", "insert", "--image", ref, app.toString(), "/");
            Path skel = Files.createDirectories(work.resolve("stage-skel"));
            Files.writeString(skel.resolve("only-this"), "new\n");
            Tools.ok("umoci", "insert", "--image", ref, "--opaque", skel.toString(), "/etc/skel");
            Tools.ok("umoci", "insert", "--image", ref, "--whiteout", "/usr/share/doc");
            Tools.ok("umoci", "config", "--image", ref, "--config.entrypoint", "/lambda-entrypoint.sh",
                    "--config.cmd", "app.handler", "--config.workingdir", "/var/task",
                    "--config.env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "--config.env", "LANG=C.UTF-8", "--config.env", "LAMBDA_TASK_ROOT=/var/task",
                    "--config.env", "LAMBDA_RUNTIME_DIR=/var/runtime", "--config.env", "IMG_VAR=from-image",
                    "--os", "linux", "--architecture", "amd64");
            String digest = manifestOf(layout, TAG).path("digest").asText();
            String index = addMultiArch(layout, digest);
            return new HelloImage(layout, digest, index);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code oci:LAYOUT:TAG}, as skopeo names it. */
    public String oci(String tag) {
        return "oci:" + layout + ":" + tag;
    }

    static Path resource(String name) {
        try {
            return Path.of(HelloImage.class.getClassLoader().getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("no test resource " + name, e);
        }
    }

    private static JsonNode manifestOf(Path layout, String tag) throws IOException {
        for (JsonNode m : JSON.readTree(layout.resolve("index.json").toFile()).path("manifests")) {
            if (tag.equals(m.path("annotations").path(ImageArchives.REF_NAME).asText())) {
                return m;
            }
        }
        throw new IllegalStateException("no tag " + tag + " in " + layout);
    }

    /**
     * Adds tag {@code multi}: an image index with an arm64 variant (the same layers, a config
     * that says arm64) listed first, then the amd64 image.
     */
    private static String addMultiArch(Path layout, String amd64) throws IOException {
        Path blobs = layout.resolve("blobs/sha256");
        JsonNode manifest = JSON.readTree(blobs.resolve(Digests.hex(amd64)).toFile());
        ObjectNode config = (ObjectNode) JSON.readTree(blobs.resolve(Digests.hex(manifest.path("config").path("digest")
                .asText())).toFile());
        config.put("architecture", "arm64");
        byte[] armConfig = JSON.writeValueAsBytes(config);
        String armConfigDigest = write(blobs, armConfig);
        ObjectNode armManifest = manifest.deepCopy();
        ((ObjectNode) armManifest.get("config")).put("digest", armConfigDigest).put("size", armConfig.length);
        byte[] armBytes = JSON.writeValueAsBytes(armManifest);
        String armDigest = write(blobs, armBytes);
        long amd64Size = Files.size(blobs.resolve(Digests.hex(amd64)));
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", OciManifests.OCI_INDEX);
        ArrayNode ms = index.putArray("manifests");
        ms.add(platformed(armDigest, armBytes.length, "arm64"));
        ms.add(platformed(amd64, amd64Size, "amd64"));
        byte[] indexBytes = JSON.writeValueAsBytes(index);
        String indexDigest = write(blobs, indexBytes);
        ObjectNode top = (ObjectNode) JSON.readTree(layout.resolve("index.json").toFile());
        ObjectNode entry = OciLayoutBuilder.descriptor(OciManifests.OCI_INDEX, indexDigest, indexBytes.length);
        entry.putObject("annotations").put(ImageArchives.REF_NAME, MULTI);
        ((ArrayNode) top.get("manifests")).add(entry);
        Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(top));
        assertTrue(Files.exists(blobs.resolve(Digests.hex(indexDigest))));
        return indexDigest;
    }

    private static ObjectNode platformed(String digest, long size, String arch) {
        ObjectNode d = OciLayoutBuilder.descriptor(OciManifests.OCI_MANIFEST, digest, size);
        d.putObject("platform").put("os", "linux").put("architecture", arch);
        return d;
    }

    private static String write(Path blobs, byte[] data) throws IOException {
        String d = Digests.of(data);
        Files.write(blobs.resolve(Digests.hex(d)), data);
        return d;
    }

    /** The layer digests of the amd64 image, bottom first. */
    public List<String> layerDigests() {
        try {
            JsonNode m = JSON.readTree(layout.resolve("blobs/sha256").resolve(Digests.hex(digest)).toFile());
            return java.util.stream.StreamSupport.stream(m.path("layers").spliterator(), false)
                    .map(l -> l.path("digest").asText()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
