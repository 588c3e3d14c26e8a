/**
 * flint: Lambda-style execution environments on one Linux host.
 *
 * <p>Dependencies point one way: cli → invoke → {function, runtimeapi, sandbox} → {cgroup, image,
 * nativeffi}. Only {@code nativeffi} imports JNA.
 */
package dev.flint;
