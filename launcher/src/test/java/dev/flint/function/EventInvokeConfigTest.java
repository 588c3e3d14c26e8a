package dev.flint.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventInvokeConfigTest extends RegistryFixture {

    static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:f";
    static final String TARGET = "arn:aws:lambda:us-east-1:000000000000:function:sink";

    @BeforeEach
    void fn() throws IOException {
        create("f");
        registry.publishVersion("f", null, null, null);
        registry.createAlias("f", "live", "1", null, null);
    }

    @Test
    void putReplacesAndGetReturnsWithTheArnAsAddressed() {
        EventInvokeConfig put = registry.putEventInvokeConfig("f", null, 1, 3600, TARGET, TARGET + ":live");
        assertEquals(new EventInvokeConfig(ARN, 1, 3600, TARGET, TARGET + ":live", Instant.parse("2024-01-01T12:00:00Z")), put);
        assertEquals(Optional.of(put), registry.eventInvokeConfig("f", null));
        assertEquals(ARN + ":$LATEST", registry.eventInvokeConfig("f", "$LATEST").orElseThrow().functionArn(),
                "unqualified and $LATEST are the same settings");
        tick();
        EventInvokeConfig replaced = registry.putEventInvokeConfig("f", null, null, null, null, TARGET);
        assertNull(replaced.maximumRetryAttempts(), "PUT replaces: unset fields are gone");
        assertNull(replaced.onSuccessDestination());
        assertEquals(2, replaced.retryAttempts(), "Lambda's default");
        assertEquals(21_600, replaced.eventAgeSeconds());
        assertEquals(Optional.of(replaced), reopen().eventInvokeConfig("f", null));
    }

    @Test
    void updateMerges() {
        registry.putEventInvokeConfig("f", "live", 0, 120, TARGET, null);
        tick();
        EventInvokeConfig merged = registry.updateEventInvokeConfig("f", "live", null, 600, null, TARGET);
        assertEquals(new EventInvokeConfig(ARN + ":live", 0, 600, TARGET, TARGET,
                Instant.parse("2024-01-01T12:00:01Z")), merged);
        assertEquals(Optional.of(merged), registry.eventInvokeConfig("f", "live"));
        EventInvokeConfig created = registry.updateEventInvokeConfig("f", "1", 2, null, null, null);
        assertEquals(ARN + ":1", created.functionArn());
        assertEquals(Optional.of(created), registry.eventInvokeConfig("f", "1"));
    }

    @Test
    void settingsArePerQualifier() {
        registry.putEventInvokeConfig("f", "live", 0, null, null, null);
        assertTrue(registry.eventInvokeConfig("f", null).isEmpty());
        assertTrue(registry.eventInvokeConfig("f", "1").isEmpty());
        registry.deleteAlias("f", "live");
        registry.createAlias("f", "live", "1", null, null);
        assertTrue(registry.eventInvokeConfig("f", "live").isEmpty(), "deleted with its alias");
    }

    @Test
    void deleteAndMissing() {
        registry.putEventInvokeConfig("f", "1", 0, null, null, null);
        registry.deleteEventInvokeConfig("f", "1");
        assertTrue(registry.eventInvokeConfig("f", "1").isEmpty());
        ResourceNotFoundException e = assertThrows(ResourceNotFoundException.class,
                () -> registry.deleteEventInvokeConfig("f", "1"));
        assertEquals("The function " + ARN + ":1 doesn't have an EventInvokeConfig", e.getMessage());
        assertEquals("The function " + ARN + " doesn't have an EventInvokeConfig",
                FunctionRegistry.noEventInvokeConfig("f", null).getMessage());
    }

    @Test
    void rangesAndDestinations() {
        assertThrows(ValidationException.class, () -> registry.putEventInvokeConfig("f", null, 3, null, null, null));
        assertThrows(ValidationException.class, () -> registry.putEventInvokeConfig("f", null, -1, null, null, null));
        assertThrows(ValidationException.class, () -> registry.putEventInvokeConfig("f", null, null, 59, null, null));
        assertThrows(ValidationException.class, () -> registry.putEventInvokeConfig("f", null, null, 21_601, null, null));
        registry.putEventInvokeConfig("f", null, 0, 60, null, null);
        registry.putEventInvokeConfig("f", null, 2, 21_600, null, null);
        InvalidParameterValueException sqs = assertThrows(InvalidParameterValueException.class,
                () -> registry.putEventInvokeConfig("f", null, null, null, null, "arn:aws:sqs:us-east-1:000000000000:q"));
        assertTrue(sqs.getMessage().contains("only Lambda function ARNs"), sqs.getMessage());
        assertThrows(InvalidParameterValueException.class,
                () -> registry.updateEventInvokeConfig("f", null, null, null, "arn:aws:sns:us-east-1:000000000000:t", null));
        assertThrows(InvalidParameterValueException.class,
                () -> registry.putEventInvokeConfig("f", null, null, null, "sink", null));
        assertEquals(Optional.of(2), registry.eventInvokeConfig("f", null).map(EventInvokeConfig::maximumRetryAttempts),
                "rejected puts changed nothing");
    }

    @Test
    void unknownFunctionOrQualifierIsNotFound() {
        assertThrows(ResourceNotFoundException.class, () -> registry.putEventInvokeConfig("nope", null, 1, null, null, null));
        assertEquals("Function not found: " + ARN + ":9", assertThrows(ResourceNotFoundException.class,
                () -> registry.putEventInvokeConfig("f", "9", 1, null, null, null)).getMessage());
        assertThrows(ResourceNotFoundException.class, () -> registry.eventInvokeConfig("f", "ghost"));
    }
}
