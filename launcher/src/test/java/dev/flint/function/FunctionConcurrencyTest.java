package dev.flint.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class FunctionConcurrencyTest extends RegistryFixture {

    static final String BELOW_MINIMUM = "Specified ReservedConcurrentExecutions for function decreases"
            + " account's UnreservedConcurrentExecution below its minimum value of [100].";

    @Test
    void putGetDeleteAndSurviveARestart() throws IOException {
        create("f");
        assertEquals(OptionalInt.empty(), registry.reservedConcurrency("f"));
        assertEquals(10, registry.putReservedConcurrency("f", 10));
        assertEquals(OptionalInt.of(10), registry.reservedConcurrency("f"));
        assertEquals(OptionalInt.of(10), reopen().reservedConcurrency("f"));
        assertEquals(0, registry.putReservedConcurrency("f", 0), "0 is allowed: throttles everything");
        assertEquals(OptionalInt.of(0), registry.reservedConcurrency("f"));
        registry.deleteReservedConcurrency("f");
        assertEquals(OptionalInt.empty(), registry.reservedConcurrency("f"));
        registry.deleteReservedConcurrency("f");
        assertEquals(OptionalInt.empty(), reopen().reservedConcurrency("f"));
    }

    @Test
    void atLeastOneHundredStaysUnreserved() throws IOException {
        create("f");
        create("g");
        assertEquals(900, registry.putReservedConcurrency("f", 900));
        InvalidParameterValueException e = assertThrows(InvalidParameterValueException.class,
                () -> registry.putReservedConcurrency("g", 1));
        assertEquals(BELOW_MINIMUM, e.getMessage());
        assertEquals(800, registry.putReservedConcurrency("f", 800), "replacing its own value is not double counted");
        assertEquals(100, registry.putReservedConcurrency("g", 100));
        assertEquals(900, registry.totalReserved());
        assertThrows(InvalidParameterValueException.class, () -> registry.putReservedConcurrency("g", 101));
        assertEquals(OptionalInt.of(100), registry.reservedConcurrency("g"), "rejected value not stored");
        registry.delete("f");
        assertEquals(100, registry.totalReserved());
    }

    @Test
    void accountLimitIsInjected() throws IOException {
        registry.close();
        registry = new FunctionRegistry(SqliteFunctionStore.open(root), new CodeStore(root.resolve("code")), clock, 150);
        create("f");
        assertEquals(150, registry.accountConcurrencyLimit());
        assertEquals(50, registry.putReservedConcurrency("f", 50));
        assertEquals(BELOW_MINIMUM,
                assertThrows(InvalidParameterValueException.class, () -> registry.putReservedConcurrency("f", 51)).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new FunctionRegistry(SqliteFunctionStore.open(root), new CodeStore(root.resolve("code")), clock, 99));
    }

    @Test
    void badValuesAndUnknownFunctions() throws IOException {
        create("f");
        assertThrows(ValidationException.class, () -> registry.putReservedConcurrency("f", -1));
        assertThrows(ResourceNotFoundException.class, () -> registry.putReservedConcurrency("nope", 1));
        assertThrows(ResourceNotFoundException.class, () -> registry.reservedConcurrency("nope"));
        assertThrows(ResourceNotFoundException.class, () -> registry.deleteReservedConcurrency("nope"));
    }
}
