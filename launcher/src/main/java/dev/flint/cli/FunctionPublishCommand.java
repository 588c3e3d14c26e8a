package dev.flint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flint.function.FunctionArns;
import dev.flint.function.FunctionConfig;
import dev.flint.function.FunctionRegistry;
import dev.flint.invoke.SnapStartPublisher;
import dev.flint.invoke.Snapshotter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flint function publish}: PublishVersion. For a function with SnapStart on published
 * versions, the new version is initialised and checkpointed before this returns (in-process, or by
 * {@code flint serve} when it runs); Init's output goes to stderr.
 */
@Command(name = "publish", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Publish $LATEST as a new numbered version; prints its configuration as JSON.",
            "With SnapStart (--snap-start PublishedVersions on create/update), the version is initialised once",
            "and the whole environment checkpointed; its cold starts then restore instead of running Init.",
            "Exit code 1 when the SnapStart optimization failed (the version is published, State Failed)."})
final class FunctionPublishCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--description", paramLabel = "TEXT", description = "the version's description")
    String description;

    @Override
    public Integer call() {
        Optional<DaemonClient> daemon = DaemonClient.find(Host.runDir());
        JsonNode out;
        if (daemon.isPresent()) {
            ObjectNode req = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            if (description != null) {
                req.put("Description", description);
            }
            out = daemon.get().json("POST", "/2015-03-31/functions/" + DaemonClient.path(name) + "/versions", req);
        } else {
            Host.requireRoot("flint function publish");
            try (FunctionRegistry reg = FunctionCommand.registry()) {
                FunctionConfig v = reg.publishVersion(name, description, null, null);
                SnapStartPublisher publisher = new SnapStartPublisher(reg, Host.images(),
                        new Snapshotter(Host.launcher(), Host.runDir(), FunctionArns.region()));
                try {
                    publisher.afterPublish(v, System.err::println);
                } catch (Snapshotter.SnapshotException e) {
                    System.err.println("flint: SnapStart optimization of " + name + ":" + v.version() + " failed: "
                            + e.errorType() + ": " + e.getMessage());
                }
                out = FunctionJson.configuration(v, reg.snapStart());
            }
        }
        System.out.println(FunctionJson.pretty(out));
        return "Failed".equals(out.path("State").asText()) ? ExitCodes.FUNCTION_ERROR : ExitCodes.OK;
    }
}
