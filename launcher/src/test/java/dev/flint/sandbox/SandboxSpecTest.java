package dev.flint.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SandboxSpecTest {
    private static final List<Path> LAYERS = List.of(Path.of("/var/lib/flint/images/layers/x/rootfs"));
    private static final List<String> TRUE = List.of("true");

    private static SandboxSpec.Builder spec() {
        return SandboxSpec.builder(LAYERS, TRUE);
    }

    private static String rejected(SandboxSpec.Builder b) {
        return assertThrows(InvalidSpecException.class, b::build).getMessage();
    }

    @Test
    void defaultsAreLambdaLike() {
        SandboxSpec s = spec().build();
        assertEquals(128, s.memoryMb());
        assertEquals(512, s.tmpMb());
        assertTrue(s.readonlyRoot());
        assertEquals("/", s.cwd());
        assertEquals(0, s.uid());
        assertEquals(SandboxSpec.Stdio.PIPE, s.stdio());
        assertEquals(SandboxSpec.StdinMode.NULL, s.stdin());
    }

    @ParameterizedTest
    @ValueSource(ints = {127, 3009, 0, -1})
    void memoryOutsideTheLambdaRangeIsRejectedWithTheRange(int mb) {
        String m = rejected(spec().memoryMb(mb));
        assertTrue(m.contains("memory " + mb + " MB"), m);
        assertTrue(m.contains("128–3008 MB"), m);
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 1769, 3008})
    void memoryBoundsAreAccepted(int mb) {
        assertEquals(mb, spec().memoryMb(mb).build().memoryMb());
    }

    @Test
    void emptyCommandIsRejected() {
        assertTrue(assertThrows(InvalidSpecException.class, () -> SandboxSpec.builder(LAYERS, List.of()).build())
                .getMessage().contains("command is empty"));
        assertTrue(assertThrows(InvalidSpecException.class, () -> SandboxSpec.builder(LAYERS, List.of("")).build())
                .getMessage().contains("command is empty"));
    }

    @Test
    void noLayersOrRelativeOrOverlayBreakingLayersAreRejected() {
        assertTrue(assertThrows(InvalidSpecException.class, () -> SandboxSpec.builder(List.of(), TRUE).build())
                .getMessage().contains("at least one layer"));
        for (String bad : List.of("rel/rootfs", "/a:b", "/a,upperdir=/x")) {
            String m = assertThrows(InvalidSpecException.class,
                    () -> SandboxSpec.builder(List.of(Path.of(bad)), TRUE).build()).getMessage();
            assertTrue(m.contains("'" + bad + "'"), m);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-lead", "has space", "under_score", "a/b",
        "x2345678901234567890123456789012345678901234567890123456789012345"})
    void badHostnamesAreRejected(String h) {
        String m = rejected(spec().hostname(h));
        assertTrue(m.contains("hostname '" + h + "' is not valid"), m);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "fn-1.example", "x23456789012345678901234567890123456789012345678901234567890123",
        "x234567890123456789012345678901234567890123456789012345678901234"})
    void goodHostnamesAreAccepted(String h) {
        assertEquals(h, spec().hostname(h).build().hostname());
    }

    @ParameterizedTest
    @ValueSource(strings = {"NOEQUALS", "=value", "K=a\0b"})
    void badEnvironmentEntriesAreRejected(String e) {
        String m = rejected(spec().env(e));
        assertTrue(m.contains("must look like KEY=VALUE"), m);
    }

    @Test
    void environmentEntriesWithEmptyValuesOrExtraEqualsAreFine() {
        assertEquals(List.of("K=", "A=b=c"), spec().env("K=").env("A=b=c").build().env());
    }

    @Test
    void tmpTimeoutCwdAndUserAreChecked() {
        assertTrue(rejected(spec().tmpMb(0)).contains("1–10240 MB"));
        assertTrue(rejected(spec().tmpMb(10241)).contains("1–10240 MB"));
        assertTrue(rejected(spec().timeout(Duration.ZERO)).contains("timeout must be positive"));
        assertTrue(rejected(spec().timeout(Duration.ofSeconds(-1))).contains("timeout must be positive"));
        assertTrue(rejected(spec().cwd("var/task")).contains("must be absolute"));
        assertTrue(rejected(spec().user(-1, 0)).contains("must not be negative"));
    }

    @Test
    void bindParsingHostColonPath() {
        SandboxSpec.BindMount b = SandboxSpec.BindMount.parseReadOnly("/srv/data:/mnt/data");
        assertEquals(Path.of("/srv/data"), b.source());
        assertEquals("/mnt/data", b.target());
        assertTrue(b.readonly());
    }

    @Test
    void bindWithoutTargetUsesTheHostPath() {
        SandboxSpec.BindMount b = SandboxSpec.BindMount.parseReadOnly("/srv/data");
        assertEquals(Path.of("/srv/data"), b.source());
        assertEquals("/srv/data", b.target());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rel:/x", "/x:rel", "/x:/", "/x:/a/../etc", "/x:/a/..", "/x:"})
    void badBindsAreRejected(String value) {
        String m = assertThrows(InvalidSpecException.class, () -> SandboxSpec.BindMount.parseReadOnly(value))
                .getMessage();
        assertTrue(m.contains("needs absolute paths, no '..'"), m);
    }

    @Test
    void bindsAreCopiedIntoTheSpec() {
        SandboxSpec s = spec().bind(SandboxSpec.BindMount.parseReadOnly("/srv:/mnt")).build();
        assertEquals(1, s.binds().size());
        assertThrows(UnsupportedOperationException.class, () -> s.binds().clear());
    }
}
