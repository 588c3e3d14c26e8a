package dev.flint.invoke;

/** Where an env's log lines go: the function's stdout/stderr and flint's START/END/REPORT lines. */
@FunctionalInterface
public interface LogSink {
    void line(String line);
}
