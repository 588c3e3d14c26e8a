package dev.flint.probe;

import java.util.List;

/**
 * The battery's results under one isolation setting.
 *
 * @param setting the setting's name ("default", "no-seccomp", ...)
 * @param checks the checks, in battery order
 */
public record ProbeReport(String setting, List<ProbeCheck> checks) {
    public ProbeReport {
        checks = List.copyOf(checks);
    }

    public boolean allPass() {
        return checks.stream().allMatch(ProbeCheck::pass);
    }

    /** The check with this id, or null. */
    public ProbeCheck check(String id) {
        return checks.stream().filter(c -> c.id().equals(id)).findFirst().orElse(null);
    }
}
