package dev.flint.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image references as docker and skopeo read them, and Docker's config.json credentials. */
class ImageReferenceTest {
    static final String D = "sha256:" + "ab".repeat(32);

    @Test
    void dockerHubDefaults() {
        ImageReference r = ImageReference.parse("python");
        assertEquals("docker.io", r.registry());
        assertEquals("library/python", r.repository());
        assertEquals("latest", r.tag());
        assertEquals("registry-1.docker.io", r.apiHost());
        assertEquals("docker.io/library/python:latest", r.toString());
        assertEquals("docker.io/team/app:1.2", ImageReference.parse("docker://team/app:1.2").toString());
        assertEquals("docker.io/library/python:3.11", ImageReference.parse("index.docker.io/library/python:3.11").toString());
    }

    @Test
    void hostsPortsTagsDigests() {
        ImageReference r = ImageReference.parse("127.0.0.1:5000/hello");
        assertEquals("127.0.0.1:5000", r.registry());
        assertEquals("hello", r.repository());
        assertEquals("latest", r.tag());
        ImageReference d = ImageReference.parse("ghcr.io/o/r:v1@" + D);
        assertEquals("v1", d.tag());
        assertEquals(D, d.digest());
        assertEquals(D, d.manifestReference());
        ImageReference only = ImageReference.parse("localhost/a/b@" + D);
        assertNull(only.tag());
        assertEquals("localhost/a/b@" + D, only.toString());
        assertEquals("123456789012.dkr.ecr.us-east-1.amazonaws.com/app@" + D,
                ImageReference.parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest").withDigest(D));
    }

    @Test
    void invalidReferencesSayWhy() {
        assertTrue(assertThrows(ImageException.class, () -> ImageReference.parse("Hello/World")).getMessage()
                .contains("invalid repository path component"));
        assertTrue(assertThrows(ImageException.class, () -> ImageReference.parse("a:b:c/x")).getMessage()
                .contains("invalid"));
        assertTrue(assertThrows(ImageException.class, () -> ImageReference.parse("x@sha256:12")).getMessage()
                .contains("invalid digest"));
        assertTrue(assertThrows(ImageException.class, () -> ImageReference.parse("x@md5:12")).getMessage()
                .contains("not supported"));
        assertThrows(ImageException.class, () -> ImageReference.parse(""));
    }

    @Test
    void loopbackIsOnlyLiteralLoopback() {
        assertTrue(ImageReference.parse("127.0.0.1:5000/x").isLoopback());
        assertTrue(ImageReference.parse("127.1.2.3/x").isLoopback());
        assertTrue(ImageReference.parse("localhost:5000/x").isLoopback());
        assertTrue(ImageReference.parse("[::1]:5000/x").isLoopback());
        assertFalse(ImageReference.parse("10.0.0.1:5000/x").isLoopback());
        assertFalse(ImageReference.parse("registry.example.com/x").isLoopback());
        assertFalse(ImageReference.parse("localhost.example.com/x").isLoopback());
        assertFalse(ImageReference.parse("python").isLoopback());
    }

    @Test
    void defaultNames() {
        assertEquals("hello", ImageReference.parse("127.0.0.1:5000/hello:latest").defaultName());
        assertEquals("app-1.2", ImageReference.parse("team/app:1.2").defaultName());
        assertEquals("app", ImageReference.parse("team/app@" + D).defaultName());
    }

    @Test
    void credentialsFromDockerConfig(@TempDir Path tmp) throws IOException {
        Path cfg = tmp.resolve("config.json");
        String auth = Base64.getEncoder().encodeToString("alice:s3cr:et".getBytes(StandardCharsets.UTF_8));
        Files.writeString(cfg, "{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"" + auth + "\"},"
                + "\"https://index.docker.io/v1/\":{\"username\":\"bob\",\"password\":\"pw\"}},"
                + "\"credsStore\":\"desktop\"}");
        RegistryCredentials c = RegistryCredentials.fromDockerConfig(cfg, "127.0.0.1:5000").orElseThrow();
        assertEquals("alice", c.username());
        assertEquals("s3cr:et", c.password());
        assertEquals("bob", RegistryCredentials.fromDockerConfig(cfg, "docker.io").orElseThrow().username());
        assertTrue(RegistryCredentials.fromDockerConfig(cfg, "ghcr.io").isEmpty());
        assertTrue(RegistryCredentials.fromDockerConfig(tmp.resolve("missing.json"), "x").isEmpty());
        assertTrue(RegistryCredentials.usesCredentialHelper(cfg));
        assertFalse(c.toString().contains("s3cr"), "the password is never printed");
    }

    @Test
    void chainIdsFollowTheSpec() {
        String d0 = "sha256:" + "0".repeat(64);
        String d1 = "sha256:" + "1".repeat(64);
        String d2 = "sha256:" + "2".repeat(64);
        String c1 = Digests.of((d0 + " " + d1).getBytes(StandardCharsets.UTF_8));
        String c2 = Digests.of((c1 + " " + d2).getBytes(StandardCharsets.UTF_8));
        assertEquals(java.util.List.of(d0, c1, c2), Digests.chainIds(java.util.List.of(d0, d1, d2)));
    }
}
