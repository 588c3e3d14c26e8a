package dev.flint.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flint.sandbox.Isolation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's text forms and the matrix's settings. */
class ProbeTableTest {
    private static final ProbeCheck MOUNT = new ProbeCheck("mount", "mount(2) a tmpfs", "denied", "EPERM", true);
    private static final ProbeCheck EGRESS = new ProbeCheck("egress", "network egress", "ENETUNREACH", "connected", false);

    @Test
    void oneReportListsEveryCheckAndCountsFailures() {
        String t = ProbeTable.single(new ProbeReport("default", List.of(MOUNT, EGRESS)));
        assertTrue(t.startsWith("check "), t);
        assertTrue(t.contains("mount(2) a tmpfs") && t.contains("| EPERM ") && t.contains("| pass"), t);
        assertTrue(t.contains("| FAIL") && t.endsWith("1 of 2 checks fail (default)\n"), t);
    }

    @Test
    void theMatrixHasAColumnPerSettingAndShowsWhatFailed() {
        ProbeReport a = new ProbeReport("default", List.of(MOUNT, new ProbeCheck("egress", "network egress", "ENETUNREACH", "ENETUNREACH", true)));
        ProbeReport b = new ProbeReport("host-network", List.of(MOUNT, EGRESS));
        String t = ProbeTable.matrix(List.of(a, b));
        String[] lines = t.split("\n");
        assertEquals(4, lines.length, t);
        assertTrue(lines[0].contains("default") && lines[0].contains("host-network"), t);
        assertTrue(lines[3].contains("pass") && lines[3].contains("FAIL: connected"), t);
    }

    @Test
    void theMatrixSwitchesOffOneLayerPerColumn() {
        var m = Prober.matrixSettings(Isolation.DEFAULT);
        assertEquals(List.of("default", "no-seccomp", "no-userns", "host-network"), List.copyOf(m.keySet()));
        assertEquals(Isolation.Seccomp.OFF, m.get("no-seccomp").seccomp());
        assertEquals(0, m.get("no-seccomp").weakenings().size() - 1);
        assertTrue(m.get("host-network").hostNetwork() && !m.get("no-userns").userns());
    }
}
