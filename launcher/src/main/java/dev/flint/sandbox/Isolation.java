package dev.flint.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The isolation layers of a sandbox that can be switched off for research; {@link #DEFAULT} has
 * every one on. See docs/isolation.md for what each blocks and costs.
 *
 * @param seccomp the command's system call filter
 * @param seccompDeny with {@link Seccomp#LIST}: the syscall names to deny (checked by flint-init)
 * @param caps the command's bounding set by name, or null for the default: the container
 *     default set for uid 0 inside, nothing for any other uid
 * @param hostNetwork share the host's network namespace instead of a private one with only lo
 * @param userns map the sandbox's uids to an unprivileged host range (a user namespace)
 */
public record Isolation(Seccomp seccomp, List<String> seccompDeny, List<String> caps, boolean hostNetwork,
        boolean userns) {

    /** Every layer on. */
    public static final Isolation DEFAULT = new Isolation(Seccomp.DEFAULT, List.of(), null, false, true);

    private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,64}");
    private static final Pattern CAP = Pattern.compile("(?i)(cap_)?[a-z_]{1,32}");

    /** The filter mode. */
    public enum Seccomp { OFF, DEFAULT, LIST }

    public Isolation {
        Objects.requireNonNull(seccomp, "seccomp");
        seccompDeny = List.copyOf(Objects.requireNonNull(seccompDeny, "seccompDeny"));
        caps = caps == null ? null : List.copyOf(caps);
        if (seccomp == Seccomp.LIST && seccompDeny.isEmpty()) {
            throw new InvalidSpecException("a seccomp deny list needs at least one syscall name");
        }
        for (String n : seccompDeny) {
            if (!NAME.matcher(n).matches()) {
                throw new InvalidSpecException("'" + n + "' is not a syscall name (lowercase letters, digits, '_')");
            }
        }
        if (caps != null) {
            for (String c : caps) {
                if (!CAP.matcher(c).matches()) {
                    throw new InvalidSpecException("'" + c + "' is not a capability name (e.g. chown, CAP_NET_RAW)");
                }
            }
        }
    }

    public Isolation withSeccomp(Seccomp mode, List<String> deny) {
        return new Isolation(mode, deny, caps, hostNetwork, userns);
    }

    public Isolation withCaps(List<String> keep) {
        return new Isolation(seccomp, seccompDeny, keep, hostNetwork, userns);
    }

    public Isolation withHostNetwork(boolean v) {
        return new Isolation(seccomp, seccompDeny, caps, v, userns);
    }

    public Isolation withUserns(boolean v) {
        return new Isolation(seccomp, seccompDeny, caps, hostNetwork, v);
    }

    /** One line per layer weaker than the default, for the CLI to print as warnings. */
    public List<String> weakenings() {
        List<String> out = new ArrayList<>();
        if (seccomp == Seccomp.OFF) {
            out.add("seccomp is off: mount, unshare, keyctl, bpf, ptrace ... reach the kernel (--seccomp off)");
        } else if (seccomp == Seccomp.LIST) {
            out.add("seccomp denies only the " + seccompDeny.size() + " syscall(s) of the given list, not the default's");
        }
        if (caps != null) {
            out.add("capabilities: the command keeps " + (caps.isEmpty() ? "none" : String.join(",", caps))
                    + " instead of the default (--caps)");
        }
        if (hostNetwork) {
            out.add("the sandbox shares the host's network namespace: every interface and the host's loopback (--network host)");
        }
        if (!userns) {
            out.add("no user namespace: root inside is root on the host, uids are the host's (--no-userns)");
        }
        return out;
    }
}
