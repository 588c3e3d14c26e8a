package dev.flint.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flint.image.Image;
import dev.flint.sandbox.HostLeftovers;
import dev.flint.sandbox.Isolation;
import dev.flint.sandbox.RequiresSandboxHost;
import dev.flint.sandbox.SandboxSpec;
import dev.flint.sandbox.SandboxTestHost;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Acceptance 1 of issue 7: every check passes with the defaults; each layer off shows its failures. */
@RequiresSandboxHost
class ProbeMatrixIT {

    private static Set<String> failed(ProbeReport r) {
        return r.checks().stream().filter(c -> !c.pass()).map(ProbeCheck::id).collect(Collectors.toSet());
    }

    @Test
    void theMatrixShowsWhatEachLayerBlocks() {
        Image img = SandboxTestHost.image();
        HostLeftovers before = HostLeftovers.now();
        Prober prober = new Prober(SandboxTestHost.launcher(), SandboxTestHost.RUN_DIR);
        SandboxSpec.Builder base = SandboxSpec.builder(img.layers(), List.of("probe")).env(img.config().env())
                .tmpMb(32).user(993, 993);
        Map<String, Isolation> settings = Prober.matrixSettings(Isolation.DEFAULT);
        List<ProbeReport> m = prober.matrix(base, settings);
        String table = ProbeTable.matrix(m);
        assertEquals(4, m.size(), table);

        ProbeReport dflt = m.get(0);
        assertTrue(dflt.allPass(), table);
        assertTrue(dflt.checks().size() >= 28, table);

        // Without seccomp, an unprivileged function can make a user namespace (and in it every
        // other namespace) and reach the kernel keyring; the filter mode says so too.
        Set<String> noSeccomp = failed(m.get(1));
        assertTrue(noSeccomp.containsAll(Set.of("seccomp", "unshare-user", "keyring")), table);
        assertFalse(noSeccomp.contains("host-uid") || noSeccomp.contains("egress"), table);

        // Without the user namespace the sandbox's processes are host identities.
        assertEquals(Set.of("host-uid"), failed(m.get(2)), table);

        // With the host's network: other interfaces (and egress when the host has a route).
        Set<String> hostNet = failed(m.get(3));
        assertTrue(hostNet.contains("interfaces"), table);
        assertTrue(Set.of("interfaces", "egress").containsAll(hostNet), table);

        SandboxTestHost.assertNoLeftovers(before);
    }
}
