package dev.flint.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flint.cgroup.RequiresRoot;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile layers through {@code flint image import} as a user runs it: each is refused with a
 * message that names the layer and the entry, exit code 2, no image and no layer in the store,
 * and nothing written outside it (a world-writable directory the layers aim at stays empty).
 */
@RequiresRoot
class ImageHostileIT {
    static final byte[] BASE = new TarBuilder().dir("etc").file("etc/os-release", "ID=test\n").bytes();

    Path tmp;
    Path outside;
    FlintRun flint;

    @BeforeEach
    void dirs() throws IOException {
        tmp = Files.createTempDirectory("flint-hostile-it-");
        Files.setAttribute(tmp, "unix:mode", 0755);
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.setAttribute(outside, "unix:mode", 0777);
        flint = new FlintRun(tmp.resolve("state"), tmp.resolve("run"));
    }

    @AfterEach
    void clean() {
        Tools.ok("rm", "-rf", "--one-file-system", "--", tmp.toString());
    }

    static byte[] sparse(Path dir, String name, long size) {
        try {
            Path d = Files.createDirectories(dir.resolve("sparse-" + name));
            try (RandomAccessFile f = new RandomAccessFile(d.resolve(name).toFile(), "rw")) {
                f.setLength(size); // all hole
            }
            Process p = new ProcessBuilder("tar", "--format=gnu", "--sparse", "-C", d.toString(), "-cf", "-", name)
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            assertEquals(0, p.waitFor());
            return out;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> hostile() {
        return Stream.of(
                Arguments.of("path-escape", (Function<Path, List<byte[]>>) t -> List.of(
                        new TarBuilder().file("../../../../outside/pwned", "x").bytes()), "escapes the layer root ('..')"),
                Arguments.of("absolute-path", (Function<Path, List<byte[]>>) t -> List.of(
                        new TarBuilder().file(t.resolve("outside/pwned").toString(), "x").bytes()), "is an absolute path"),
                Arguments.of("symlink-escape", (Function<Path, List<byte[]>>) t -> List.of(
                        new TarBuilder().symlink("etc/up", "../../../../../outside").bytes()), "outside the layer root"),
                Arguments.of("write-through-symlink", (Function<Path, List<byte[]>>) t -> List.of(
                        new TarBuilder().symlink("out", t.resolve("outside").toString()).file("out/pwned", "x").bytes()),
                        "would be written through 'out', which is a symbolic link"),
                Arguments.of("hardlink-escape", (Function<Path, List<byte[]>>) t -> List.of(
                        new TarBuilder().hardlink("etc/shadow2", "../../../../etc/shadow").bytes()),
                        "escapes the layer root"),
                Arguments.of("whiteout-outside", (Function<Path, List<byte[]>>) t -> List.of(
                        new TarBuilder().file("../../outside/.wh.pwned", "").bytes()), "escapes the layer root"),
                Arguments.of("device-node", (Function<Path, List<byte[]>>) t -> List.of(
                        new TarBuilder().charDevice("dev/sda", 8, 0).bytes()), "is a character device (8/0)"),
                Arguments.of("sparse-12GB", (Function<Path, List<byte[]>>) t -> List.of(sparse(t, "big", 12L << 30)),
                        "cannot read the tar header at the start"),
                Arguments.of("over-10GB", (Function<Path, List<byte[]>>) t -> List.of(sparse(t, "a", 6L << 30),
                        sparse(t, "b", 6L << 30)), "takes the image past 10.0 GB unpacked"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void refusedAndNothingOutsideTheStore(String name, Function<Path, List<byte[]>> layers, String reason)
            throws IOException {
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout")).layer(BASE);
        layers.apply(tmp).forEach(b::layer);
        b.write();

        Tools.Result r = flint.run("image", "import", tmp.resolve("layout").toString(), "--name", "bad");

        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("flint: layer sha256:") && r.err().contains(reason), r.all());
        assertTrue(flint.store().list().isEmpty(), "no image");
        Path layersDir = flint.images.resolve("layers");
        List<String> left = new ArrayList<>();
        if (Files.isDirectory(layersDir)) {
            try (Stream<Path> s = Files.list(layersDir)) {
                s.forEach(p -> left.add(p.getFileName().toString()));
            }
        }
        assertEquals(List.of(), left, "no layer, no temp dir");
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(List.of(), s.toList(), "nothing written outside the store");
        }
    }
}
