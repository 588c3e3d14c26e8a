package dev.flint.api;

/** Request size limits of the API (lambda-contract.md §7). */
public final class ApiLimits {
    /** Sync Invoke request body: 6 MB. */
    public static final int SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
    /** Event (async) Invoke request body: 1 MB since Oct 2025 (256 KB before). */
    public static final int ASYNC_PAYLOAD_BYTES = 1024 * 1024;
    /** Zipped code for a direct upload: 50 MB. */
    public static final long ZIP_BYTES = 52_428_800L;
    /**
     * CreateFunction / UpdateFunctionCode request body: the base64 of 50 MB, as AWS counts it
     * ("Request must be smaller than 69905067 bytes for the CreateFunction operation").
     */
    public static final long CODE_REQUEST_BYTES = 69_905_067L;
    /** Any other control-plane request body. */
    public static final int CONTROL_REQUEST_BYTES = 1024 * 1024;
    /** X-Amz-Client-Context, base64: 3583 bytes. */
    public static final int CLIENT_CONTEXT_BYTES = 3583;

    /**
     * The error type of a body over the limit. AWS's front end sends
     * {@code RequestEntityTooLargeException} (not in the SDK model, so SDKs throw their generic
     * service exception with status 413); the modeled {@code RequestTooLargeException} is never
     * what AWS was observed to send for these.
     */
    public static final String TOO_LARGE_ERROR_TYPE = "RequestEntityTooLargeException";

    private ApiLimits() {}
}
