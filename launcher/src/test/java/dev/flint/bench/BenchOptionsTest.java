package dev.flint.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
    @Test
    void defaultsAreThreeHundredTrueRunsAfterFiftyWarmUp() {
        BenchOptions.Parsed p = BenchOptions.parse(new String[0]);
        assertEquals(300, p.options().iterations());
        assertEquals(50, p.options().warmup());
        assertEquals(List.of("/bin/true"), p.options().command());
        assertEquals("provided", p.options().image());
        assertNull(p.json());
    }

    @Test
    void parsesOptionsAndCommand() {
        BenchOptions.Parsed p = BenchOptions.parse(new String[] {"--n", "10", "--warmup", "0", "--quiet",
            "--json", "/tmp/x.json", "--image", "py", "--", "/bin/echo", "hi"});
        assertEquals(10, p.options().iterations());
        assertEquals(0, p.options().warmup());
        assertFalse(p.options().progress());
        assertEquals(Path.of("/tmp/x.json"), p.json());
        assertEquals("py", p.options().image());
        assertEquals(List.of("/bin/echo", "hi"), p.options().command());
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--n", "0"}));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--n", "x"}));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--n"}));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--bogus"}));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.defaults().withWarmup(-1));
    }
}
