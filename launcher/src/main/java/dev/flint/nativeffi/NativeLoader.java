package dev.flint.nativeffi;

import com.sun.jna.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds and loads {@code libflint.so} once, and locates {@code flint-init} beside it. Places
 * tried, in order: {@code -Dflint.native.dir}, {@code $FLINT_NATIVE_DIR}, {@code
 * <flint.home>/build/native}. A failure lists every place tried.
 */
public final class NativeLoader {
    private static volatile FlintLibrary library;
    private static volatile Path nativeDir;

    private NativeLoader() {}

    /** The loaded library; loads it on first use. */
    public static FlintLibrary library() {
        FlintLibrary lib = library;
        if (lib == null) {
            synchronized (NativeLoader.class) {
                if (library == null) {
                    Path dir = nativeDir();
                    library = Native.load(dir.resolve("libflint.so").toString(), FlintLibrary.class);
                }
                lib = library;
            }
        }
        return lib;
    }

    /** The path of flint-init, which lives beside the library. */
    public static Path initBinary() {
        return nativeDir().resolve("flint-init");
    }

    /** The directory holding libflint.so and flint-init. */
    public static Path nativeDir() {
        Path dir = nativeDir;
        if (dir != null) {
            return dir;
        }
        List<String> tried = new ArrayList<>();
        for (Path candidate : candidates()) {
            Path lib = candidate.resolve("libflint.so");
            if (Files.isRegularFile(lib) && Files.isRegularFile(candidate.resolve("flint-init"))) {
                nativeDir = candidate;
                return candidate;
            }
            tried.add(lib.toString());
        }
        throw new NativeLoadException(
                "libflint.so and flint-init not found; tried: "
                        + String.join(", ", tried)
                        + "\nhint: build them with scripts/setup.sh (or cmake -S . -B build/native && cmake --build build/native)");
    }

    private static Set<Path> candidates() {
        Set<Path> out = new LinkedHashSet<>();
        String prop = System.getProperty("flint.native.dir");
        if (prop != null && !prop.isBlank()) {
            out.add(Path.of(prop).toAbsolutePath());
        }
        String env = System.getenv("FLINT_NATIVE_DIR");
        if (env != null && !env.isBlank()) {
            out.add(Path.of(env).toAbsolutePath());
        }
        String home = System.getProperty("flint.home");
        if (home != null && !home.isBlank()) {
            out.add(Path.of(home, "build", "native").toAbsolutePath());
        }
        out.add(Path.of("build", "native").toAbsolutePath());
        return out;
    }

    /** The library or flint-init could not be found or loaded. */
    public static final class NativeLoadException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public NativeLoadException(String message) {
            super(message);
        }
    }
}
