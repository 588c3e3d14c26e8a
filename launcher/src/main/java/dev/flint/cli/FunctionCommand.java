package dev.flint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flint.api.ApiJson;
import dev.flint.function.CodeStore;
import dev.flint.function.FunctionConfig;
import dev.flint.function.FunctionDefinition;
import dev.flint.function.FunctionRegistry;
import dev.flint.function.FunctionUpdate;
import dev.flint.function.SnapStartStore;
import dev.flint.function.ImageCode;
import dev.flint.function.ImageFunctions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flint function}: create, update, get, list and delete functions in /var/lib/flint. */
@Command(name = "function", mixinStandardHelpOptions = true,
        description = {"Create, update, get, list, publish and delete functions.",
            "Code is stored by CodeSha256, extracted once, read-only.",
            "When flint serve runs, these go through its API; otherwise they work on /var/lib/flint directly."},
        subcommands = {FunctionCommand.Create.class, FunctionCommand.Update.class, FunctionCommand.Get.class,
            FunctionCommand.ListFunctions.class, FunctionCommand.Delete.class, FunctionPublishCommand.class})
final class FunctionCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static FunctionRegistry registry() {
        return new FunctionRegistry(Host.stateDir());
    }

    static Map<String, String> parseEnv(List<String> pairs) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--env must look like KEY=VALUE, got '" + p + "'");
            }
            env.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return env;
    }

    /** --entrypoint/--cmd/--workdir: an Image function's ImageConfig. */
    static final class ImageConfigOptions {
        @Option(names = "--entrypoint", paramLabel = "ARG", arity = "1",
                description = "Image: override the image's ENTRYPOINT, one argument per option (repeatable)")
        List<String> entrypoint;

        @Option(names = "--cmd", paramLabel = "ARG", arity = "1",
                description = "Image: override the image's CMD (the handler), one argument per option (repeatable)")
        List<String> cmd;

        @Option(names = "--workdir", paramLabel = "DIR",
                description = "Image: override the image's WORKDIR (absolute)")
        String workdir;

        boolean given() {
            return entrypoint != null || cmd != null || workdir != null;
        }

        ImageCode.ImageOverrides overrides() {
            return new ImageCode.ImageOverrides(entrypoint, cmd, workdir);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Create a function; prints its configuration as JSON.",
                "PackageType Zip: --runtime, --handler and --code (a directory or a ZIP).",
                "PackageType Image: --image REF, an image in this host's store (flint image",
                "pull / import): its name, the reference it was pulled from, or a digest.",
                "As on Lambda, ENTRYPOINT starts the runtime with CMD as its arguments, CMD",
                "is also the handler (_HANDLER), the image's ENV and WORKDIR apply, and",
                "AWS_LAMBDA_RUNTIME_API points at flint's Runtime API. Images laid out like",
                "AWS base images (/lambda-entrypoint.sh, /var/runtime/bootstrap, code in",
                "/var/task) run unchanged. The function stays on the image's digest until",
                "'flint function update NAME --image REF'."})
    static final class Create implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--runtime", paramLabel = "R",
                description = "Zip: python3.11, java17, provided, provided.al2 or provided.al2023")
        String runtime;

        @Option(names = "--handler", paramLabel = "H",
                description = "Zip: python: module.function; java17: package.Class::method; provided: any")
        String handler;

        @Option(names = "--code", paramLabel = "DIR|ZIP", description = "Zip: the code")
        Path code;

        @Option(names = "--image", paramLabel = "REF", description = "Image: the container image (PackageType Image)")
        String image;

        @picocli.CommandLine.Mixin
        ImageConfigOptions imageConfig = new ImageConfigOptions();

        @Option(names = "--memory", paramLabel = "MB", description = "128–3008 (default 128)")
        Integer memoryMb;

        @Option(names = "--timeout", paramLabel = "S", description = "1–900 (default 3)")
        Integer timeoutSeconds;

        @Option(names = "--env", paramLabel = "K=V", description = "environment variable (repeatable; 4 KB in all)")
        List<String> env = List.of();

        @Option(names = "--ephemeral-storage", paramLabel = "MB", description = "/tmp size, 512–10240 (default 512)")
        Integer ephemeralMb;

        @Option(names = "--description", paramLabel = "TEXT")
        String description;

        @Option(names = "--snap-start", paramLabel = "APPLY_ON",
                description = "SnapStart: PublishedVersions (each published version is initialised once and"
                        + " checkpointed; its cold starts restore) or None (default)")
        String snapStart;

        @Override
        public Integer call() {
            if (image != null) {
                if (runtime != null || handler != null || code != null) {
                    throw new IllegalArgumentException("--image (PackageType Image) goes without --runtime, --handler"
                            + " and --code: the image holds the runtime and the code, and its CMD is the handler");
                }
                return createImage();
            }
            if (imageConfig.given()) {
                throw new IllegalArgumentException("--entrypoint, --cmd and --workdir apply to --image functions only");
            }
            if (runtime == null || handler == null || code == null) {
                throw new IllegalArgumentException("give --runtime, --handler and --code (PackageType Zip), or --image REF"
                        + " (PackageType Image)");
            }
            return create(() -> FunctionJson.createRequest(name, runtime, handler, CodeStore.zipBytes(code), memoryMb,
                            timeoutSeconds, parseEnv(env), ephemeralMb, description, snapStart),
                    () -> new FunctionDefinition(name, runtime, handler, code, memoryMb, timeoutSeconds, parseEnv(env),
                            ephemeralMb, description));
        }

        private Integer createImage() {
            ImageCode.ImageOverrides o = imageConfig.given() ? imageConfig.overrides() : null;
            return create(() -> FunctionJson.createImageRequest(name, image, o, memoryMb, timeoutSeconds,
                            parseEnv(env), ephemeralMb, description, snapStart),
                    () -> new FunctionDefinition(name, null, null, null, memoryMb, timeoutSeconds, parseEnv(env),
                            ephemeralMb, description, ImageFunctions.resolve(Host.images(), image, o)));
        }

        /**
         * Through a running daemon (CreateFunction with request's body), else in the local state:
         * the function from definition (made after the SnapStart setting is checked) and its setting.
         */
        private Integer create(Supplier<ObjectNode> request, Supplier<FunctionDefinition> definition) {
            Optional<DaemonClient> daemon = DaemonClient.find(Host.runDir());
            if (daemon.isPresent()) {
                System.out.println(FunctionJson.pretty(daemon.get().json("POST", "/2015-03-31/functions", request.get())));
                return ExitCodes.OK;
            }
            Host.requireRoot("flint function create");
            try (FunctionRegistry reg = registry()) {
                if (snapStart != null) {
                    SnapStartStore.checkApplyOn(snapStart);
                }
                FunctionConfig fn = reg.create(definition.get());
                if (snapStart != null) {
                    reg.snapStart().setApplyOn(name, snapStart);
                }
                System.out.println(FunctionJson.pretty(FunctionJson.configuration(fn, reg.snapStart())));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Update a function's code and/or configuration; prints the new configuration.",
                "An Image function takes --image REF (resolved and pinned to its digest now)",
                "and --entrypoint/--cmd/--workdir (they replace its whole ImageConfig)."})
    static final class Update implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--code", paramLabel = "DIR|ZIP")
        Path code;

        @Option(names = "--image", paramLabel = "REF", description = "Image: another image for an Image function")
        String image;

        @picocli.CommandLine.Mixin
        ImageConfigOptions imageConfig = new ImageConfigOptions();

        @Option(names = "--runtime", paramLabel = "R")
        String runtime;

        @Option(names = "--handler", paramLabel = "H")
        String handler;

        @Option(names = "--memory", paramLabel = "MB")
        Integer memoryMb;

        @Option(names = "--timeout", paramLabel = "S")
        Integer timeoutSeconds;

        @Option(names = "--env", paramLabel = "K=V", description = "replaces all variables when given")
        List<String> env;

        @Option(names = "--ephemeral-storage", paramLabel = "MB")
        Integer ephemeralMb;

        @Option(names = "--description", paramLabel = "TEXT")
        String description;

        @Option(names = "--snap-start", paramLabel = "APPLY_ON",
                description = "SnapStart: PublishedVersions (each published version is initialised once and"
                        + " checkpointed; its cold starts restore) or None (default)")
        String snapStart;

        @Override
        public Integer call() {
            Optional<DaemonClient> daemon = DaemonClient.find(Host.runDir());
            if (daemon.isPresent()) {
                JsonNode out = null;
                String base = "/2015-03-31/functions/" + DaemonClient.path(name);
                if (code != null) {
                    out = daemon.get().json("PUT", base + "/code", FunctionJson.codeRequest(CodeStore.zipBytes(code)));
                }
                if (image != null) {
                    ObjectNode ic = FunctionJson.JSON.createObjectNode();
                    ic.put("ImageUri", image);
                    out = daemon.get().json("PUT", base + "/code", ic);
                }
                ObjectNode cfg = FunctionJson.configurationRequest(runtime, handler, memoryMb, timeoutSeconds,
                        env == null ? null : parseEnv(env), ephemeralMb, description, snapStart);
                if (imageConfig.given()) {
                    ApiJson.putImageConfig(cfg, imageConfig.overrides());
                }
                if (cfg.size() > 0) {
                    out = daemon.get().json("PUT", base + "/configuration", cfg);
                }
                if (out == null) {
                    out = daemon.get().json("GET", base + "/configuration", null);
                }
                System.out.println(FunctionJson.pretty(out));
                return ExitCodes.OK;
            }
            Host.requireRoot("flint function update");
            try (FunctionRegistry reg = registry()) {
                FunctionConfig fn = reg.require(name);
                if (code != null) {
                    fn = reg.updateCode(name, code);
                }
                if (image != null) {
                    ImageCode.ImageOverrides keep = fn.isImage() ? fn.imageCode().overrides() : null;
                    fn = reg.updateImage(name, ImageFunctions.resolve(Host.images(), image, keep));
                }
                FunctionUpdate u = new FunctionUpdate(runtime, handler, memoryMb, timeoutSeconds,
                        env == null ? null : parseEnv(env), ephemeralMb, description,
                        imageConfig.given() ? imageConfig.overrides() : null);
                if (!u.equals(FunctionUpdate.none())) {
                    fn = reg.updateConfiguration(name, u);
                }
                if (snapStart != null) {
                    reg.snapStart().setApplyOn(name, snapStart);
                }
                System.out.println(FunctionJson.pretty(FunctionJson.configuration(fn, reg.snapStart())));
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Print a function's configuration as JSON.")
    static final class Get implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--qualifier", paramLabel = "VERSION", description = "a published version (default: $LATEST)")
        String qualifier;

        @Override
        public Integer call() {
            Optional<DaemonClient> daemon = DaemonClient.find(Host.runDir());
            if (daemon.isPresent()) {
                System.out.println(FunctionJson.pretty(daemon.get().json("GET",
                        "/2015-03-31/functions/" + DaemonClient.path(name) + "/configuration"
                                + (qualifier == null ? "" : "?Qualifier=" + DaemonClient.path(qualifier)), null)));
                return ExitCodes.OK;
            }
            try (FunctionRegistry reg = registry()) {
                System.out.println(FunctionJson.pretty(FunctionJson.configuration(
                        qualifier == null ? reg.require(name) : reg.getVersion(name, qualifier), reg.snapStart())));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List functions.")
    static final class ListFunctions implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.printf("%-24s %-16s %-36s %6s %7s%n", "NAME", "RUNTIME", "HANDLER", "MEMORY", "TIMEOUT");
            Optional<DaemonClient> daemon = DaemonClient.find(Host.runDir());
            if (daemon.isPresent()) {
                String marker = null;
                do {
                    JsonNode page = daemon.get().json("GET", "/2015-03-31/functions/"
                            + (marker == null ? "" : "?Marker=" + DaemonClient.path(marker)), null);
                    for (JsonNode f : page.path("Functions")) {
                        boolean img = "Image".equals(f.path("PackageType").asText());
                        System.out.printf("%-24s %-16s %-36s %6d %6ds%n", f.path("FunctionName").asText(),
                                img ? "(image)" : f.path("Runtime").asText(),
                                img ? "sha256:" + f.path("CodeSha256").asText().substring(0, 12) : f.path("Handler").asText(),
                                f.path("MemorySize").asInt(), f.path("Timeout").asInt());
                    }
                    marker = page.hasNonNull("NextMarker") ? page.get("NextMarker").asText() : null;
                } while (marker != null);
                return ExitCodes.OK;
            }
            List<FunctionConfig> all;
            try (FunctionRegistry reg = registry()) {
                all = reg.list();
            }
            for (FunctionConfig f : all) {
                System.out.printf("%-24s %-16s %-36s %6d %6ds%n", f.name(), f.isImage() ? "(image)" : f.runtime(),
                        f.isImage() ? f.imageCode().imageUri() : f.handler(), f.memoryMb(), f.timeoutSeconds());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete functions (and their unshared code and snapshots), or one published version.")
    static final class Delete implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "NAME")
        List<String> names;

        @Option(names = "--version", paramLabel = "N", description = "delete only this published version of NAME")
        String version;

        @Override
        public Integer call() {
            if (version != null && names.size() != 1) {
                throw new IllegalArgumentException("--version deletes a version of one function; give one NAME");
            }
            Optional<DaemonClient> daemon = DaemonClient.find(Host.runDir());
            if (daemon.isPresent() && version != null) {
                daemon.get().json("DELETE", "/2015-03-31/functions/" + DaemonClient.path(names.get(0))
                        + "?Qualifier=" + DaemonClient.path(version), null);
                System.err.println("deleted " + names.get(0) + ":" + version);
                return ExitCodes.OK;
            }
            if (daemon.isPresent()) {
                for (String n : names) {
                    daemon.get().json("DELETE", "/2015-03-31/functions/" + DaemonClient.path(n), null);
                    System.err.println("deleted " + n);
                }
                return ExitCodes.OK;
            }
            Host.requireRoot("flint function delete");
            try (FunctionRegistry reg = registry()) {
                if (version != null) {
                    reg.deleteVersion(names.get(0), version);
                    System.err.println("deleted " + names.get(0) + ":" + version);
                    return ExitCodes.OK;
                }
                for (String n : names) {
                    reg.delete(n);
                    System.err.println("deleted " + n);
                }
            }
            return ExitCodes.OK;
        }
    }
}
