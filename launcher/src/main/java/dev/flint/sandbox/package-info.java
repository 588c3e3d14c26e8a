/**
 * Sandboxes: a validated {@link dev.flint.sandbox.SandboxSpec}, the {@link
 * dev.flint.sandbox.SandboxLauncher} that creates the cgroup and clones flint-init through
 * libflint, and the {@link dev.flint.sandbox.Sandbox} handle (pid, pidfd, pipes, cgroup) whose
 * close() leaves nothing behind. The only caller of {@code nativeffi}; exposes Java types only.
 *
 * <p>The function's CPU quota is lifted while flint-init sets the sandbox up and applied once it
 * reports ready, so set-up is neither throttled by nor counted against a small function's share.
 */
package dev.flint.sandbox;
