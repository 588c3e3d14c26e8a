/**
 * {@code flint probe}: a battery of checks run from inside a sandbox by the static {@code
 * flint-probe} (bind-mounted read-only), plus what only the host can see (the host uid of the
 * sandbox's processes). Each check states what an isolated env should see and what was seen;
 * {@link dev.flint.probe.Prober#matrix} repeats the battery with one layer switched off per column.
 */
package dev.flint.probe;
