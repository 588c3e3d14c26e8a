package dev.flint.function;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FunctionConfigTest {

    static final Path CODE = Path.of("/code/x");

    static FunctionConfig config(Map<String, String> env) {
        return new FunctionConfig("fn", "python3.11", "lambda_function.lambda_handler", 128, 3, env,
                512, "sha", 10, null, Instant.parse("2024-01-01T12:00:00Z"), null, CODE);
    }

    static FunctionDefinition def() {
        return FunctionDefinition.of("fn", "python3.11", "app.lambda_handler", CODE);
    }

    private static <T extends Throwable> T assertMessage(Class<T> type, String expected, Runnable r) {
        T e = assertThrows(type, r::run);
        assertEquals(expected, e.getMessage());
        return e;
    }

    // ---- name ---------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"a", "my-function_1", "ABC-def"})
    void goodNames(String name) {
        assertDoesNotThrow(() -> FunctionRules.validateName(name));
    }

    @Test
    void nameOf64IsFineAnd65IsNot() {
        FunctionRules.validateName("a".repeat(64));
        ValidationException e = assertMessage(ValidationException.class,
                "1 validation error detected: Value '" + "a".repeat(65) + "' at 'functionName' failed to"
                        + " satisfy constraint: Member must have length less than or equal to 64",
                () -> FunctionRules.validateName("a".repeat(65)));
        assertEquals("ValidationException", e.errorType());
        assertEquals(400, e.httpStatus());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "fn:1", "fn:$LATEST", "arn:aws:lambda:us-east-1:000000000000:function:f", "../x", "f.n"})
    void badNames(String name) {
        ValidationException e = assertThrows(ValidationException.class, () -> FunctionRules.validateName(name));
        assertTrue(e.getMessage().contains("at 'functionName'"), e.getMessage());
    }

    @Test
    void emptyNameIsRejected() {
        assertThrows(ValidationException.class, () -> FunctionRules.validateName(""));
        assertThrows(ValidationException.class, () -> FunctionRules.validateName(null));
    }

    // ---- numbers ------------------------------------------------------------------------------

    @Test
    void memoryRangeIsFlints128To3008() {
        FunctionRules.validateMemory(128);
        FunctionRules.validateMemory(3008);
        assertMessage(ValidationException.class, "1 validation error detected: Value '127' at 'memorySize'"
                + " failed to satisfy constraint: Member must have value greater than or equal to 128",
                () -> FunctionRules.validateMemory(127));
        ValidationException e = assertThrows(ValidationException.class, () -> FunctionRules.validateMemory(3009));
        assertTrue(e.getMessage().contains("less than or equal to 3008 (flint's limit; AWS allows up to 10240)"),
                e.getMessage());
    }

    @Test
    void timeoutRange() {
        FunctionRules.validateTimeout(1);
        FunctionRules.validateTimeout(900);
        assertMessage(ValidationException.class, "1 validation error detected: Value '0' at 'timeout'"
                + " failed to satisfy constraint: Member must have value greater than or equal to 1",
                () -> FunctionRules.validateTimeout(0));
        assertMessage(ValidationException.class, "1 validation error detected: Value '901' at 'timeout'"
                + " failed to satisfy constraint: Member must have value less than or equal to 900",
                () -> FunctionRules.validateTimeout(901));
    }

    @Test
    void ephemeralStorageRange() {
        FunctionRules.validateEphemeralStorage(512);
        FunctionRules.validateEphemeralStorage(10240);
        ValidationException low = assertThrows(ValidationException.class, () -> FunctionRules.validateEphemeralStorage(511));
        assertTrue(low.getMessage().contains("at 'ephemeralStorage.size'"), low.getMessage());
        assertThrows(ValidationException.class, () -> FunctionRules.validateEphemeralStorage(10241));
    }

    @Test
    void definitionDefaults() {
        FunctionDefinition d = def();
        assertEquals(128, d.memoryMb());
        assertEquals(3, d.timeoutSeconds());
        assertEquals(512, d.ephemeralStorageMb());
        assertEquals(Map.of(), d.environment());
        assertEquals("", d.description());
    }

    @Test
    void definitionValidatesOnConstruction() {
        assertThrows(ValidationException.class, () -> def().withMemoryMb(64));
        assertThrows(ValidationException.class, () -> def().withTimeoutSeconds(901));
        assertThrows(ValidationException.class, () -> def().withDescription("d".repeat(257)));
        def().withDescription("d".repeat(256));
    }

    // ---- environment --------------------------------------------------------------------------

    /** {"K1":"xxx..."} is 9 bytes of JSON around the value. */
    private static Map<String, String> envOfJsonSize(int bytes) {
        return Map.of("K1", "x".repeat(bytes - 9));
    }

    @Test
    void environmentAt4096BytesIsAccepted() {
        Map<String, String> env = envOfJsonSize(4096);
        assertEquals(4096, FunctionRules.measuredEnvironment(env).length());
        assertDoesNotThrow(() -> FunctionRules.validateEnvironment(env));
    }

    @Test
    void environmentAt4097BytesIsRejectedWithAwsMessage() {
        Map<String, String> env = envOfJsonSize(4097);
        InvalidParameterValueException e = assertThrows(InvalidParameterValueException.class,
                () -> FunctionRules.validateEnvironment(env));
        assertEquals("Lambda was unable to configure your environment variables because the environment"
                + " variables you have provided exceeded the 4KB limit. String measured: {\"K1\":\""
                + "x".repeat(4088) + "\"}", e.getMessage());
        assertEquals("InvalidParameterValueException", e.errorType());
    }

    @Test
    void environmentSizeCountsUtf8BytesNotChars() {
        // 2,043 × "é" + "x" = 4,087 bytes but 2,044 chars; + 9 bytes of JSON = 4,096: accepted
        Map<String, String> at = Map.of("K1", "\u00e9".repeat(2043) + "x");
        assertEquals(4096, FunctionRules.measuredEnvironment(at).getBytes(StandardCharsets.UTF_8).length);
        FunctionRules.validateEnvironment(at);
        Map<String, String> over = Map.of("K1", "\u00e9".repeat(2044));
        assertEquals(4097, FunctionRules.measuredEnvironment(over).getBytes(StandardCharsets.UTF_8).length);
        assertThrows(InvalidParameterValueException.class, () -> FunctionRules.validateEnvironment(over));
    }

    @Test
    void environmentSizeCountsKeysAndJsonPunctuation() {
        // many short variables: keys and "":"", count, as in AWS's "String measured"
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < 400; i++) {
            env.put(String.format("K%03d", i), "v"); // "K000":"v", = 11 bytes each
        }
        String measured = FunctionRules.measuredEnvironment(env);
        assertEquals(1 + 400 * 11, measured.length()); // braces + commas
        assertTrue(measured.length() > 4096);
        assertThrows(InvalidParameterValueException.class, () -> FunctionRules.validateEnvironment(env));
    }

    @ParameterizedTest
    @ValueSource(strings = {"A", "1AB", "_AB", "A-B", "A B", "\u00c9T\u00c9"})
    void badEnvironmentKeys(String key) {
        ValidationException e = assertThrows(ValidationException.class,
                () -> FunctionRules.validateEnvironment(Map.of(key, "v")));
        assertTrue(e.getMessage().contains("Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+"),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"AB", "a_1", "AWS_FOO", "LAMBDA_OTHER"})
    void goodEnvironmentKeys(String key) {
        assertDoesNotThrow(() -> FunctionRules.validateEnvironment(Map.of(key, "")));
    }

    static Stream<String> reservedKeys() {
        return Stream.of("_HANDLER", "_X_AMZN_TRACE_ID", "AWS_REGION", "AWS_DEFAULT_REGION",
                "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE",
                "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY",
                "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR");
    }

    @ParameterizedTest
    @MethodSource("reservedKeys")
    void reservedKeysAreRejected(String key) {
        InvalidParameterValueException e = assertThrows(InvalidParameterValueException.class,
                () -> FunctionRules.validateEnvironment(Map.of(key, "v")));
        assertTrue(e.getMessage().endsWith("Reserved keys used in this request: " + key), e.getMessage());
    }

    @Test
    void reservedKeyListIsExactlyAwss() {
        assertEquals(reservedKeys().collect(java.util.stream.Collectors.toSet()), FunctionRules.RESERVED_ENV_KEYS);
    }

    @Test
    void allReservedKeysUsedAreListed() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OK", "1");
        env.put("AWS_REGION", "x");
        env.put("_HANDLER", "y");
        InvalidParameterValueException e = assertThrows(InvalidParameterValueException.class,
                () -> FunctionRules.validateEnvironment(env));
        assertEquals("Lambda was unable to configure your environment variables because the environment"
                + " variables you have provided contains reserved keys that are currently not supported"
                + " for modification. Reserved keys used in this request: AWS_REGION, _HANDLER", e.getMessage());
    }

    @Test
    void environmentKeepsInsertionOrderAndIsUnmodifiable() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String k : List.of("ZZ", "AA", "MM")) {
            env.put(k, k);
        }
        FunctionConfig c = config(env);
        assertEquals(List.of("ZZ", "AA", "MM"), List.copyOf(c.environment().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> c.environment().put("X", "y"));
        env.put("LATE", "x");
        assertEquals(3, c.environment().size(), "a copy, not a view");
    }

    @Test
    void nullEnvironmentValueIsRejected() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AB", null);
        assertThrows(ValidationException.class, () -> FunctionRules.validateEnvironment(env));
    }

    // ---- runtime and handler ----------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"python3.11,python3.11", "java17,java17", "provided,provided",
        "provided.al2,provided", "provided.al2023,provided"})
    void imageForRuntime(String runtime, String image) {
        assertEquals(image, Runtimes.imageFor(runtime));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nodejs18.x", "python3.12", "java21", "", "PROVIDED"})
    void unsupportedRuntimes(String runtime) {
        InvalidParameterValueException e = assertThrows(InvalidParameterValueException.class,
                () -> Runtimes.imageFor(runtime));
        assertEquals("Value " + runtime + " at 'runtime' failed to satisfy constraint: Member must satisfy"
                + " enum value set: [python3.11, java17, provided, provided.al2, provided.al2023]", e.getMessage());
    }

    static Stream<Arguments> handlers() {
        return Stream.of(
                Arguments.of("python3.11", "lambda_function.lambda_handler", true),
                Arguments.of("python3.11", "src/handlers/app.handler", true),
                Arguments.of("python3.11", "pkg.mod.fn", true),
                Arguments.of("python3.11", "lambda_function", false),
                Arguments.of("python3.11", ".handler", false),
                Arguments.of("python3.11", "mod.", false),
                Arguments.of("python3.11", "/abs/mod.fn", false),
                Arguments.of("python3.11", "../up/mod.fn", false),
                Arguments.of("python3.11", "a//b.fn", false),
                Arguments.of("python3.11", "mod.1fn", false),
                Arguments.of("java17", "example.Handler::handleRequest", true),
                Arguments.of("java17", "example.Handler", true),
                Arguments.of("java17", "Handler", true),
                Arguments.of("java17", "example.Handler::", false),
                Arguments.of("java17", "::handleRequest", false),
                Arguments.of("java17", "1example.Handler", false),
                Arguments.of("java17", "example..Handler", false),
                Arguments.of("provided", "function.handler", true),
                Arguments.of("provided.al2023", "anything-at-all/even:this", true),
                Arguments.of("provided", "has space", false),
                Arguments.of("provided", "", false),
                Arguments.of("provided", "h".repeat(128), true),
                Arguments.of("provided", "h".repeat(129), false));
    }

    @ParameterizedTest
    @MethodSource("handlers")
    void handlerSyntax(String runtime, String handler, boolean ok) {
        if (ok) {
            assertDoesNotThrow(() -> Runtimes.validateHandler(runtime, handler));
        } else {
            assertThrows(InvalidParameterValueException.class, () -> Runtimes.validateHandler(runtime, handler));
        }
    }

    @Test
    void pythonHandlerErrorSaysWhatIsExpected() {
        InvalidParameterValueException e = assertThrows(InvalidParameterValueException.class,
                () -> Runtimes.validateHandler("python3.11", "lambda_function"));
        assertTrue(e.getMessage().contains("expected [path/]module.function"), e.getMessage());
    }

    // ---- time, ARNs, record ---------------------------------------------------------------------

    @Test
    void lastModifiedInAwsFormat() {
        assertEquals("2024-01-01T12:00:00.000+0000", config(null).lastModifiedText());
        Instant t = Instant.parse("2024-03-05T06:07:08.123456789Z");
        assertEquals("2024-03-05T06:07:08.123+0000", FunctionConfig.formatLastModified(t));
        assertEquals(Instant.parse("2024-03-05T06:07:08.123Z"),
                FunctionConfig.parseLastModified("2024-03-05T06:07:08.123+0000"));
    }

    @Test
    void lastModifiedIsTruncatedToMillisSoItRoundTrips() {
        FunctionConfig c = new FunctionConfig("fn", "provided", "h", 128, 3, null, 512, "sha", 1, null,
                Instant.parse("2024-03-05T06:07:08.123456789Z"), null, CODE);
        assertEquals(c.lastModified(), FunctionConfig.parseLastModified(c.lastModifiedText()));
    }

    @Test
    void configDefaultsVersionAndDescription() {
        FunctionConfig c = config(null);
        assertEquals("$LATEST", c.version());
        assertEquals("", c.description());
        assertEquals("python3.11", c.image());
    }

    @Test
    void arnsUseDefaultsAndSystemProperties() {
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:fn", config(null).functionArn());
        withProperties(() -> assertEquals("arn:aws:lambda:eu-west-1:123456789012:function:fn:$LATEST",
                FunctionArns.functionArn("fn", "$LATEST")));
    }

    static void withProperties(Runnable r) {
        System.setProperty(FunctionArns.REGION_PROPERTY, "eu-west-1");
        System.setProperty(FunctionArns.ACCOUNT_PROPERTY, "123456789012");
        try {
            r.run();
        } finally {
            System.clearProperty(FunctionArns.REGION_PROPERTY);
            System.clearProperty(FunctionArns.ACCOUNT_PROPERTY);
        }
    }

    @Test
    void updateAppliesOnlyNonNullFields() {
        FunctionConfig c = config(Map.of("AB", "1"));
        Instant later = Instant.parse("2025-01-01T00:00:00Z");
        FunctionConfig u = c.with(FunctionUpdate.none().withMemoryMb(256), later);
        assertEquals(256, u.memoryMb());
        assertEquals(c.handler(), u.handler());
        assertEquals(c.environment(), u.environment());
        assertEquals(later, u.lastModified());
        assertEquals(Map.of(), c.with(FunctionUpdate.none().withEnvironment(Map.of()), later).environment(),
                "an empty map clears the variables");
        assertThrows(ValidationException.class, () -> c.with(FunctionUpdate.none().withTimeoutSeconds(0), later));
    }

    @Test
    void exceptionTypesAndStatuses() {
        List<FunctionException> all = List.of(new InvalidParameterValueException("m"),
                new ResourceNotFoundException("m"), new ResourceConflictException("m"),
                new CodeStorageExceededException("m"), new RequestTooLargeException("m"),
                new ValidationException("m"), new CodeValidationException("m"));
        assertEquals(List.of("InvalidParameterValueException", "ResourceNotFoundException",
                "ResourceConflictException", "CodeStorageExceededException", "RequestTooLargeException",
                "ValidationException", "InvalidParameterValueException"),
                all.stream().map(FunctionException::errorType).toList());
        assertEquals(List.of(400, 404, 409, 400, 413, 400, 400),
                all.stream().map(FunctionException::httpStatus).toList());
    }
}
