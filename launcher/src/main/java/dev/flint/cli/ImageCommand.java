package dev.flint.cli;

import dev.flint.function.FunctionConfig;
import dev.flint.function.FunctionRegistry;
import dev.flint.function.ImageFunctions;
import dev.flint.image.Digests;
import dev.flint.image.Image;
import dev.flint.image.ImageImport;
import dev.flint.image.ImageReference;
import dev.flint.image.ImageStore;
import dev.flint.image.RegistryClient;
import dev.flint.image.RegistryCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flint image}: the image store under /var/lib/flint/images. */
@Command(name = "image", mixinStandardHelpOptions = true,
        description = {"Build, import, pull, list and remove root filesystem images.",
            "An image is a stack of read-only layers plus a config (env, entrypoint,",
            "cmd, workdir). Layers are unpacked once into",
            "/var/lib/flint/images/layers/<ChainID>/ and shared by every image that has",
            "them. Runtime images (provided, python3.11, java17) are built from recipes",
            "in images/NAME/; container images for PackageType Image functions are",
            "imported from archives or pulled from a registry."},
        subcommands = {ImageCommand.Build.class, ImageCommand.Import.class, ImageCommand.Pull.class,
            ImageCommand.Ls.class, ImageCommand.Rm.class})
final class ImageCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = {"Build NAME from its recipe (images/NAME/build.sh + image.json), base first.",
                "Cached by recipe content: a second build of an unchanged recipe is a no-op."})
    static final class Build implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "NAME", description = "image names, e.g. provided python3.11 java17")
        List<String> names;

        @Option(names = "--recipes", paramLabel = "DIR", description = "recipe directory (default: <flint home>/images)")
        Path recipes;

        @Override
        public Integer call() {
            Host.requireRoot("flint image build");
            Path dir = recipes != null ? recipes : Host.home().resolve("images");
            for (String name : names) {
                long t0 = System.nanoTime();
                Image img = Host.images().build(name, dir, line -> System.err.println("  " + line));
                System.err.printf("image %s: %s (%d layer(s), %.1f MB) in %.1f s%n", img.name(),
                        img.digest().substring(0, Math.min(19, img.digest().length())), img.layers().size(),
                        img.sizeBytes() / 1e6, (System.nanoTime() - t0) / 1e9);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Import a container image from a file or directory into the store.",
                "PATH is one of:",
                "  an OCI image layout directory (skopeo copy ... oci:DIR[:TAG], umoci)",
                "  an OCI archive, a tar of one  (skopeo copy ... oci-archive:FILE)",
                "  a Docker archive              (docker save -o FILE IMAGE; also gzipped)",
                "Multi-platform images resolve to linux/amd64. Manifests, configs and",
                "layers are checked against their digests. Layer tars are untrusted: path",
                "escapes ('..', absolute names), links out of the layer, device nodes and",
                "images over 10 GB unpacked are refused, and nothing is written outside the",
                "store. OCI whiteouts become overlayfs whiteouts. Importing a name again",
                "replaces it; while a function runs the old digest, the old image stays as",
                "NAME-<12 hex>.",
                "Then: flint function create NAME --image NAME"})
    static final class Import implements Callable<Integer> {
        @Parameters(paramLabel = "PATH", description = "OCI layout directory, OCI archive or Docker archive")
        Path path;

        @Option(names = "--name", paramLabel = "NAME",
                description = "store name, [a-z0-9._-], max 64 (default: from PATH's file name)")
        String name;

        @Option(names = "--ref", paramLabel = "REF",
                description = "which image of a layout or archive holding several: its org.opencontainers.image.ref.name"
                        + " (OCI) or one of its RepoTags (Docker)")
        String ref;

        @Override
        public Integer call() {
            Host.requireRoot("flint image import");
            String n = name != null ? name : defaultName(path);
            ImageStore store = Host.images();
            long t0 = System.nanoTime();
            Image img;
            try (ImageImport imp = dev.flint.image.ImageArchives.open(path, ref, store.downloadsDir())) {
                System.err.println("importing " + imp.source() + " (" + imp.layers().size() + " layer(s), "
                        + Digests.shortForm(imp.digest()) + ") as '" + n + "'");
                img = store.importImage(n, imp, keepIfUsed(), line -> System.err.println("  " + line));
            }
            done(img, t0);
            return ExitCodes.OK;
        }

        /** {@code app.tar.gz} → {@code app}, cut to the name rules. */
        static String defaultName(Path path) {
            String f = path.toAbsolutePath().normalize().getFileName().toString().toLowerCase(Locale.ROOT);
            f = f.replaceAll("\\.(tar\\.gz|tgz|tar|oci|docker)$", "").replaceAll("[^a-z0-9._-]", "-")
                    .replaceAll("^[^a-z0-9]+", "");
            if (f.length() > 64) {
                f = f.substring(0, 64);
            }
            if (f.isEmpty() || f.equals("layers") || f.equals("downloads")) {
                throw new IllegalArgumentException("cannot derive an image name from '" + path + "': give --name NAME");
            }
            return f;
        }
    }

    @Command(name = "pull", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Pull a container image from a registry (Registry HTTP API v2).",
                "REF is [HOST[:PORT]/]PATH[:TAG][@sha256:DIGEST]; no host means Docker Hub.",
                "OCI and Docker schema 2 manifests; an image index or manifest list",
                "resolves to linux/amd64.",
                "Auth follows the registry's challenge: anonymous, Basic, or a Bearer token",
                "from its token service, with --username/--password or the registry's entry",
                "in Docker's config file ($DOCKER_CONFIG/config.json, else",
                "~/.docker/config.json, as docker login and skopeo login write it).",
                "HTTPS is required, except for a registry on loopback (127.0.0.1, localhost,",
                "::1) or with --insecure: then plain HTTP is used when HTTPS fails.",
                "Every blob is verified by digest. Layers already in the store are not",
                "downloaded. Blobs land in /var/lib/flint/images/downloads; run an",
                "interrupted pull again and it resumes.",
                "Then: flint function create NAME --image REF"})
    static final class Pull implements Callable<Integer> {
        @Parameters(paramLabel = "REF", description = "image reference, e.g. 127.0.0.1:5000/hello:latest")
        String ref;

        @Option(names = "--name", paramLabel = "NAME",
                description = "store name (default: the last path segment, plus -TAG unless the tag is latest)")
        String name;

        @Option(names = "--insecure", description = "allow plain HTTP to a registry that is not on loopback")
        boolean insecure;

        @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "registry user (with --password)")
        String username;

        @Option(names = {"-p", "--password"}, paramLabel = "PASSWORD",
                description = "registry password or token (visible in ps; prefer --password-stdin)")
        String password;

        @Option(names = "--password-stdin", description = "read the password from standard input")
        boolean passwordStdin;

        @Option(names = "--parallel", paramLabel = "N", defaultValue = "3",
                description = "layers downloaded at the same time (default: ${DEFAULT-VALUE})")
        int parallel;

        @Override
        public Integer call() {
            ImageReference r = ImageReference.parse(ref);
            RegistryCredentials creds = credentials(r);
            Host.requireRoot("flint image pull");
            String n = name != null ? name : r.defaultName();
            ImageStore store = Host.images();
            long t0 = System.nanoTime();
            PullProgress progress = new PullProgress(System.err, System.console() != null);
            RegistryClient client = new RegistryClient(r, new RegistryClient.Options(insecure, creds, parallel));
            System.err.println("pulling " + r + (creds != null ? " as " + creds.username() : ""));
            RegistryClient.Pull pulled = client.pull(store, progress);
            Image img;
            try (ImageImport imp = pulled.image()) {
                // layers are unpacked as their downloads complete
                img = store.importImage(n, imp, keepIfUsed(), progress::note);
            } finally {
                progress.finish();
            }
            pulled.discardBlobs();
            done(img, t0);
            return ExitCodes.OK;
        }

        private RegistryCredentials credentials(ImageReference r) {
            if (passwordStdin) {
                try (InputStream in = System.in) {
                    password = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (username != null || password != null) {
                if (username == null || password == null) {
                    throw new IllegalArgumentException("--username and --password (or --password-stdin) go together");
                }
                return new RegistryCredentials(username, password);
            }
            Path config = RegistryCredentials.defaultConfigFile();
            Optional<RegistryCredentials> c = RegistryCredentials.fromDockerConfig(config, r.registry());
            if (c.isEmpty() && RegistryCredentials.usesCredentialHelper(config)) {
                System.err.println("note: " + config + " names a credential helper, which flint does not run;"
                        + " pass --username/--password if the registry needs them");
            }
            return c.orElse(null);
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true,
            description = {"List images and the functions that use them.",
                "Columns: name, digest, layer count, unpacked size, creation time, the",
                "functions using it (Zip functions use their runtime's image; NAME:N is a",
                "published version), and where it came from."})
    static final class Ls implements Callable<Integer> {
        @Override
        public Integer call() {
            ImageStore store = Host.images();
            List<Image> images = store.list();
            Map<String, List<String>> users = users(store);
            System.out.printf("%-24s %-19s %6s %10s  %-16s  %-24s %s%n", "NAME", "DIGEST", "LAYERS", "SIZE", "CREATED",
                    "USED BY", "SOURCE");
            DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
            for (Image i : images) {
                List<String> u = users == null ? null : users.getOrDefault(i.name(), List.of());
                System.out.printf("%-24s %-19s %6d %8.1fMB  %-16s  %-24s %s%n", i.name(),
                        i.digest().substring(0, Math.min(19, i.digest().length())), i.layers().size(),
                        i.sizeBytes() / 1e6, i.created() == null ? "-" : f.format(i.created()),
                        u == null ? "?" : u.isEmpty() ? "-" : String.join(",", u),
                        i.source() == null ? "recipe" : i.source());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = {"Remove images; refused for an image a function uses.",
                "Delete the function (every version) or point it at another image first.",
                "Layers no image lists any more are deleted."})
    static final class Rm implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "NAME")
        List<String> names;

        @Override
        public Integer call() {
            Host.requireRoot("flint image rm");
            ImageStore store = Host.images();
            Map<String, List<String>> users = users(store);
            for (String name : names) {
                store.require(name);
                List<String> u = users == null ? List.of() : users.getOrDefault(name, List.of());
                if (!u.isEmpty()) {
                    throw new ExitException(ExitCodes.INVALID_INPUT, "image " + name + " is used by function(s) "
                            + String.join(", ", u) + "; delete them or update them to another image first");
                }
            }
            for (String name : names) {
                List<Path> kept = store.remove(name);
                System.err.println("removed " + name + (kept.isEmpty() ? "" : " (kept " + kept.size() + " shared layer(s))"));
            }
            return ExitCodes.OK;
        }
    }

    // ---- shared -------------------------------------------------------------------------------

    /** Image name → functions using it; null when the function state cannot be read (not root). */
    static Map<String, List<String>> users(ImageStore store) {
        try (FunctionRegistry reg = FunctionCommand.registry()) {
            return ImageFunctions.users(store, reg.allVersions());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Keep a replaced image while a function is pinned to its digest. */
    static Predicate<String> keepIfUsed() {
        return digest -> {
            try (FunctionRegistry reg = FunctionCommand.registry()) {
                List<FunctionConfig> all = reg.allVersions();
                return ImageFunctions.digestInUse(all, digest);
            } catch (RuntimeException e) {
                return true; // cannot tell: keep it
            }
        };
    }

    private static void done(Image img, long t0) {
        System.err.printf(Locale.ROOT, "image %s: %s, %d layer(s), %.1f MB, in %.1f s%n", img.name(),
                Digests.shortForm(img.digest()), img.layers().size(), img.sizeBytes() / 1e6,
                (System.nanoTime() - t0) / 1e9);
        System.out.println(img.name() + " " + img.digest());
    }
}
