package dev.flint.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FunctionResolveTest extends RegistryFixture {

    static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:f";

    @BeforeEach
    void versionsAndAliases() throws IOException {
        create("f");
        registry.publishVersion("f", null, null, null);
        registry.updateConfiguration("f", FunctionUpdate.none().withTimeoutSeconds(9));
        registry.publishVersion("f", null, null, null);
        registry.updateConfiguration("f", FunctionUpdate.none().withTimeoutSeconds(20));
        registry.createAlias("f", "live", "1", null, Map.of("2", 0.3));
        registry.createAlias("f", "plain", "2", null, null);
    }

    @Test
    void everyFormOfNameResolves() {
        for (String ref : List.of("f", "000000000000:function:f", ARN)) {
            ResolvedFunction r = registry.resolve(ref, null);
            assertEquals("f", r.functionName(), ref);
            assertNull(r.qualifier(), ref);
            assertEquals("$LATEST", r.config().version());
            assertEquals(20, r.config().timeoutSeconds());
            assertEquals(ARN, r.functionArn());
        }
        for (String ref : List.of("f:2", "000000000000:function:f:2", ARN + ":2")) {
            ResolvedFunction r = registry.resolve(ref, null);
            assertEquals("2", r.qualifier(), ref);
            assertEquals("2", r.config().version(), ref);
            assertEquals(9, r.config().timeoutSeconds());
            assertEquals(ARN + ":2", r.functionArn());
        }
        assertEquals("1", registry.resolve("f", "1").config().version());
        assertEquals("$LATEST", registry.resolve("f:$LATEST", null).config().version());
        assertEquals("$LATEST", registry.resolve("f", "").config().version(), "empty Qualifier = none");
        assertEquals("2", registry.resolve("f:2", "2").config().version(), "same qualifier twice is fine");
    }

    @Test
    void aliasResolvesToItsPrimaryAndKeepsTheAlias() {
        ResolvedFunction r = registry.resolve("f", "live");
        assertEquals("live", r.qualifier());
        assertEquals("live", r.alias().name());
        assertEquals("1", r.config().version());
        assertEquals("2", r.additionalConfig().version());
        ResolvedFunction p = registry.resolve(ARN + ":plain", null);
        assertEquals("2", p.config().version());
        assertNull(p.additionalConfig());
        assertEquals("2", p.pickVersion(new SplittableRandom(1)).version());
    }

    @Test
    void weightedAliasSplitsTrafficByWeight() {
        ResolvedFunction r = registry.resolve("f", "live");
        RandomGenerator random = new SplittableRandom(42);
        int n = 20_000;
        int second = 0;
        for (int i = 0; i < n; i++) {
            if (r.pickVersion(random).version().equals("2")) {
                second++;
            }
        }
        // 0.3 * 20000 = 6000, sd ≈ 65: ±5 sd
        assertTrue(Math.abs(second - 6000) < 325, "version 2 got " + second + " of " + n);
        assertEquals("1", registry.resolve("f", "1").pickVersion(random).version(), "no alias: no routing");
    }

    @Test
    void edgeWeights() {
        registry.createAlias("f", "none", "1", null, Map.of("2", 0.0));
        registry.createAlias("f", "all", "1", null, Map.of("2", 1.0));
        RandomGenerator random = new SplittableRandom(7);
        for (int i = 0; i < 1000; i++) {
            assertEquals("1", registry.resolve("f", "none").pickVersion(random).version());
            assertEquals("2", registry.resolve("f", "all").pickVersion(random).version());
        }
    }

    @Test
    void conflictingQualifiersAreRejected() {
        InvalidParameterValueException e = assertThrows(InvalidParameterValueException.class,
                () -> registry.resolve("f:1", "2"));
        assertEquals("The derived qualifier from the function name does not match the specified qualifier.",
                e.getMessage());
        assertThrows(InvalidParameterValueException.class, () -> registry.resolve(ARN + ":live", "1"));
    }

    @Test
    void otherRegionOrAccountIsRefused() {
        InvalidParameterValueException region = assertThrows(InvalidParameterValueException.class,
                () -> registry.resolve("arn:aws:lambda:eu-west-1:000000000000:function:f", null));
        assertEquals("Functions from 'eu-west-1' are not reachable in this region ('us-east-1')", region.getMessage());
        ResourceNotFoundException account = assertThrows(ResourceNotFoundException.class,
                () -> registry.resolve("arn:aws:lambda:us-east-1:111111111111:function:f", null));
        assertEquals("Function not found: arn:aws:lambda:us-east-1:111111111111:function:f", account.getMessage());
        assertThrows(ResourceNotFoundException.class, () -> registry.resolve("111111111111:function:f:1", null));
    }

    @Test
    void configuredRegionAndAccountAreHonoured() {
        FunctionConfigTest.withProperties(() -> {
            assertEquals("1", registry.resolve("arn:aws:lambda:eu-west-1:123456789012:function:f:1", null)
                    .config().version());
            assertThrows(InvalidParameterValueException.class, () -> registry.resolve(ARN, null));
        });
    }

    @Test
    void unknownThingsAreNotFoundWithTheirArn() {
        assertEquals("Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope",
                assertThrows(ResourceNotFoundException.class, () -> registry.resolve("nope", null)).getMessage());
        assertEquals("Function not found: " + ARN + ":5",
                assertThrows(ResourceNotFoundException.class, () -> registry.resolve("f", "5")).getMessage());
        assertEquals("Function not found: " + ARN + ":ghost",
                assertThrows(ResourceNotFoundException.class, () -> registry.resolve("f:ghost", null)).getMessage());
    }

    @Test
    void malformedNamesAreValidationErrors() {
        for (String bad : List.of("", "a/b", "arn:aws:lambda:us-east-1:000000000000:layer:f",
                "arn:aws:s3:::bucket", "f:1:2", "x".repeat(65), "f:" + "q".repeat(129), "a".repeat(171))) {
            assertThrows(ValidationException.class, () -> registry.resolve(bad, null), bad);
        }
        assertThrows(ValidationException.class, () -> registry.resolve("f", "a/b"));
        assertThrows(ValidationException.class, () -> registry.resolve(null, null));
    }
}
