package dev.flint.invoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.cgroup.CgroupVersion;
import dev.flint.cgroup.Cgroups;
import dev.flint.runtimeapi.Invocation;
import dev.flint.sandbox.CheckpointManifest;
import dev.flint.sandbox.SandboxLauncher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint of an initialised env and restores from it, at the env level (below InvokeService). */
@RequiresSandboxHost(images = {"python3.11"})
class SnapshotEnvIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void restoredEnvAnswersWithTheStateOfItsInit() throws Exception {
        try (SandboxStack stack = new SandboxStack(tmp.resolve("state"))) {
            FunctionSpec fn = stack.python("snap-counter", "snap-counter", 10, tmp);
            SandboxLauncher launcher = new SandboxLauncher(Cgroups.detect(), SandboxStack.RUN_DIR);
            Path envs = SandboxStack.RUN_DIR.resolve("envs");
            Path dir = tmp.resolve("checkpoint");
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            SandboxEnvironment template = SandboxEnvironment.forSnapshot(launcher, fn, envs,
                    SandboxStack.OWN_PREFIX + "snap-t", SandboxStack.REGION);
            template.log(log::add);
            CheckpointManifest m;
            try {
                assertInstanceOf(InitResult.Ready.class, template.init(Duration.ofSeconds(10)));
                m = template.checkpoint(dir);
            } finally {
                template.close();
            }
            System.out.println("checkpoint: " + m.dumpMicros() / 1000 + " ms, " + m.imageBytes() / 1024 + " KB");
            List<String> tokens = new ArrayList<>();
            List<String> uids = new ArrayList<>();
            // Two restored envs alive at once: each in its own host uid range (the second one's
            // userns image is rewritten), both with the state of the one Init.
            List<SandboxEnvironment> envs2 = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    List<String> rlog = Collections.synchronizedList(new ArrayList<>());
                    SandboxEnvironment env = new SandboxEnvironment(launcher, fn, envs,
                            SandboxStack.OWN_PREFIX + "snap-r" + i, SandboxStack.REGION, dir);
                    envs2.add(env);
                    env.log(rlog::add);
                    InitResult r = env.init(Duration.ofSeconds(10));
                    assertInstanceOf(InitResult.Restored.class, r, () -> r + " log " + rlog);
                    System.out.println("restore " + i + ": " + r.durationNanos() / 1e6 + " ms");
                    // in its own cgroup (memory included: the restored pages are charged there) and uid range
                    int pid = env.sandbox().pid();
                    String cgroups = Files.readString(Path.of("/proc/" + pid + "/cgroup"));
                    String name = env.sandbox().cgroup().name();
                    boolean v2 = Cgroups.detect().version() == CgroupVersion.V2;
                    assertTrue(cgroups.lines()
                            .filter(l -> l.matches("\\d+:(memory|pids|cpu|cpuacct):.*") || (v2 && l.startsWith("0::")))
                            .allMatch(l -> l.endsWith("/flint/" + name)), cgroups);
                    assertTrue(env.maxMemoryUsedBytes() > 4 << 20, "peak " + env.maxMemoryUsedBytes());
                    uids.add(Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                            .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow());
                    InvokeOutcome o = env.invoke(new Invocation("req-" + i, "{}".getBytes(StandardCharsets.UTF_8),
                            System.currentTimeMillis() + 10_000, "arn", null, null, null), Duration.ofSeconds(10));
                    InvokeOutcome.Success s = assertInstanceOf(InvokeOutcome.Success.class, o, () -> o + " log " + rlog);
                    JsonNode body = JSON.readTree(s.payload());
                    assertEquals(1, body.get("calls").asInt());
                    assertTrue(rlog.stream().noneMatch(l -> l.contains("INIT ran")), rlog.toString());
                    tokens.add(body.get("token").asText());
                }
            } finally {
                envs2.forEach(SandboxEnvironment::close);
            }
            assertEquals(1, tokens.stream().distinct().count(), tokens.toString());
            assertEquals(2, uids.stream().distinct().count(), "two live restores share host uids: " + uids);
        }
    }
}
