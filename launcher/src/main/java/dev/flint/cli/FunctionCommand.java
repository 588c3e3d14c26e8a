package dev.flint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flint.function.CodeStore;
import dev.flint.function.FunctionConfig;
import dev.flint.function.FunctionDefinition;
import dev.flint.function.FunctionRegistry;
import dev.flint.function.FunctionUpdate;
import dev.flint.function.SnapStartStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
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

    @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Create a function from a directory or a ZIP; prints its configuration as JSON.")
    static final class Create implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--runtime", required = true, paramLabel = "R",
                description = "python3.11, java17, provided, provided.al2 or provided.al2023")
        String runtime;

        @Option(names = "--handler", required = true, paramLabel = "H",
                description = "python: module.function; java17: package.Class::method; provided: any")
        String handler;

        @Option(names = "--code", required = true, paramLabel = "DIR|ZIP", description = "the code")
        Path code;

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
            Optional<DaemonClient> daemon = DaemonClient.find(Host.runDir());
            if (daemon.isPresent()) {
                ObjectNode req = FunctionJson.createRequest(name, runtime, handler, CodeStore.zipBytes(code), memoryMb,
                        timeoutSeconds, parseEnv(env), ephemeralMb, description, snapStart);
                System.out.println(FunctionJson.pretty(daemon.get().json("POST", "/2015-03-31/functions", req)));
                return ExitCodes.OK;
            }
            Host.requireRoot("flint function create");
            try (FunctionRegistry reg = registry()) {
                if (snapStart != null) {
                    SnapStartStore.checkApplyOn(snapStart);
                }
                FunctionConfig fn = reg.create(new FunctionDefinition(name, runtime, handler, code, memoryMb,
                        timeoutSeconds, parseEnv(env), ephemeralMb, description));
                if (snapStart != null) {
                    reg.snapStart().setApplyOn(name, snapStart);
                }
                System.out.println(FunctionJson.pretty(FunctionJson.configuration(fn, reg.snapStart())));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Update a function's code and/or configuration; prints the new configuration.")
    static final class Update implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--code", paramLabel = "DIR|ZIP")
        Path code;

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
                ObjectNode cfg = FunctionJson.configurationRequest(runtime, handler, memoryMb, timeoutSeconds,
                        env == null ? null : parseEnv(env), ephemeralMb, description, snapStart);
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
                FunctionUpdate u = new FunctionUpdate(runtime, handler, memoryMb, timeoutSeconds,
                        env == null ? null : parseEnv(env), ephemeralMb, description);
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
                        System.out.printf("%-24s %-16s %-36s %6d %6ds%n", f.path("FunctionName").asText(),
                                f.path("Runtime").asText(), f.path("Handler").asText(), f.path("MemorySize").asInt(),
                                f.path("Timeout").asInt());
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
                System.out.printf("%-24s %-16s %-36s %6d %6ds%n", f.name(), f.runtime(), f.handler(), f.memoryMb(),
                        f.timeoutSeconds());
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
