package dev.flint.invoke;

import dev.flint.runtimeapi.Invocation;
import java.time.Duration;

/**
 * One execution environment: a sandbox running a Lambda runtime, with its Runtime API. The
 * scheduler works against this interface, so its tests can run on a fake.
 */
interface Environment extends AutoCloseable {
    String id();

    /** Runs Init: until the runtime's first {@code next}, an init error, an exit, or the limit. */
    InitResult init(Duration limit);

    /** Hands one event to the runtime and waits for its answer, up to timeout. */
    InvokeOutcome invoke(Invocation invocation, Duration timeout);

    /** The env cgroup's peak memory use so far. */
    long maxMemoryUsedBytes();

    /** Where the runtime's output lines go from now on. */
    void log(LogSink sink);

    @Override
    void close();
}
