package dev.flint.sandbox;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

class SandboxHostConditionTest {

    @Test
    void aCapableHostEnablesTheTests() {
        assertFalse(SandboxHostCondition.decide(List.of(), false).isDisabled());
        assertFalse(SandboxHostCondition.decide(List.of(), true).isDisabled());
    }

    @Test
    void aMissingCapabilityDisablesWithTheReason() {
        ConditionEvaluationResult r = SandboxHostCondition.decide(List.of("not root"), false);
        assertTrue(r.isDisabled());
        assertTrue(r.getReason().orElse("").contains("not root"), r.toString());
    }

    @Test
    void onCiAMissingCapabilityFails() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SandboxHostCondition.decide(List.of("no usable cgroups"), true));
        assertTrue(e.getMessage().contains("no usable cgroups"), e.getMessage());
        assertTrue(e.getMessage().contains("CI=true"), e.getMessage());
    }
}
