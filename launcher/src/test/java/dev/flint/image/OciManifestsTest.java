package dev.flint.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Manifests, indexes and configs as registries and tools write them. */
class OciManifestsTest {
    static final String D1 = "sha256:" + "1".repeat(64);
    static final String D2 = "sha256:" + "2".repeat(64);
    static final String D3 = "sha256:" + "3".repeat(64);

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void ociManifest() {
        OciManifests.Manifest m = OciManifests.parseManifest(b("{\"schemaVersion\":2,\"mediaType\":\""
                + OciManifests.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\"" + OciManifests.OCI_CONFIG
                + "\",\"digest\":\"" + D1 + "\",\"size\":7},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + D2 + "\",\"size\":100}],"
                + "\"annotations\":{\"x\":\"y\"}}"), null, "test");
        assertEquals(D1, m.config().digest());
        assertEquals(1, m.layers().size());
        assertEquals(100, m.layers().get(0).size());
    }

    @Test
    void dockerSchema2ManifestByContentType() {
        Object o = OciManifests.parse(b("{\"schemaVersion\":2,\"config\":{\"digest\":\"" + D1 + "\",\"size\":1},"
                + "\"layers\":[]}"), OciManifests.DOCKER_MANIFEST + "; charset=utf-8", "test");
        OciManifests.Manifest m = assertInstanceOf(OciManifests.Manifest.class, o);
        assertEquals(OciManifests.DOCKER_MANIFEST, m.mediaType());
    }

    @Test
    void indexResolvesToLinuxAmd64() {
        Object o = OciManifests.parse(b("{\"schemaVersion\":2,\"mediaType\":\"" + OciManifests.DOCKER_LIST + "\","
                + "\"manifests\":["
                + "{\"digest\":\"" + D1 + "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
                + "{\"digest\":\"" + D3 + "\",\"size\":1,\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}},"
                + "{\"digest\":\"" + D2 + "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}"),
                null, "test");
        OciManifests.Index i = assertInstanceOf(OciManifests.Index.class, o);
        assertEquals(D2, i.linuxAmd64("img").digest());
    }

    @Test
    void indexWithoutAmd64SaysWhatItHas() {
        OciManifests.Index i = (OciManifests.Index) OciManifests.parse(b("{\"schemaVersion\":2,\"manifests\":["
                + "{\"digest\":\"" + D1 + "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}},"
                + "{\"digest\":\"" + D2 + "\",\"size\":1,\"platform\":{\"os\":\"windows\",\"architecture\":\"amd64\"}}]}"),
                OciManifests.OCI_INDEX, "test");
        ImageException e = assertThrows(ImageException.class, () -> i.linuxAmd64("img"));
        assertTrue(e.getMessage().contains("no linux/amd64 image (it has: linux/arm64, windows/amd64)"), e.getMessage());
    }

    @Test
    void schema1IsRefusedWithAHint() {
        ImageException e = assertThrows(ImageException.class, () -> OciManifests.parse(
                b("{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}"), null, "img"));
        assertTrue(e.getMessage().contains("schema 1"), e.getMessage());
    }

    @Test
    void badDigestsAndMissingPartsAreErrors() {
        assertThrows(ImageException.class, () -> OciManifests.parse(b("{\"schemaVersion\":2,\"config\":"
                + "{\"digest\":\"sha512:abc\",\"size\":1},\"layers\":[]}"), null, "img"));
        assertThrows(ImageException.class, () -> OciManifests.parse(b("{\"schemaVersion\":2,\"layers\":[]}"),
                null, "img"));
        assertThrows(ImageException.class, () -> OciManifests.parse(b("[1,2]"), null, "img"));
        assertThrows(ImageException.class, () -> OciManifests.parse(new byte[OciManifests.MAX_MANIFEST_BYTES + 1],
                null, "img"));
    }

    @Test
    void configGivesProcessSettingsAndDiffIds() {
        OciManifests.ImageConfigDoc c = OciManifests.parseConfig(b("{\"architecture\":\"amd64\",\"os\":\"linux\","
                + "\"created\":\"2024-01-01T00:00:00Z\",\"config\":{\"Env\":[\"A=1\",\"PATH=/bin\"],"
                + "\"Entrypoint\":[\"/lambda-entrypoint.sh\"],\"Cmd\":[\"app.handler\"],\"WorkingDir\":\"/var/task\"},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + D1 + "\",\"" + D2 + "\"]}}"), "cfg");
        assertEquals(List.of(D1, D2), c.diffIds());
        ImageConfig ic = c.toImageConfig();
        assertEquals(List.of("/lambda-entrypoint.sh"), ic.entrypoint());
        assertEquals(List.of("app.handler"), ic.cmd());
        assertEquals("/var/task", ic.workdir());
        assertEquals("1", ic.envMap().get("A"));
    }

    @Test
    void configWithNullsAndNoDiffIds() {
        OciManifests.ImageConfigDoc c = OciManifests.parseConfig(b("{\"config\":{\"Env\":null,\"Entrypoint\":null,"
                + "\"Cmd\":[\"sh\"]},\"rootfs\":{\"diff_ids\":[]}}"), "cfg");
        assertNull(c.entrypoint());
        assertEquals("/", c.toImageConfig().workdir());
        ImageException e = assertThrows(ImageException.class, () -> OciManifests.parseConfig(b("{\"config\":{}}"), "cfg"));
        assertTrue(e.getMessage().contains("rootfs.diff_ids"));
    }
}
