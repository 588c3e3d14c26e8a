/**
 * Measurement harnesses. {@link dev.flint.bench.SandboxBench} times sandbox create→exit through
 * the Java API in one JVM; {@link dev.flint.bench.CompareTable} puts that next to external tools
 * timed by hyperfine ({@code scripts/bench-sandbox.sh}). All percentiles use one definition
 * ({@link dev.flint.bench.Percentiles}, nearest rank), so the rows of a table compare like with
 * like. Figures are recorded in {@code docs/benchmarks.md}.
 */
package dev.flint.bench;
