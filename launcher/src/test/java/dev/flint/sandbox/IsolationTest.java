package dev.flint.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The isolation switches: validation, and one warning per weakened layer. */
class IsolationTest {

    @Test
    void theDefaultWeakensNothing() {
        assertEquals(List.of(), Isolation.DEFAULT.weakenings());
        assertEquals(Isolation.DEFAULT, SandboxSpec.builder(List.of(java.nio.file.Path.of("/l")), List.of("true")).build().isolation());
    }

    @Test
    void eachSwitchGivesOneWarning() {
        Isolation weak = Isolation.DEFAULT.withSeccomp(Isolation.Seccomp.OFF, List.of()).withCaps(List.of())
                .withHostNetwork(true);
        List<String> w = weak.weakenings();
        assertEquals(3, w.size(), w::toString);
        assertTrue(w.get(0).contains("seccomp is off") && w.get(1).contains("keeps none") && w.get(2).contains("host"), w::toString);
        assertTrue(Isolation.DEFAULT.withSeccomp(Isolation.Seccomp.LIST, List.of("mount")).weakenings().get(0)
                .contains("only the 1 syscall(s)"));
    }

    @Test
    void badNamesAreRejectedBeforeTheHost() {
        assertTrue(assertThrows(InvalidSpecException.class,
                () -> Isolation.DEFAULT.withSeccomp(Isolation.Seccomp.LIST, List.of())).getMessage().contains("at least one"));
        assertTrue(assertThrows(InvalidSpecException.class,
                () -> Isolation.DEFAULT.withSeccomp(Isolation.Seccomp.LIST, List.of("Mount;"))).getMessage()
                .contains("'Mount;' is not a syscall name"));
        assertTrue(assertThrows(InvalidSpecException.class,
                () -> Isolation.DEFAULT.withCaps(List.of("net raw"))).getMessage().contains("not a capability name"));
    }
}
