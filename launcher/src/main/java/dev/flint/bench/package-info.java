/**
 * Measurement harnesses. {@link dev.flint.bench.SandboxBench} times sandbox create→exit through
 * the Java API in one JVM; {@link dev.flint.bench.CompareTable} puts that next to external tools
 * timed by hyperfine ({@code scripts/bench-sandbox.sh}). {@link dev.flint.bench.FunctionBench}
 * ({@code flint bench}) measures a function's cold starts, SnapStart restores and warm invokes;
 * {@link dev.flint.bench.RestoreBreakdown} splits restores by CRIU's own log and
 * {@link dev.flint.bench.SnapStartSummary} judges them against issue 5's targets
 * ({@code scripts/bench-snapstart.sh}). All percentiles use one definition
 * ({@link dev.flint.bench.Percentiles}, nearest rank) or HdrHistogram ({@link dev.flint.bench.Summary}),
 * so the rows of a table compare like with like. Figures are recorded in {@code docs/benchmarks.md}.
 */
package dev.flint.bench;
