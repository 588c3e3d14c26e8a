package dev.flint.invoke;

import java.nio.file.Path;
import java.util.Optional;

/** Where the SnapStart checkpoint of a function version is, if it has one. */
@FunctionalInterface
public interface SnapshotCatalog {
    SnapshotCatalog NONE = fn -> Optional.empty();

    Optional<Path> find(FunctionSpec fn);
}
