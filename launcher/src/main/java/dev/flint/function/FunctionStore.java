package dev.flint.function;

import java.util.List;
import java.util.Optional;

/**
 * Where function records live. {@link JsonFunctionStore} keeps one JSON file per function;
 * design.md §8 wants SQLite ({@code flint.db}), which can replace it behind this interface.
 * Names reaching a store are already validated. Implementations must make {@link #put} atomic
 * (a reader sees the old or the new record, never a torn one).
 */
public interface FunctionStore {

    Optional<StoredFunction> get(String name);

    /** Every function, sorted by name. */
    List<StoredFunction> list();

    /** Creates or replaces the record. */
    void put(StoredFunction function);

    /** @return whether there was a record */
    boolean delete(String name);
}
