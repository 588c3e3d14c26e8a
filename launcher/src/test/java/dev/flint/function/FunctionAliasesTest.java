package dev.flint.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FunctionAliasesTest extends RegistryFixture {

    static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:f";

    @BeforeEach
    void twoVersions() throws IOException {
        create("f");
        registry.publishVersion("f", null, null, null);
        registry.updateConfiguration("f", FunctionUpdate.none().withTimeoutSeconds(9));
        registry.publishVersion("f", null, null, null);
    }

    private List<String> names(List<AliasConfig> aliases) {
        return aliases.stream().map(AliasConfig::name).toList();
    }

    @Test
    void createGetListAndSurviveARestart() {
        AliasConfig live = registry.createAlias("f", "live", "1", "production", Map.of("2", 0.25));
        assertEquals(ARN + ":live", live.aliasArn());
        assertEquals("f", live.functionName());
        assertEquals("1", live.functionVersion());
        assertEquals("production", live.description());
        assertEquals(Map.of("2", 0.25), live.additionalVersionWeights());
        AliasConfig dev = registry.createAlias("f", "dev", "$LATEST", null, null);
        assertEquals("", dev.description());
        assertEquals(Map.of(), dev.additionalVersionWeights());
        assertEquals(live, registry.getAlias("f", "live"));
        assertEquals(List.of("dev", "live"), names(registry.listAliases("f", null)));
        assertEquals(List.of("live"), names(registry.listAliases("f", "1")));
        assertEquals(List.of("live"), names(registry.listAliases("f", "2")), "routing counts as pointing");
        assertEquals(List.of("dev"), names(registry.listAliases("f", "$LATEST")));
        assertEquals(live, reopen().getAlias("f", "live"));
        assertEquals(dev, registry.getAlias("f", "dev"));
    }

    @Test
    void duplicateAliasIsAConflict() {
        registry.createAlias("f", "live", "1", null, null);
        ResourceConflictException e = assertThrows(ResourceConflictException.class,
                () -> registry.createAlias("f", "live", "2", null, null));
        assertEquals("Alias already exists: " + ARN + ":live", e.getMessage());
        assertEquals("1", registry.getAlias("f", "live").functionVersion());
    }

    @Test
    void aliasNamesFollowAwsPattern() {
        for (String bad : List.of("123", "", "a.b", "$LATEST", "x".repeat(129), "a:b")) {
            assertThrows(ValidationException.class, () -> registry.createAlias("f", bad, "1", null, null), bad);
        }
        registry.createAlias("f", "v1-a_b", "1", null, null);
        registry.createAlias("f", "1a", "1", null, null);
        registry.createAlias("f", "x".repeat(128), "1", null, null);
    }

    @Test
    void aliasMustPointAtAnExistingVersion() {
        ResourceNotFoundException e = assertThrows(ResourceNotFoundException.class,
                () -> registry.createAlias("f", "live", "9", null, null));
        assertEquals("Function not found: " + ARN + ":9", e.getMessage());
        assertThrows(ValidationException.class, () -> registry.createAlias("f", "live", "other", null, null),
                "an alias cannot point at an alias");
        assertThrows(ResourceNotFoundException.class, () -> registry.createAlias("nope", "live", "1", null, null));
        assertThrows(ResourceNotFoundException.class, () -> registry.getAlias("f", "live"));
    }

    @Test
    void weightedRoutingRules() {
        InvalidParameterValueException latest = assertThrows(InvalidParameterValueException.class,
                () -> registry.createAlias("f", "a", "$LATEST", null, Map.of("1", 0.5)));
        assertEquals("$LATEST is not supported for an alias pointing to more than 1 version", latest.getMessage());
        assertThrows(InvalidParameterValueException.class,
                () -> registry.createAlias("f", "a", "1", null, Map.of("$LATEST", 0.5)));
        assertThrows(ValidationException.class,
                () -> registry.createAlias("f", "a", "1", null, Map.of("2", 0.5, "3", 0.1)), "one extra version at most");
        assertThrows(ValidationException.class, () -> registry.createAlias("f", "a", "1", null, Map.of("2", 1.5)));
        assertThrows(ValidationException.class, () -> registry.createAlias("f", "a", "1", null, Map.of("2", -0.1)));
        InvalidParameterValueException same = assertThrows(InvalidParameterValueException.class,
                () -> registry.createAlias("f", "a", "1", null, Map.of("1", 0.5)));
        assertTrue(same.getMessage().contains("already included in routing configuration"), same.getMessage());
        assertThrows(ResourceNotFoundException.class, () -> registry.createAlias("f", "a", "1", null, Map.of("7", 0.5)));
        assertEquals(List.of(), registry.listAliases("f", null), "nothing was created");
        registry.createAlias("f", "zero", "1", null, Map.of("2", 0.0));
        registry.createAlias("f", "one", "1", null, Map.of("2", 1.0));
    }

    @Test
    void updateChangesGivenFieldsAndTheRevision() {
        AliasConfig a = registry.createAlias("f", "live", "1", "d", Map.of("2", 0.1));
        AliasConfig b = registry.updateAlias("f", "live", null, null, null, null);
        assertEquals(a.functionVersion(), b.functionVersion());
        assertEquals(a.description(), b.description());
        assertEquals(a.additionalVersionWeights(), b.additionalVersionWeights());
        assertNotEquals(a.revisionId(), b.revisionId());
        AliasConfig c = registry.updateAlias("f", "live", "2", "new", Map.of(), b.revisionId());
        assertEquals("2", c.functionVersion());
        assertEquals("new", c.description());
        assertEquals(Map.of(), c.additionalVersionWeights(), "empty map removes routing");
        PreconditionFailedException stale = assertThrows(PreconditionFailedException.class,
                () -> registry.updateAlias("f", "live", "1", null, null, b.revisionId()));
        assertTrue(stale.getMessage().contains("GetAlias"), stale.getMessage());
        assertThrows(InvalidParameterValueException.class,
                () -> registry.updateAlias("f", "live", "$LATEST", null, Map.of("1", 0.5), null));
        assertEquals(c, reopen().getAlias("f", "live"), "failed updates changed nothing");
        assertThrows(ResourceNotFoundException.class, () -> registry.updateAlias("f", "ghost", "1", null, null, null));
    }

    @Test
    void deleteAlias() {
        registry.createAlias("f", "live", "1", null, null);
        registry.deleteAlias("f", "live");
        ResourceNotFoundException e = assertThrows(ResourceNotFoundException.class, () -> registry.getAlias("f", "live"));
        assertEquals("Cannot find alias arn: " + ARN + ":live", e.getMessage());
        assertThrows(ResourceNotFoundException.class, () -> registry.deleteAlias("f", "live"));
        assertEquals(List.of(), reopen().listAliases("f", null));
    }
}
