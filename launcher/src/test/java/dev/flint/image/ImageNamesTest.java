package dev.flint.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageNamesTest {
    @ParameterizedTest
    @ValueSource(strings = {"provided", "python3.11", "java17", "a", "0", "my_img-2.x"})
    void acceptsValidNames(String name) {
        assertTrue(ImageNames.isValid(name));
        assertEquals(name, ImageNames.validate(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Provided", ".hidden", "-x", "_x", "a/b", "../etc", "a..b", "layers", "a b",
        "x\n", "é"})
    void rejectsInvalidNames(String name) {
        assertFalse(ImageNames.isValid(name));
        ImageException e = assertThrows(ImageException.class, () -> ImageNames.validate(name));
        assertTrue(e.getMessage().startsWith("invalid image name '"), e.getMessage());
    }

    @Test
    void rejectsNullAndTooLong() {
        assertFalse(ImageNames.isValid(null));
        assertTrue(ImageNames.isValid("a".repeat(64)));
        assertFalse(ImageNames.isValid("a".repeat(65)));
    }
}
