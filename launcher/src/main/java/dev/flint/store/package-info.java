/**
 * Durable state: {@link dev.flint.store.Database} ({@code <stateDir>/flint.db}, SQLite in WAL
 * mode with {@code synchronous=FULL}, a busy timeout, foreign keys and a {@code schema_version}
 * table driving append-only migrations in {@code Schema}) and the async invocation queue
 * ({@link dev.flint.store.AsyncEventStore}, {@link dev.flint.store.SqliteAsyncEventStore}).
 *
 * <p>Storage sits behind interfaces ({@link dev.flint.store.AsyncEventStore} here,
 * {@code dev.flint.function.FunctionStore} for functions, versions, aliases, concurrency and
 * invoke settings) so that a PostgreSQL implementation can replace SQLite for many hosts
 * (design.md §9): same tables, {@code SELECT ... FOR UPDATE SKIP LOCKED} to claim queue rows.
 * This package depends on nothing else in flint.
 */
package dev.flint.store;
