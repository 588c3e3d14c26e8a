package dev.flint.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A recipe: {@code <recipes>/<name>/image.json} plus {@code build.sh OUTDIR}. Unknown fields
 * in image.json are an error.
 *
 * @param name                must equal the directory name
 * @param base                image whose layers go below this one, or null
 * @param env                 {@code KEY=VALUE} entries, layered over the base's
 * @param entrypoint          replaces the base's when not null
 * @param cmd                 replaces the base's when not null
 * @param workdir             replaces the base's when not null
 * @param buildTimeoutSeconds build.sh time limit (default 1800)
 */
record Recipe(String name, String base, List<String> env, List<String> entrypoint, List<String> cmd,
        String workdir, Integer buildTimeoutSeconds) {

    static final String FILE = "image.json";
    static final String BUILD_SCRIPT = "build.sh";
    /** Shared helpers of all recipes ({@code <recipes>/lib}); part of every digest. */
    static final String SHARED_DIR = "lib";
    private static final String DIGEST_VERSION = "flint-image-v1\n";

    static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    int timeoutSeconds() {
        return buildTimeoutSeconds == null ? 1800 : buildTimeoutSeconds;
    }

    /** Reads and checks {@code <recipesDir>/<name>/image.json}. */
    static Recipe load(Path recipesDir, String name) {
        ImageNames.validate(name);
        Path dir = recipesDir.resolve(name);
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new ImageBuildException("no recipe for image '" + name + "': missing " + quote(file));
        }
        if (!Files.isRegularFile(dir.resolve(BUILD_SCRIPT))) {
            throw new ImageBuildException("recipe '" + name + "': missing " + quote(dir.resolve(BUILD_SCRIPT)));
        }
        Recipe r;
        try {
            r = STRICT.readValue(file.toFile(), Recipe.class);
        } catch (JsonProcessingException e) {
            throw new ImageBuildException("recipe '" + name + "': invalid " + quote(file) + ": "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!name.equals(r.name())) {
            throw new ImageBuildException("recipe '" + name + "': image.json names '" + r.name()
                    + "', expected the directory name");
        }
        if (r.base() != null) {
            ImageNames.validate(r.base());
            if (r.base().equals(name)) {
                throw new ImageBuildException("recipe '" + name + "': an image cannot be its own base");
            }
        }
        if (r.buildTimeoutSeconds() != null && r.buildTimeoutSeconds() <= 0) {
            throw new ImageBuildException("recipe '" + name + "': buildTimeoutSeconds must be positive");
        }
        new ImageConfig(r.env(), r.entrypoint(), r.cmd(), r.workdir()); // validates env and workdir
        return r;
    }

    /**
     * sha256 over the recipe's inputs: every file of the recipe directory and of the shared
     * {@code lib/} (path, executable bit, content; symlinks by target), sorted by path, plus
     * the base image's digest. A top-level README.md does not count: docs don't change the
     * output. Modification times don't count either.
     */
    static String digest(Path recipesDir, String name, String baseDigest) {
        MessageDigest sha = Digests.sha256();
        sha.update(DIGEST_VERSION.getBytes(StandardCharsets.UTF_8));
        sha.update(("base " + (baseDigest == null ? "-" : baseDigest) + "\n").getBytes(StandardCharsets.UTF_8));
        hashTree(sha, recipesDir.resolve(name), "recipe/", true);
        Path shared = recipesDir.resolve(SHARED_DIR);
        if (Files.isDirectory(shared)) {
            hashTree(sha, shared, "lib/", false);
        }
        return Digests.of(sha);
    }

    private static void hashTree(MessageDigest sha, Path dir, String prefix, boolean skipReadme) {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> rels = new ArrayList<>();
        for (Path p : files) {
            rels.add(dir.relativize(p).toString());
        }
        rels.sort(null);
        for (String rel : rels) {
            if (skipReadme && rel.equals("README.md")) {
                continue;
            }
            Path p = dir.resolve(rel);
            try {
                byte[] content;
                String kind;
                if (Files.isSymbolicLink(p)) {
                    kind = "l";
                    content = Files.readSymbolicLink(p).toString().getBytes(StandardCharsets.UTF_8);
                } else {
                    kind = Files.isExecutable(p) ? "x" : "f";
                    content = Files.readAllBytes(p);
                }
                sha.update((prefix + rel + "\0" + kind + "\0" + content.length + "\0").getBytes(StandardCharsets.UTF_8));
                sha.update(content);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static String quote(Path p) {
        return "'" + p + "'";
    }
}
