package dev.flint.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * OCI image layouts for tests, written by hand from layer tars: gzip layer blobs, a config with
 * the layers' DiffIDs, a manifest, and index.json naming it.
 */
final class OciLayoutBuilder {
    static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final List<byte[]> layers = new ArrayList<>();
    private String os = "linux";
    private String arch = "amd64";
    private final List<String> env = new ArrayList<>(List.of("PATH=/usr/bin:/bin"));
    private List<String> entrypoint = List.of("/bin/sh");
    private List<String> cmd = List.of("app.handler");

    OciLayoutBuilder(Path dir) {
        this.dir = dir;
    }

    /** Adds an uncompressed layer tar (stored gzip-compressed). */
    OciLayoutBuilder layer(byte[] tar) {
        layers.add(tar);
        return this;
    }

    OciLayoutBuilder platform(String os, String arch) {
        this.os = os;
        this.arch = arch;
        return this;
    }

    OciLayoutBuilder cmd(List<String> entrypoint, List<String> cmd) {
        this.entrypoint = entrypoint;
        this.cmd = cmd;
        return this;
    }

    /** Writes the layout; returns the manifest's digest. */
    String write() {
        try {
            Files.createDirectories(dir.resolve("blobs/sha256"));
            Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
            ArrayNode layerDescs = JSON.createArrayNode();
            ArrayNode diffIds = JSON.createArrayNode();
            for (byte[] tar : layers) {
                diffIds.add(Digests.of(tar));
                byte[] gz = TarBuilder.gzip(tar);
                layerDescs.add(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", blob(gz), gz.length));
            }
            ObjectNode config = JSON.createObjectNode();
            config.put("architecture", arch);
            config.put("os", os);
            ObjectNode c = config.putObject("config");
            env.forEach(c.putArray("Env")::add);
            entrypoint.forEach(c.putArray("Entrypoint")::add);
            cmd.forEach(c.putArray("Cmd")::add);
            c.put("WorkingDir", "/var/task");
            ObjectNode rootfs = config.putObject("rootfs");
            rootfs.put("type", "layers");
            rootfs.set("diff_ids", diffIds);
            byte[] configBytes = JSON.writeValueAsBytes(config);
            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", OciManifests.OCI_MANIFEST);
            manifest.set("config", descriptor(OciManifests.OCI_CONFIG, blob(configBytes), configBytes.length));
            manifest.set("layers", layerDescs);
            byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
            String digest = blob(manifestBytes);
            ObjectNode index = JSON.createObjectNode();
            index.put("schemaVersion", 2);
            ObjectNode m = descriptor(OciManifests.OCI_MANIFEST, digest, manifestBytes.length);
            m.putObject("annotations").put(ImageArchives.REF_NAME, "latest");
            index.putArray("manifests").add(m);
            Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
            return digest;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path blobPath(String digest) {
        return dir.resolve("blobs/sha256").resolve(Digests.hex(digest));
    }

    private String blob(byte[] data) throws IOException {
        String d = Digests.of(data);
        Files.write(blobPath(d), data);
        return d;
    }

    static ObjectNode descriptor(String mediaType, String digest, long size) {
        ObjectNode n = JSON.createObjectNode();
        n.put("mediaType", mediaType);
        n.put("digest", digest);
        n.put("size", size);
        return n;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
