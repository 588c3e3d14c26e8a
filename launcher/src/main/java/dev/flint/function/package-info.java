/**
 * Functions: configuration validated with AWS Lambda's rules ({@link
 * dev.flint.function.FunctionConfig}, {@link dev.flint.function.FunctionRules}, {@link
 * dev.flint.function.Runtimes}), content-addressed code ({@link dev.flint.function.CodeStore}),
 * the registry ({@link dev.flint.function.FunctionRegistry}: $LATEST, published versions,
 * aliases with weighted routing, reserved concurrency, event invoke settings, and the resolution
 * of names/ARNs + qualifiers) and {@code flint run DIR}'s directory reader
 * ({@link dev.flint.function.FunctionDirectory}). No native calls, no root needed; everything
 * lives under an injected root.
 *
 * <p>On disk (default root {@code /var/lib/flint}):
 * <pre>
 *   flint.db                            SQLite (dev.flint.store.Database): functions, versions,
 *                                       aliases, concurrency, invoke settings, async queue
 *   functions/&lt;name&gt;/function.json   legacy records: imported into flint.db once, then ignored
 *   code/&lt;hex sha256&gt;/               extracted deployment package, read-only (0444/0555),
 *                                       shared by every function and version with that code
 *   code/.tmp-*                         work in progress; never a finished artifact
 * </pre>
 * Errors are a {@link dev.flint.function.FunctionException} family carrying the AWS error type
 * and HTTP status. ZIP entries are untrusted: see {@code CodeExtractor}.
 */
package dev.flint.function;
