package dev.flint.runtimeapi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a runtime's bootstrap as a plain host process against a TCP Runtime API; cleans up after. */
final class HostRuntimeFixture implements AutoCloseable {

    final RuntimeApiServer server = RuntimeApiServer.startTcpForTests(RuntimeApiListener.NONE);
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    static Path projectRoot() {
        return Path.of(System.getProperty("flint.home", System.getProperty("user.dir")));
    }

    Process start(List<String> command, Path taskRoot, Map<String, String> extraEnv) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("AWS_LAMBDA_RUNTIME_API", server.runtimeApiAddress());
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.putAll(extraEnv);
        Path log = Files.createTempFile("flint-runtime-", ".log");
        logs.add(log);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** Everything the runtime printed so far, for assertions and failure messages. */
    String output() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Path log : logs) {
            sb.append(Files.readString(log));
        }
        return sb.toString();
    }

    @Override
    public void close() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        server.close();
        for (Path log : logs) {
            Files.deleteIfExists(log);
        }
    }
}
