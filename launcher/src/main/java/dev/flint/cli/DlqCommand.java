package dev.flint.cli;

import dev.flint.store.AsyncEvent;
import dev.flint.store.Database;
import dev.flint.store.DeadLetter;
import dev.flint.store.SqliteAsyncEventStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flint dlq}: Event invocations that exhausted their attempts (or their maximum age) and
 * had no OnFailure destination. Works on flint.db directly, so also while the daemon runs: a
 * replayed event is back in the queue and the daemon's workers pick it up.
 */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "List and replay dead-lettered asynchronous invocations.",
        subcommands = {DlqCommand.ListCommand.class, DlqCommand.Replay.class})
final class DlqCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters, newest first.")
    static final class ListCommand implements Callable<Integer> {
        @Option(names = "--max", defaultValue = "100", paramLabel = "N", description = "at most N (default: ${DEFAULT-VALUE})")
        int max;

        @Option(names = "--records", description = "print each one's destination-style record (JSON) too")
        boolean records;

        @Override
        public Integer call() {
            Host.requireRoot("flint dlq list");
            try (Database db = Database.open(Host.stateDir())) {
                List<DeadLetter> letters = new SqliteAsyncEventStore(db).deadLetters(max);
                System.out.printf("%-36s %-24s %-10s %-20s %s%n", "ID", "FUNCTION", "QUALIFIER", "REASON", "AT");
                for (DeadLetter d : letters) {
                    System.out.printf("%-36s %-24s %-10s %-20s %s%n", d.id(), d.functionName(),
                            d.qualifier() == null ? "-" : d.qualifier(), d.reason(), d.at());
                    if (records) {
                        System.out.println("  " + new String(d.record(), StandardCharsets.UTF_8));
                    }
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Put dead letters back in the queue (with their attempts reset).")
    static final class Replay implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "ID")
        List<String> ids;

        @Override
        public Integer call() {
            Host.requireRoot("flint dlq replay");
            int missing = 0;
            try (Database db = Database.open(Host.stateDir())) {
                SqliteAsyncEventStore store = new SqliteAsyncEventStore(db);
                for (String id : ids) {
                    Optional<AsyncEvent> e = store.replay(id);
                    if (e.isPresent()) {
                        System.err.println("replayed " + id + " → " + e.get().functionName());
                    } else {
                        System.err.println("no dead letter " + id);
                        missing++;
                    }
                }
            }
            return missing == 0 ? ExitCodes.OK : ExitCodes.INVALID_INPUT;
        }
    }
}
