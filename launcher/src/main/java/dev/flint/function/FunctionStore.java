package dev.flint.function;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntFunction;

/**
 * Where function state lives: $LATEST records, published versions, aliases, reserved
 * concurrency and event invoke settings. {@link SqliteFunctionStore} (in {@code flint.db}) is
 * the default; a PostgreSQL store can implement the same interface (design.md §9). Names
 * reaching a store are already validated; rules (AWS's messages) live in
 * {@link FunctionRegistry}. Every method is atomic: a reader sees the old or the new state,
 * never a mix.
 */
public interface FunctionStore extends AutoCloseable {

    /** $LATEST. */
    Optional<StoredFunction> get(String name);

    /** Every function's $LATEST, sorted by name. */
    List<StoredFunction> list();

    /** Creates or replaces $LATEST. */
    void put(StoredFunction function);

    /**
     * Deletes the function with its versions, aliases, reserved concurrency and event invoke
     * settings.
     *
     * @return whether there was a function
     */
    boolean delete(String name);

    /** Whether any function's $LATEST or any version uses this code. */
    boolean codeInUse(String codeSha256);

    /**
     * Publishes a version: allocates the next number of {@code name} (numbers are never reused,
     * not even after the version is deleted) and stores {@code make.apply(number)}.
     */
    StoredFunction publish(String name, IntFunction<StoredFunction> make);

    /** Published versions, by number. */
    List<StoredFunction> versions(String name);

    Optional<StoredFunction> version(String name, String version);

    /** Deletes a version and its event invoke settings; @return whether it existed. */
    boolean deleteVersion(String name, String version);

    Optional<AliasConfig> alias(String function, String alias);

    /** The function's aliases, by name. */
    List<AliasConfig> aliases(String function);

    /** Creates or replaces an alias. */
    void putAlias(String function, AliasConfig alias);

    /** Deletes an alias and its event invoke settings; @return whether it existed. */
    boolean deleteAlias(String function, String alias);

    OptionalInt reservedConcurrency(String function);

    /** Sets ({@code null}: removes) the function's reserved concurrency. */
    void setReservedConcurrency(String function, Integer value);

    /** The sum of every function's reserved concurrency. */
    int totalReserved();

    /** @param qualifier {@code $LATEST} (also for the unqualified function), a version or an alias */
    Optional<EventInvokeConfig> eventInvokeConfig(String function, String qualifier);

    void putEventInvokeConfig(String function, String qualifier, EventInvokeConfig config);

    boolean deleteEventInvokeConfig(String function, String qualifier);

    @Override
    void close();
}
