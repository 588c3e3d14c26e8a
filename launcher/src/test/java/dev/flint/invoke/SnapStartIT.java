package dev.flint.invoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.cgroup.Cgroups;
import dev.flint.function.FunctionConfig;
import dev.flint.function.FunctionDefinition;
import dev.flint.function.Runtimes;
import dev.flint.sandbox.HostLeftovers;
import dev.flint.sandbox.SandboxLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5: SnapStart on real sandboxes and CRIU. A version of a function with SnapStart is
 * initialised once at publish and checkpointed; its cold starts restore. Each test ends with
 * nothing left behind: processes, mounts, cgroups, env, restore and scratch dirs.
 */
@RequiresSandboxHost(images = {"python3.11", "provided"})
class SnapStartIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INIT_TOKEN = Pattern.compile("INIT ran ([0-9a-f]+)");

    @TempDir
    Path tmp;
    private SandboxStack stack;
    private InvokeService service;
    private SnapStartPublisher publisher;
    private HostLeftovers before;
    private final List<String> publishLog = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() {
        before = HostLeftovers.now();
        stack = new SandboxStack(tmp.resolve("state"));
        SandboxLauncher launcher = new SandboxLauncher(Cgroups.detect(), SandboxStack.RUN_DIR);
        service = InvokeService.create(launcher, SandboxStack.RUN_DIR, SandboxStack.REGION, SandboxStack.ACCOUNT,
                InvokeService.Settings.defaults()
                        .withSnapshots(f -> stack.registry.snapStart().checkpoint(f.name(), f.version())));
        publisher = new SnapStartPublisher(stack.registry, stack.images,
                new Snapshotter(launcher, SandboxStack.RUN_DIR, SandboxStack.REGION));
    }

    @AfterEach
    void nothingLeftBehind() {
        service.close();
        stack.close();
        List<String> left = new ArrayList<>(stack.leftovers());
        HostLeftovers after = HostLeftovers.now().minus(before);
        if (!after.isEmpty()) {
            left.add(after.toString());
        }
        left.addAll(ownEntries(SandboxStack.RUN_DIR.resolve("restore")));
        left.addAll(ownEntries(SandboxStack.RUN_DIR.resolve("mnt")));
        assertTrue(left.isEmpty(), "left behind: " + left);
    }

    private static List<String> ownEntries(Path dir) {
        List<String> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, SandboxStack.OWN_PREFIX + "*")) {
            s.forEach(p -> found.add(p.toString()));
        } catch (IOException e) {
            found.add(dir + ": " + e);
        }
        return found;
    }

    /** Creates the function with SnapStart on published versions and publishes version 1. */
    private FunctionConfig publishSnapStart(FunctionDefinition def) {
        stack.registry.create(def);
        stack.registry.snapStart().setApplyOn(def.name(), "PublishedVersions");
        FunctionConfig v1 = stack.registry.publishVersion(def.name(), null, null, null);
        publisher.afterPublish(v1, publishLog::add);
        return v1;
    }

    private FunctionDefinition python(String name) {
        return FunctionDefinition.of(name, Runtimes.PYTHON_311, "lambda_function.lambda_handler",
                SandboxStack.copyFunction("snap-counter", tmp)).withMemoryMb(SandboxStack.FAST_MB).withTimeoutSeconds(10);
    }

    private FunctionDefinition hooks(String name, Map<String, String> env) {
        return FunctionDefinition.of(name, Runtimes.PROVIDED, "unused", SandboxStack.copyFunction("snap-hooks", tmp))
                .withMemoryMb(SandboxStack.FAST_MB).withTimeoutSeconds(10).withEnvironment(env);
    }

    private static final Path EXAMPLES = SandboxStack.projectRoot().resolve("examples");

    private FunctionDefinition example(String dir, String name, Map<String, String> env) {
        FunctionDefinition def = dev.flint.function.FunctionDirectory.load(EXAMPLES.resolve(dir));
        return new FunctionDefinition(name, def.runtime(), def.handler(), def.code(), SandboxStack.FAST_MB, 30, env,
                null, null);
    }

    private InvokeResponse invoke(FunctionConfig version, List<String> log) {
        return service.invoke(FunctionSpecs.of(version, stack.images), "{}".getBytes(StandardCharsets.UTF_8), log::add);
    }

    private String initToken(List<String> log) {
        synchronized (log) {
            return log.stream().map(INIT_TOKEN::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst()
                    .orElseThrow(() -> new AssertionError("no INIT line in " + log));
        }
    }

    @Test
    void aRestoredEnvAnswersWithItsSnapshotsInitStateAndRunsNoInit() throws IOException {
        FunctionConfig v1 = publishSnapStart(python("snap-py"));
        assertEquals("On", stack.registry.snapStart().optimizationStatus("snap-py", "1"));
        String token = initToken(publishLog);
        assertEquals(1, publishLog.stream().filter(l -> l.startsWith("INIT ran")).count(), publishLog.toString());

        List<String> log = Collections.synchronizedList(new ArrayList<>());
        InvokeResponse first = invoke(v1, log);
        assertFalse(first.failed(), SandboxStack.text(first.payload()) + log);
        assertTrue(first.coldStart() && first.restored(), "a cold start that restored: " + first);
        JsonNode body = JSON.readTree(first.payload());
        assertEquals(token, body.get("token").asText(), "the module-level value set by the snapshot's Init");
        assertEquals(1, body.get("calls").asInt());
        assertTrue(log.stream().noneMatch(l -> l.startsWith("INIT ran")), "Init ran in the restored env: " + log);
        String report = log.stream().filter(l -> l.startsWith("REPORT")).findFirst().orElseThrow();
        assertTrue(report.contains("\tRestore Duration: ") && report.contains("\tBilled Restore Duration: "), report);
        assertFalse(report.contains("Init Duration"), report);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("RESTORE_REPORT Restore Duration: ")), log.toString());

        // warm: the same restored env, its state moves on
        InvokeResponse second = invoke(v1, log);
        assertFalse(second.coldStart());
        assertEquals(2, JSON.readTree(second.payload()).get("calls").asInt());

        // $LATEST is never restored: it runs Init
        List<String> latestLog = Collections.synchronizedList(new ArrayList<>());
        InvokeResponse latest = invoke(stack.registry.require("snap-py"), latestLog);
        assertTrue(latest.coldStart() && !latest.restored());
        assertTrue(latestLog.stream().anyMatch(l -> l.startsWith("INIT ran")), latestLog.toString());

        // deleting the version deletes its snapshot
        Path dir = stack.registry.snapStart().checkpointDir("snap-py", "1");
        assertTrue(Files.isDirectory(dir));
        service.retire("snap-py");
        stack.registry.deleteVersion("snap-py", "1");
        assertFalse(Files.exists(dir), "snapshot of a deleted version");
    }

    /** Acceptance 3: AWS's Java RIC runs the function's org.crac resources at publish and at each restore. */
    @Test
    void javaCracResourcesSeeBeforeCheckpointAtPublishAndAfterRestoreOnEachRestore() throws IOException {
        FunctionConfig v1 = publishSnapStart(example("snapstart-java", "snap-java", Map.of()));
        assertTrue(publishLog.stream().anyMatch(l -> l.startsWith("beforeCheckpoint #1")), publishLog.toString());
        assertTrue(publishLog.stream().noneMatch(l -> l.startsWith("afterRestore")), publishLog.toString());
        String token = initToken(publishLog);
        for (int i = 0; i < 2; i++) {
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            InvokeResponse r = invoke(v1, log);
            assertFalse(r.failed(), SandboxStack.text(r.payload()) + log);
            assertTrue(r.restored(), "restore " + i + ": " + r);
            JsonNode body = JSON.readTree(r.payload());
            assertEquals(1, body.get("beforeCheckpointCalls").asInt(), body.toString());
            assertEquals(1, body.get("afterRestoreCalls").asInt(), "afterRestore once per restored env: " + body);
            assertEquals(token, body.get("initToken").asText());
            assertTrue(log.stream().anyMatch(l -> l.startsWith("afterRestore #1")), log.toString());
            assertTrue(log.stream().noneMatch(l -> l.startsWith("INIT ran")), log.toString());
            service.retire("snap-java"); // the next invoke restores again instead of reusing this env
        }
    }

    /** The Python runtime's hooks (AWS's snapshot_restore_py API), with examples/snapstart-python. */
    @Test
    void pythonHooksRunAroundTheSnapshotAndAFailingOneFailsLikeLambda() throws IOException {
        FunctionConfig v1 = publishSnapStart(example("snapstart-python", "snap-hooks-py", Map.of()));
        assertTrue(publishLog.stream().anyMatch(l -> l.startsWith("before_snapshot ran")), publishLog.toString());
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        InvokeResponse r = invoke(v1, log);
        assertFalse(r.failed(), SandboxStack.text(r.payload()) + log);
        JsonNode body = JSON.readTree(r.payload());
        assertEquals(1, body.get("restores").asInt());
        assertEquals(initToken(publishLog), body.get("token").asText());

        publishLog.clear();
        Snapshotter.SnapshotException e = assertThrows(Snapshotter.SnapshotException.class,
                () -> publishSnapStart(example("snapstart-python", "snap-before-py", Map.of("FAIL_BEFORE_SNAPSHOT", "1"))));
        assertEquals("Runtime.BeforeSnapshotError", e.errorType());

        FunctionConfig after = publishSnapStart(example("snapstart-python", "snap-after-py",
                Map.of("FAIL_AFTER_RESTORE", "1")));
        List<String> afterLog = Collections.synchronizedList(new ArrayList<>());
        InvokeResponse failed = invoke(after, afterLog);
        assertEquals("Runtime.AfterRestoreError", failed.errorType(), afterLog.toString());
    }

    /** Issue 8: image functions get snapshots too (here: the provided image, the runtime as ENTRYPOINT). */
    @Test
    void anImageFunctionRestoresLikeAZipFunction() throws IOException {
        String script = new String(Files.readAllBytes(SandboxStack.copyFunction("snap-hooks", tmp).resolve("bootstrap")),
                StandardCharsets.UTF_8);
        dev.flint.function.ImageCode image = dev.flint.function.ImageFunctions.resolve(stack.images, "provided",
                new dev.flint.function.ImageCode.ImageOverrides(List.of("/bin/sh", "-c", script, "bootstrap"),
                        List.of("handler.unused"), "/tmp"));
        FunctionConfig v1 = publishSnapStart(new FunctionDefinition("snap-image", null, null, null,
                SandboxStack.FAST_MB, 10, Map.of(), null, null, image));
        assertTrue(v1.isImage());
        String token = initToken(publishLog);
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        InvokeResponse r = invoke(v1, log);
        assertFalse(r.failed(), SandboxStack.text(r.payload()) + log);
        assertTrue(r.restored(), r + " " + log);
        assertEquals(token, JSON.readTree(r.payload()).get("token").asText());
        assertTrue(log.stream().noneMatch(l -> l.startsWith("INIT ran")), log.toString());
    }

    @Test
    void eightConcurrentInvokesAllRestoreFromOneSnapshot() throws Exception {
        FunctionConfig v1 = publishSnapStart(hooks("snap-eight", Map.of()));
        String token = initToken(publishLog);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<InvokeResponse>> results = new ArrayList<>();
            List<List<String>> logs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                List<String> log = Collections.synchronizedList(new ArrayList<>());
                logs.add(log);
                Callable<InvokeResponse> call = () -> invoke(v1, log);
                results.add(pool.submit(call));
            }
            for (int i = 0; i < 8; i++) {
                InvokeResponse r = results.get(i).get();
                assertFalse(r.failed(), SandboxStack.text(r.payload()) + logs.get(i));
                assertTrue(r.coldStart() && r.restored(), "invoke " + i + " restored: " + r + logs.get(i));
                JsonNode body = JSON.readTree(r.payload());
                assertEquals(token, body.get("token").asText());
                assertEquals(1, body.get("restores").asInt(), "the runtime's after-restore step ran once");
                assertTrue(logs.get(i).contains("AFTER_RESTORE hook"), logs.get(i).toString());
                assertTrue(logs.get(i).stream().noneMatch(l -> l.startsWith("INIT ran")), logs.get(i).toString());
            }
            assertEquals(8, service.environmentsCreated());
        } finally {
            pool.shutdownNow();
        }
        stack.registry.delete("snap-eight");
        assertFalse(Files.exists(stack.registry.snapStart().root().resolve("snap-eight")), "snapshots of a deleted function");
    }

    @Test
    void aFailingBeforeSnapshotHookFailsTheOptimizationAndInvokesRunInit() {
        FunctionDefinition def = hooks("snap-before", Map.of("FAIL_BEFORE_SNAPSHOT", "1"));
        Snapshotter.SnapshotException e = assertThrows(Snapshotter.SnapshotException.class, () -> publishSnapStart(def));
        assertEquals("Runtime.BeforeSnapshotError", e.errorType());
        assertEquals("Off", stack.registry.snapStart().optimizationStatus("snap-before", "1"));
        assertTrue(stack.registry.snapStart().failure("snap-before", "1").orElseThrow()
                .startsWith("Runtime.BeforeSnapshotError"));
        // the version has no snapshot: its cold start initialises (and fails the same way on demand? no:
        // FAIL_BEFORE_SNAPSHOT only acts under snap-start, so an on-demand Init succeeds)
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        InvokeResponse r = invoke(stack.registry.getVersion("snap-before", "1"), log);
        assertFalse(r.failed(), SandboxStack.text(r.payload()) + log);
        assertTrue(r.coldStart() && !r.restored());
    }

    @Test
    void aFailingAfterRestoreHookIsARestoreError() {
        FunctionConfig v1 = publishSnapStart(hooks("snap-after", Map.of("FAIL_AFTER_RESTORE", "1")));
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        InvokeResponse r = invoke(v1, log);
        assertTrue(r.failed());
        assertEquals("Runtime.AfterRestoreError", r.errorType(), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("RESTORE_REPORT Restore Duration: ")
                && l.contains("\tStatus: error\tError Type: Runtime.AfterRestoreError")), log.toString());
        assertEquals(0, service.liveEnvironments(), "the failed env is gone");
    }

    @Test
    void aRuntimeThatExitsAfterRestoreIsAnExitError() {
        FunctionConfig v1 = publishSnapStart(hooks("snap-exit", Map.of("EXIT_AFTER_RESTORE", "1")));
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        InvokeResponse r = invoke(v1, log);
        assertTrue(r.failed());
        assertEquals("Runtime.ExitError", r.errorType(), log.toString());
        assertTrue(SandboxStack.text(r.payload()).contains("exit status 7"), SandboxStack.text(r.payload()));
    }

    @Test
    void aRestoreBeyondTenSecondsTimesOut() {
        FunctionConfig v1 = publishSnapStart(hooks("snap-hang", Map.of("HANG_AFTER_RESTORE", "1")));
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        InvokeResponse r = invoke(v1, log);
        assertTrue(r.failed());
        assertEquals("Runtime.RestoreHookUserTimeout", r.errorType(), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("RESTORE_REPORT") && l.contains("Status: timeout")),
                log.toString());
    }

    @Test
    void aSnapshotThatCannotBeRestoredFallsBackToInitAndSaysSo() throws IOException {
        FunctionConfig v1 = publishSnapStart(hooks("snap-broken", Map.of()));
        Path dir = stack.registry.snapStart().checkpointDir("snap-broken", "1");
        try (DirectoryStream<Path> pages = Files.newDirectoryStream(dir, "pages-*.img")) {
            for (Path p : pages) {
                Files.delete(p); // CRIU cannot restore memory without its pages
            }
        }
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        InvokeResponse r = invoke(v1, log);
        assertFalse(r.failed(), SandboxStack.text(r.payload()) + log);
        assertTrue(r.coldStart() && !r.restored());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("flint: restore from the snapshot")
                && l.contains("running a normal Init instead")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("INIT ran")), log.toString());
        String report = log.stream().filter(l -> l.startsWith("REPORT")).findFirst().orElseThrow();
        assertTrue(report.contains("Init Duration"), report);
    }
}
