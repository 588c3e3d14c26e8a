package dev.flint.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON documents of an image, OCI image-spec v1 and Docker's schema 2 (their shapes are the
 * same, only the media types differ): manifests, indexes / manifest lists, and the image
 * config. Unknown fields are ignored (images carry many); missing required ones are errors that
 * name the document.
 */
public final class OciManifests {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    static final String DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
    static final String DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    /** What a registry is asked for, most specific first. */
    public static final String ACCEPT = String.join(", ", OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST);
    /** Manifests and configs are small; anything bigger is refused before it is parsed. */
    public static final int MAX_MANIFEST_BYTES = 4 << 20;
    public static final int MAX_CONFIG_BYTES = 8 << 20;
    /** The platform flint runs. */
    public static final String OS = "linux";
    public static final String ARCH = "amd64";

    private static final ObjectMapper JSON = new ObjectMapper();

    private OciManifests() {
    }

    /** os/architecture[/variant] of a manifest in an index. */
    public record Platform(String os, String architecture, String variant) {
        boolean isLinuxAmd64() {
            return OS.equals(os) && ARCH.equals(architecture);
        }

        @Override
        public String toString() {
            return os + "/" + architecture + (variant == null || variant.isEmpty() ? "" : "/" + variant);
        }
    }

    /** A content descriptor: what a blob is, its digest and size. */
    public record Descriptor(String mediaType, String digest, long size, Platform platform,
            Map<String, String> annotations) {
        public Descriptor {
            annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        }

        public String annotation(String key) {
            return annotations.get(key);
        }
    }

    /** An image manifest: one config and the layers, bottom first. */
    public record Manifest(String mediaType, Descriptor config, List<Descriptor> layers) {
        public Manifest {
            layers = List.copyOf(layers);
        }
    }

    /** An image index (OCI) or manifest list (Docker): one manifest per platform. */
    public record Index(String mediaType, List<Descriptor> manifests) {
        public Index {
            manifests = List.copyOf(manifests);
        }

        /**
         * The linux/amd64 manifest. Several (e.g. variants, or attestation manifests with
         * platform unknown/unknown) resolve to the first linux/amd64 one, as Docker does.
         */
        public Descriptor linuxAmd64(String what) {
            List<String> seen = new ArrayList<>();
            for (Descriptor d : manifests) {
                if (d.platform() != null && d.platform().isLinuxAmd64()) {
                    return d;
                }
                seen.add(d.platform() == null ? "(no platform)" : d.platform().toString());
            }
            throw new ImageException(what + " has no linux/amd64 image (it has: "
                    + (seen.isEmpty() ? "none" : String.join(", ", seen)) + "); flint runs linux/amd64 only");
        }
    }

    /**
     * What flint uses of an image config: platform, process settings and the layers' DiffIDs
     * (sha256 of each uncompressed layer tar, bottom first).
     */
    public record ImageConfigDoc(String os, String architecture, List<String> env, List<String> entrypoint,
            List<String> cmd, String workingDir, List<String> diffIds, String created) {
        public ImageConfigDoc {
            env = env == null ? List.of() : List.copyOf(env);
            entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
            cmd = cmd == null ? null : List.copyOf(cmd);
            diffIds = List.copyOf(diffIds);
        }

        /** flint's image config: env, entrypoint, cmd, workdir (empty workdir: "/"). */
        public ImageConfig toImageConfig() {
            return new ImageConfig(env, entrypoint, cmd, workingDir);
        }
    }

    /** Whether a media type names an index or manifest list. */
    public static boolean isIndex(String mediaType) {
        return OCI_INDEX.equals(mediaType) || DOCKER_LIST.equals(mediaType);
    }

    /**
     * Parses a manifest or an index. The kind comes from the document's own mediaType, else the
     * one it was served or listed with, else its shape ("manifests" vs "layers").
     *
     * @return a {@link Manifest} or an {@link Index}
     */
    public static Object parse(byte[] body, String declaredType, String what) {
        if (body.length > MAX_MANIFEST_BYTES) {
            throw new ImageException(what + ": manifest of " + body.length + " bytes is over the limit of "
                    + MAX_MANIFEST_BYTES);
        }
        JsonNode n = tree(body, what);
        String type = n.path("mediaType").isTextual() ? n.get("mediaType").textValue() : baseType(declaredType);
        int schema = n.path("schemaVersion").asInt(0);
        if (schema == 1 || DOCKER_SCHEMA1.equals(type) || DOCKER_SCHEMA1_SIGNED.equals(type)) {
            throw new ImageException(what + ": Docker schema 1 manifests are not supported (deprecated since 2017);"
                    + " push the image again with a current docker, buildah or skopeo");
        }
        if (schema != 2) {
            throw new ImageException(what + ": unsupported manifest schemaVersion " + n.path("schemaVersion"));
        }
        boolean index = isIndex(type) || (type == null && n.has("manifests"));
        if (index) {
            List<Descriptor> ms = descriptors(n.path("manifests"), what + " manifests");
            return new Index(type == null ? OCI_INDEX : type, ms);
        }
        if (type != null && !OCI_MANIFEST.equals(type) && !DOCKER_MANIFEST.equals(type)) {
            throw new ImageException(what + ": unsupported media type '" + type + "' (expected an OCI or Docker"
                    + " schema 2 manifest or index)");
        }
        if (!n.path("config").isObject()) {
            throw new ImageException(what + ": manifest has no config");
        }
        Descriptor config = descriptor(n.get("config"), what + " config");
        List<Descriptor> layers = descriptors(n.path("layers"), what + " layers");
        return new Manifest(type == null ? OCI_MANIFEST : type, config, layers);
    }

    /** Parses a manifest, refusing an index. */
    public static Manifest parseManifest(byte[] body, String declaredType, String what) {
        Object o = parse(body, declaredType, what);
        if (o instanceof Manifest m) {
            return m;
        }
        throw new ImageException(what + ": expected an image manifest, found an index");
    }

    /** Parses an image config (OCI or Docker); DiffIDs must be there and valid. */
    public static ImageConfigDoc parseConfig(byte[] body, String what) {
        if (body.length > MAX_CONFIG_BYTES) {
            throw new ImageException(what + ": config of " + body.length + " bytes is over the limit of "
                    + MAX_CONFIG_BYTES);
        }
        JsonNode n = tree(body, what);
        JsonNode c = n.path("config");
        JsonNode rootfs = n.path("rootfs");
        if (!rootfs.path("diff_ids").isArray()) {
            throw new ImageException(what + ": config has no rootfs.diff_ids");
        }
        List<String> diffIds = new ArrayList<>();
        for (JsonNode d : rootfs.get("diff_ids")) {
            diffIds.add(Digests.require(d.asText(null), what + " rootfs.diff_ids"));
        }
        return new ImageConfigDoc(text(n, "os"), text(n, "architecture"), strings(c.path("Env"), what),
                stringsOrNull(c.path("Entrypoint"), what), stringsOrNull(c.path("Cmd"), what),
                text(c, "WorkingDir"), diffIds, text(n, "created"));
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static JsonNode tree(byte[] body, String what) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw new ImageException(what + ": not a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new ImageException(what + ": invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ImageException(what + ": unreadable: " + e.getMessage());
        }
    }

    private static String baseType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semi = contentType.indexOf(';');
        String t = (semi >= 0 ? contentType.substring(0, semi) : contentType).strip();
        return t.isEmpty() || t.equals("application/json") || t.equals("application/octet-stream") ? null : t;
    }

    private static List<Descriptor> descriptors(JsonNode arr, String what) {
        if (!arr.isArray()) {
            throw new ImageException(what + ": missing or not a list");
        }
        List<Descriptor> out = new ArrayList<>();
        for (JsonNode d : arr) {
            out.add(descriptor(d, what));
        }
        return out;
    }

    static Descriptor descriptor(JsonNode d, String what) {
        String digest = Digests.require(text(d, "digest"), what);
        long size = d.path("size").asLong(-1);
        if (size < 0) {
            throw new ImageException(what + ": descriptor " + Digests.shortForm(digest) + " has no size");
        }
        Platform p = null;
        if (d.path("platform").isObject()) {
            JsonNode pn = d.get("platform");
            p = new Platform(text(pn, "os"), text(pn, "architecture"), text(pn, "variant"));
        }
        Map<String, String> ann = new LinkedHashMap<>();
        d.path("annotations").fields().forEachRemaining(e -> ann.put(e.getKey(), e.getValue().asText()));
        return new Descriptor(text(d, "mediaType"), digest, size, p, ann);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    private static List<String> strings(JsonNode arr, String what) {
        List<String> out = stringsOrNull(arr, what);
        return out == null ? List.of() : out;
    }

    private static List<String> stringsOrNull(JsonNode arr, String what) {
        if (arr == null || arr.isMissingNode() || arr.isNull()) {
            return null;
        }
        if (!arr.isArray()) {
            throw new ImageException(what + ": expected a list of strings, got " + arr.getNodeType());
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : arr) {
            if (!s.isTextual()) {
                throw new ImageException(what + ": expected a list of strings");
            }
            out.add(s.textValue());
        }
        return out;
    }
}
