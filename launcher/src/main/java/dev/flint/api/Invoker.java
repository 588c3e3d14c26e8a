package dev.flint.api;

import dev.flint.function.FunctionConfig;
import dev.flint.invoke.InvokeResponse;

/**
 * Runs one synchronous (RequestResponse) invocation for the API. The one place the API meets the
 * scheduler, so that its wiring can change without touching the routes.
 */
@FunctionalInterface
public interface Invoker {

    /**
     * @param fn the resolved version to run ({@code fn.version()} is what X-Amz-Executed-Version reports)
     * @param payload the event, already size-checked (≤ 6 MB)
     * @param clientContext the decoded X-Amz-Client-Context JSON, or null
     * @throws RuntimeException with {@code errorType()}/{@code httpStatus()} (a throttle, a bad
     *     payload) when the invocation cannot start; function errors are in the response
     */
    InvokeResponse invoke(FunctionConfig fn, byte[] payload, String clientContext);
}
