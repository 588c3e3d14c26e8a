package dev.flint.image;

import java.nio.file.Path;
import java.util.List;

/** Small images in a store for tests of other packages (functions, API, invoke): no root, no tools. */
public final class TestImages {
    private TestImages() {}

    /**
     * Imports a two-layer image (a file tree and an app layer holding {@code marker}) with
     * ENTRYPOINT {@code /lambda-entrypoint.sh}, CMD {@code app.handler}, WORKDIR /var/task, as
     * {@code name}; {@code source} is what it claims to come from (a registry reference, say).
     */
    public static Image tiny(ImageStore store, Path tmp, String name, String source, String marker) {
        return tiny(store, tmp, name, source, marker, d -> false);
    }

    /** {@link #tiny} replacing {@code name}, keeping the replaced image when {@code keep} says so. */
    public static Image tinyKeeping(ImageStore store, Path tmp, String name, String marker,
            java.util.function.Predicate<String> keep) {
        return tiny(store, tmp, name, null, marker, keep);
    }

    private static Image tiny(ImageStore store, Path tmp, String name, String source, String marker,
            java.util.function.Predicate<String> keep) {
        byte[] base = new TarBuilder().dir("etc").file("etc/os-release", "ID=test\n").dir("tmp", 01777)
                .file("lambda-entrypoint.sh", "#!/bin/sh\nexec /var/runtime/bootstrap\n", 0755).bytes();
        byte[] app = new TarBuilder().file("var/task/app.py", marker).bytes();
        Path dir = tmp.resolve("layout-" + name + "-" + Math.abs(marker.hashCode()));
        new OciLayoutBuilder(dir).layer(base).layer(app)
                .cmd(List.of("/lambda-entrypoint.sh"), List.of("app.handler")).write();
        try (ImageImport imp = ImageArchives.open(dir, null, tmp.resolve("t"))) {
            ImageImport named = source == null ? imp
                    : new ImageImport(source, imp.digest(), imp.config(), imp.layers(), null);
            return store.importImage(name, named, keep, line -> { });
        }
    }
}
