package dev.flint.api;

import dev.flint.invoke.InvokeResponse;

/**
 * Runs one synchronous (RequestResponse) invocation for the API. The one place the API meets the
 * scheduler, so that its wiring can change without touching the routes.
 */
@FunctionalInterface
public interface Invoker {

    /**
     * @throws RuntimeException with {@code errorType()}/{@code httpStatus()} (a throttle, a bad
     *     payload) when the invocation cannot start; function errors are in the response
     */
    InvokeResponse invoke(InvokeInput input);

    /**
     * The function's code or configuration changed, or it was deleted: envs of the old version
     * of $LATEST should not serve again (Lambda retires them).
     */
    default void functionChanged(String functionName) {}
}
