/**
 * Execution environments and the scheduler. An env ({@link dev.flint.invoke.Environment}) is a
 * sandbox running a Lambda runtime with its own Runtime API socket; {@link
 * dev.flint.invoke.InvokeService} keeps warm envs per function version, creates one on a cold
 * start, resets it after a timeout, crash or OOM, enforces concurrency (429 with Lambda's
 * Reason), shuts idle envs down after a keep-alive or under a memory budget, and writes Lambda's
 * START/END/REPORT lines with measured values. {@code AsyncInvoker} runs Event invocations from
 * a durable queue with retries and destinations.
 */
package dev.flint.invoke;
