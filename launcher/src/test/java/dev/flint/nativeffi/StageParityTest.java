package dev.flint.nativeffi;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.NativeLibrary;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The stage list and the function list of flint.h, as the built libflint.so exports them, match Java. */
class StageParityTest {

    @Test
    void nativeStageCountMatchesTheJavaEnum() {
        assertEquals(Stage.values().length, NativeLoader.library().flint_stage_count(),
                "flint_stage_count() vs Stage.values().length");
    }

    @Test
    void everyNativeStageNameMatchesTheJavaWireNameInOrder() {
        FlintLibrary lib = NativeLoader.library();
        int n = lib.flint_stage_count();
        List<String> nativeNames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            nativeNames.add(lib.flint_stage_name(i));
        }
        List<String> javaNames = Arrays.stream(Stage.values()).map(Stage::wireName).toList();
        assertEquals(javaNames, nativeNames, "stage names, in flint_stage order");
    }

    @Test
    void wireNamesRoundTripAndNumbersOutsideTheListAreNone() {
        for (Stage s : Stage.values()) {
            assertEquals(s, Stage.ofWireName(s.wireName()));
            assertEquals(s, Stage.ofNative(s.ordinal()));
        }
        assertEquals(Stage.NONE, Stage.ofNative(-1));
        assertEquals(Stage.NONE, Stage.ofNative(Stage.values().length));
        assertEquals("unknown", NativeLoader.library().flint_stage_name(Stage.values().length));
    }

    @Test
    void everyFlintLibraryMethodResolvesInTheBuiltLibrary() {
        String path = NativeLoader.nativeDir().resolve("libflint.so").toString();
        NativeLibrary nl = NativeLibrary.getInstance(path);
        List<Method> methods = Arrays.stream(FlintLibrary.class.getDeclaredMethods())
                .filter(m -> !m.isSynthetic() && !Modifier.isStatic(m.getModifiers()))
                .toList();
        assertFalse(methods.isEmpty(), "FlintLibrary declares no methods?");
        List<Executable> checks = new ArrayList<>();
        for (Method m : methods) {
            checks.add(() -> assertNotNull(nl.getFunction(m.getName()), m.getName()));
            checks.add(() -> assertTrue(m.getName().startsWith("flint_"),
                    m.getName() + " lacks the flint_ prefix of the public C API"));
        }
        assertAll("FlintLibrary methods resolve in " + path, checks);
    }

    @Test
    void versionAndHintsAreReadable() {
        FlintLibrary lib = NativeLoader.library();
        assertTrue(lib.flint_version().matches("\\d+\\.\\d+\\.\\d+.*"), lib.flint_version());
        // EPERM at clone has a known cause (no root); ENOENT at mount-rootfs means a broken image.
        String clone = lib.flint_stage_hint(Stage.CLONE.ordinal(), 1);
        assertNotNull(clone);
        assertTrue(clone.contains("root"), clone);
        assertNotNull(lib.flint_stage_hint(Stage.MOUNT_ROOTFS.ordinal(), 2));
        assertEquals(null, lib.flint_stage_hint(Stage.NONE.ordinal(), 1));
    }
}
