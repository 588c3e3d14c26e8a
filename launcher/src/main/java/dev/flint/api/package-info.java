/**
 * The AWS Lambda REST API ({@code /2015-03-31/functions/...}) served by {@code flint serve} on
 * loopback: control plane and Invoke, with AWS's paths, status codes, {@code x-amzn-ErrorType}
 * header and error body shape, so the AWS SDKs and CLI talk to flint unchanged.
 *
 * <p>Input is read leniently (unknown JSON fields are ignored, as AWS does); output follows AWS's
 * shapes exactly. Invocations go through {@link dev.flint.api.Invoker} and
 * {@link dev.flint.api.AsyncInvoker}, so the scheduler behind them can change in one place.
 */
package dev.flint.api;
