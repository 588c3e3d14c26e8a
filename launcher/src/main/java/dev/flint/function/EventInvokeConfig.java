package dev.flint.function;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Asynchronous invocation settings of a function, version or alias (lambda-contract.md §8;
 * Put/Get/UpdateFunctionEventInvokeConfig). {@code null} fields were not set: the effective
 * values are {@link #retryAttempts()} and {@link #eventAgeSeconds()}.
 *
 * @param functionArn qualified when the settings were addressed with a qualifier
 * @param maximumRetryAttempts 0–2 (Lambda's default 2)
 * @param maximumEventAgeInSeconds 60–21600 (Lambda's default 21600)
 * @param onSuccessDestination a Lambda function ARN, or {@code null}
 * @param onFailureDestination a Lambda function ARN, or {@code null}
 */
public record EventInvokeConfig(
        String functionArn,
        Integer maximumRetryAttempts,
        Integer maximumEventAgeInSeconds,
        String onSuccessDestination,
        String onFailureDestination,
        Instant lastModified) {

    public static final int DEFAULT_RETRY_ATTEMPTS = 2;
    public static final int MAX_RETRY_ATTEMPTS = 2;
    public static final int DEFAULT_EVENT_AGE_S = 21_600;
    public static final int MIN_EVENT_AGE_S = 60;
    public static final int MAX_EVENT_AGE_S = 21_600;

    public EventInvokeConfig {
        Objects.requireNonNull(functionArn, "functionArn");
        lastModified = Objects.requireNonNull(lastModified, "lastModified").truncatedTo(ChronoUnit.MILLIS);
    }

    /** Lambda's defaults, for a function without settings. */
    public static EventInvokeConfig defaults(String functionArn, Instant now) {
        return new EventInvokeConfig(functionArn, null, null, null, null, now);
    }

    /** MaximumRetryAttempts or its default. */
    public int retryAttempts() {
        return maximumRetryAttempts != null ? maximumRetryAttempts : DEFAULT_RETRY_ATTEMPTS;
    }

    /** MaximumEventAgeInSeconds or its default. */
    public int eventAgeSeconds() {
        return maximumEventAgeInSeconds != null ? maximumEventAgeInSeconds : DEFAULT_EVENT_AGE_S;
    }
}
