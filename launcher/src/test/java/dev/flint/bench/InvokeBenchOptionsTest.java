package dev.flint.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvokeBenchOptionsTest {
    private static final Path HOME = Path.of("/repo");

    @Test
    void defaultsAreTheThreeExamplesAtBothMemorySizes() {
        InvokeBenchOptions.Parsed p = InvokeBenchOptions.parse(new String[0], HOME);
        InvokeBenchOptions o = p.options();
        assertEquals(List.of(HOME.resolve("examples/custom-runtime"), HOME.resolve("examples/hello-python"),
                HOME.resolve("examples/hello-java")), o.functions());
        assertEquals(List.of(128, 1769), o.memoriesMb());
        assertEquals(30, o.coldFor("python3.11"));
        assertEquals(10, o.coldFor("java17"));
        assertEquals(3, o.warmupColdFor("provided"));
        assertEquals(1, o.warmupColdFor("java17"));
        assertEquals(300, o.warm());
        assertEquals(Duration.ofSeconds(30), o.budget());
        assertEquals(0, o.settleMillis());
        assertNull(p.json());
    }

    @Test
    void parsesRepeatedFunctionsAndMemories() {
        InvokeBenchOptions.Parsed p = InvokeBenchOptions.parse(new String[] {"--function", "a", "--function", "b",
            "--memory", "512", "--cold", "4", "--cold-java", "2", "--warm", "7", "--warmup-cold", "0",
            "--warmup-warm", "0", "--budget", "5", "--settle-ms", "50", "--timeout", "9", "--quiet",
            "--json", "/tmp/x.json", "--state-dir", "/tmp/s"}, HOME);
        InvokeBenchOptions o = p.options();
        assertEquals(List.of(Path.of("a"), Path.of("b")), o.functions());
        assertEquals(List.of(512), o.memoriesMb());
        assertEquals(4, o.cold());
        assertEquals(2, o.coldJava());
        assertEquals(7, o.warm());
        assertEquals(0, o.warmupColdFor("java17"));
        assertEquals(Duration.ofSeconds(5), o.budget());
        assertEquals(50, o.settleMillis());
        assertEquals(Duration.ofSeconds(9), o.timeout());
        assertEquals(Path.of("/tmp/s"), o.stateDir());
        assertFalse(o.progress());
        assertEquals(Path.of("/tmp/x.json"), p.json());
    }

    @Test
    void rejectsBadInput() {
        for (String[] bad : List.of(new String[] {"--cold", "0"}, new String[] {"--warm", "x"},
                new String[] {"--memory", "64"}, new String[] {"--memory"}, new String[] {"--bogus"},
                new String[] {"--budget", "0"}, new String[] {"--settle-ms", "-1"}, new String[] {"--timeout", "0"})) {
            assertThrows(IllegalArgumentException.class, () -> InvokeBenchOptions.parse(bad, HOME), String.join(" ", bad));
        }
    }
}
