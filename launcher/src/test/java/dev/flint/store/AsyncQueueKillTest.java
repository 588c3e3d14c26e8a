package dev.flint.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No accepted event is lost on kill -9: a child JVM enqueues in a loop and prints each id only
 * after {@code enqueue} returned; the parent kills it with SIGKILL mid-stream, reopens the
 * database and finds every printed id.
 */
class AsyncQueueKillTest {

    static final int EVENTS_BEFORE_KILL = 25;

    @TempDir Path tmp;

    /** The child: {@code Enqueuer <stateDir>} enqueues until killed. */
    public static final class Enqueuer {
        public static void main(String[] args) {
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            Database db = Database.open(Path.of(args[0]));
            AsyncEventStore queue = new SqliteAsyncEventStore(db);
            for (int i = 0; ; i++) {
                String id = "req-" + i;
                queue.enqueue(AsyncEvent.of(id, "fn", null, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8),
                        Instant.now()));
                out.println("enqueued " + id);
            }
        }
    }

    @Test
    void everyAcknowledgedEventSurvivesSigkill() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Enqueuer.class.getName(), tmp.toString());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process child = pb.start();
        List<String> acknowledged = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            while (acknowledged.size() < EVENTS_BEFORE_KILL) {
                String line = r.readLine();
                assertNotNull(line, "child exited early (exit " + (child.isAlive() ? "?" : child.exitValue()) + ")");
                acknowledged.add(line.substring("enqueued ".length()));
            }
            // SIGKILL while it is still enqueueing (no shutdown hooks, no close); through the
            // ProcessHandle, because Process.destroyForcibly also closes our end of its stdout
            assertTrue(child.toHandle().destroyForcibly(), "kill -9 was not sent");
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
            assertEquals(137, child.exitValue(), "killed by SIGKILL");
            String line;
            while ((line = r.readLine()) != null) {
                acknowledged.add(line.substring("enqueued ".length()));
            }
        } finally {
            child.destroyForcibly();
        }
        try (Database db = Database.open(tmp)) {
            SqliteAsyncEventStore queue = new SqliteAsyncEventStore(db, Clock.systemUTC());
            Set<String> stored = new HashSet<>();
            for (AsyncEvent e : queue.claimDue(Instant.now().plus(Duration.ofDays(1)), Integer.MAX_VALUE,
                    Duration.ofMinutes(1))) {
                stored.add(e.id());
                assertEquals("{\"n\":" + e.id().substring(4) + "}", new String(e.payload(), StandardCharsets.UTF_8));
            }
            for (String id : acknowledged) {
                assertTrue(stored.contains(id), "lost acknowledged event " + id + " (stored " + stored.size() + ")");
            }
            assertTrue(queue.pending() >= acknowledged.size());
        }
    }
}
