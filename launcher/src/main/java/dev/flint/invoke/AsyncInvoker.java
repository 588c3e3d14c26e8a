package dev.flint.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flint.function.ResourceNotFoundException;
import dev.flint.store.AsyncEvent;
import dev.flint.store.AsyncEventStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Event (asynchronous) invocations: accepted events are stored durably before the caller gets
 * its 202, then run by worker threads. A failed attempt is retried after the configured delays
 * (Lambda: ~1 and ~2 minutes, at most 2 retries); throttled attempts are requeued with backoff
 * and do not count. When an event succeeds, or exhausts its attempts or its maximum age, a
 * destination record goes to the OnSuccess / OnFailure function; without a destination, failures
 * are kept as dead letters ({@code flint dlq}).
 */
public final class AsyncInvoker implements AutoCloseable {
    /** Lambda's async payload limit: 1 MB (256 KB before Oct 2025). */
    public static final int MAX_EVENT_BYTES = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration THROTTLE_BACKOFF_MIN = Duration.ofSeconds(1);
    private static final Duration THROTTLE_BACKOFF_MAX = Duration.ofMinutes(5);

    /**
     * @param workers threads running events
     * @param retryDelays delay before retry 1, 2 (Lambda: 1 min, 2 min)
     * @param pollInterval how often idle workers look for due events even without a wake-up
     * @param lease how long a claimed event stays invisible to other workers (longer than any
     *     function timeout; after a crash the event becomes due again when it expires)
     */
    public record Settings(int workers, List<Duration> retryDelays, Duration pollInterval, Duration lease) {
        public static Settings defaults() {
            return new Settings(Math.max(4, Runtime.getRuntime().availableProcessors() * 2),
                    List.of(Duration.ofMinutes(1), Duration.ofMinutes(2)), Duration.ofSeconds(1), Duration.ofMinutes(16));
        }
    }

    /** What an event's function resolves to when it runs. */
    public record Target(FunctionSpec spec, InvokeOptions options, String functionArn, int maximumRetryAttempts,
            Duration maximumEventAge, String onSuccessDestination, String onFailureDestination) {}

    /** Looks a function (and qualifier) up when its event runs; throws when it no longer exists. */
    @FunctionalInterface
    public interface Targets {
        Target resolve(String functionName, String qualifier);
    }

    /** A destination ARN → the function name and qualifier it names. */
    @FunctionalInterface
    public interface DestinationParser {
        String[] parse(String functionArn);
    }

    private final AsyncEventStore store;
    private final InvokeService service;
    private final Targets targets;
    private final DestinationParser destinations;
    private final Settings settings;
    private final LogSink log;
    private final List<Thread> workers = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private volatile boolean closed;
    /** System.nanoTime() deadlines of retries due sooner than the next idle poll. */
    private final ConcurrentSkipListSet<Long> wakeUps = new ConcurrentSkipListSet<>();

    public AsyncInvoker(AsyncEventStore store, InvokeService service, Targets targets, DestinationParser destinations,
            Settings settings, LogSink log) {
        this.store = store;
        this.service = service;
        this.targets = targets;
        this.destinations = destinations;
        this.settings = settings;
        this.log = log;
    }

    /** Recovers events a crashed daemon had in flight, then starts the workers. */
    public AsyncInvoker start() {
        // One daemon owns the queue: at start every lease is a dead daemon's, so all are expired,
        // however long it was (an earlier lease setting, or a clock that stepped back).
        store.recoverExpiredLeases(Instant.ofEpochMilli(Long.MAX_VALUE));
        for (int i = 0; i < settings.workers(); i++) {
            Thread t = new Thread(this::workLoop, "flint-async-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        return this;
    }

    /**
     * Accepts an event: validated, then committed to the store before this returns (the caller
     * answers 202 only after that). Returns the request id.
     */
    public String submit(String functionName, String qualifier, byte[] payload) {
        return submit(UUID.randomUUID().toString(), functionName, qualifier, payload);
    }

    /** As {@link #submit(String, String, byte[])}, with the caller's request id. */
    public String submit(String requestId, String functionName, String qualifier, byte[] payload) {
        byte[] event = payload == null || payload.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : payload;
        if (event.length > MAX_EVENT_BYTES) {
            throw new InvokeException("RequestTooLargeException", 413,
                    "Request must be smaller than " + MAX_EVENT_BYTES + " bytes for the InvokeFunction operation");
        }
        InvokeService.validatePayload(event);
        Instant now = Instant.now();
        store.enqueue(new AsyncEvent(requestId, functionName, qualifier, event, 0, now, now));
        wake();
        return requestId;
    }

    private void wake() {
        lock.lock();
        try {
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void workLoop() {
        while (!closed) {
            List<AsyncEvent> due;
            try {
                due = store.claimDue(Instant.now(), 1, settings.lease());
            } catch (RuntimeException e) {
                log.line("async: cannot read the queue: " + e.getMessage());
                due = List.of();
            }
            if (due.isEmpty()) {
                lock.lock();
                try {
                    long wait = settings.pollInterval().toNanos();
                    Long next = wakeUps.ceiling(Long.MIN_VALUE);
                    if (next != null) {
                        long until = next - System.nanoTime();
                        if (until <= 0) {
                            wakeUps.remove(next); // a retry is due: claim instead of waiting
                            wait = 0;
                        } else {
                            wait = Math.min(wait, until);
                        }
                    }
                    if (!closed && wait > 0) {
                        work.awaitNanos(wait);
                    }
                } catch (InterruptedException e) {
                    return;
                } finally {
                    lock.unlock();
                }
                continue;
            }
            for (AsyncEvent e : due) {
                try {
                    run(e);
                } catch (RuntimeException ex) {
                    // The lease expires and the event runs again; nothing is lost.
                    log.line("async: event " + e.id() + " failed in flint: " + ex);
                }
            }
        }
    }

    private void run(AsyncEvent e) {
        Target target;
        try {
            target = targets.resolve(e.functionName(), e.qualifier());
        } catch (RuntimeException failure) {
            if (failure instanceof ResourceNotFoundException) {
                store.deadLetter(e.id(), record(e, null, "RetriesExhausted", e.attempts(), null),
                        "function not found: " + failure.getMessage());
            } else {
                // Not the event's fault (an image missing, the store busy): try again later, as for a throttle.
                store.reschedule(e.id(), e.attempts(), Instant.now().plus(throttleBackoff(e)), failure.toString());
            }
            return;
        }
        Instant now = Instant.now();
        if (Duration.between(e.enqueuedAt(), now).compareTo(target.maximumEventAge()) > 0) {
            fail(e, target, "EventAgeExceeded", e.attempts(), null);
            return;
        }
        InvokeResponse r;
        try {
            r = service.invoke(target.spec(), e.payload(), log, target.options().withRequestId(e.id()));
        } catch (TooManyRequestsException throttled) {
            // Reserved concurrency 0 throttles everything: events go straight to the failure
            // destination (or the dead letters), without retries (contract §8).
            if (Integer.valueOf(0).equals(target.options().reservedConcurrency())) {
                fail(e, target, "RetriesExhausted", e.attempts(), null);
                return;
            }
            store.reschedule(e.id(), e.attempts(), now.plus(throttleBackoff(e)), "throttled: " + throttled.reason());
            return;
        }
        int attempts = e.attempts() + 1;
        if (!r.failed()) {
            if (target.onSuccessDestination() != null) {
                deliver(target.onSuccessDestination(), record(e, target, "Success", attempts, r));
            }
            store.complete(e.id());
            return;
        }
        if (attempts <= target.maximumRetryAttempts()) {
            Duration delay = settings.retryDelays().get(Math.min(attempts - 1, settings.retryDelays().size() - 1));
            // the delay runs from the failed attempt's end, not its start (a slow function still waits)
            store.reschedule(e.id(), attempts, Instant.now().plus(delay), r.errorType());
            wakeAt(delay);
            return;
        }
        fail(e, target, "RetriesExhausted", attempts, r);
    }

    private void fail(AsyncEvent e, Target target, String condition, int attempts, InvokeResponse r) {
        byte[] rec = record(e, target, condition, attempts, r);
        if (target.onFailureDestination() != null) {
            deliver(target.onFailureDestination(), rec);
            store.complete(e.id());
        } else {
            store.deadLetter(e.id(), rec, condition);
        }
    }

    /** Destinations are functions: the record is queued as an event of the destination function. */
    private void deliver(String destinationArn, byte[] record) {
        try {
            String[] fq = destinations.parse(destinationArn);
            submit(fq[0], fq[1], record);
        } catch (RuntimeException ex) {
            // Lambda counts a DestinationDeliveryFailure and drops the record; the event is done
            log.line("async: cannot deliver to " + destinationArn + ": " + ex.getMessage());
        }
    }

    private void wakeAt(Duration delay) {
        // Idle workers poll every pollInterval; a retry due sooner shortens their wait to it.
        if (delay.compareTo(settings.pollInterval()) < 0) {
            wakeUps.add(System.nanoTime() + delay.toNanos());
            wake();
        }
    }

    /** As old as the event is, between 1 s and 5 min: roughly doubling waits, as Lambda's backoff. */
    private static Duration throttleBackoff(AsyncEvent e) {
        Duration age = Duration.between(e.enqueuedAt(), Instant.now());
        if (age.compareTo(THROTTLE_BACKOFF_MIN) < 0) {
            return THROTTLE_BACKOFF_MIN;
        }
        return age.compareTo(THROTTLE_BACKOFF_MAX) > 0 ? THROTTLE_BACKOFF_MAX : age;
    }

    /** Lambda's destination record (contract §8). */
    static byte[] record(AsyncEvent e, Target target, String condition, int attempts, InvokeResponse r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("version", "1.0");
        n.put("timestamp", Instant.now().toString());
        ObjectNode rc = n.putObject("requestContext");
        rc.put("requestId", e.id());
        rc.put("functionArn", target == null ? e.functionName() : target.functionArn());
        rc.put("condition", condition);
        rc.put("approximateInvokeCount", attempts);
        n.set("requestPayload", parseOrText(e.payload()));
        if (r != null) {
            ObjectNode resp = n.putObject("responseContext");
            resp.put("statusCode", 200);
            resp.put("executedVersion", r.executedVersion());
            if (r.functionError() != null) {
                resp.put("functionError", r.functionError());
            }
            n.set("responsePayload", parseOrText(r.payload()));
        }
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode parseOrText(byte[] b) {
        try {
            return JSON.readTree(b);
        } catch (IOException ex) {
            return JSON.getNodeFactory().textNode(new String(b, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        closed = true;
        wake();
        for (Thread t : workers) {
            t.interrupt();
        }
        for (Thread t : workers) {
            try {
                t.join(5000);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
