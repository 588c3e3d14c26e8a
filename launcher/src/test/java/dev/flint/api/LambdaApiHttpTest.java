package dev.flint.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wire format, byte for byte where an SDK looks: paths, statuses, headers, error bodies. */
class LambdaApiHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FN = "/2015-03-31/functions";

    @TempDir Path tmp;
    ApiFixture f;

    @BeforeEach
    void setUp() {
        f = new ApiFixture(tmp);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    private void create(String name) {
        HttpResponse<String> r = f.send("POST", FN, ApiFixture.createBody(name, ""));
        assertEquals(201, r.statusCode(), r.body());
    }

    private static void assertError(HttpResponse<String> r, int status, String type, String messageKey)
            throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(type, r.headers().firstValue("x-amzn-ErrorType").orElse(null), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(null));
        assertTrue(r.headers().firstValue("x-amzn-RequestId").isPresent());
        JsonNode body = json(r);
        assertEquals("User", body.path("Type").asText(), r.body());
        assertTrue(body.path(messageKey).isTextual(), "message under '" + messageKey + "': " + r.body());
        String other = messageKey.equals("message") ? "Message" : "message";
        assertFalse(body.has(other), r.body());
    }

    @Test
    void createReturns201WithAwsConfigurationShape() throws IOException {
        HttpResponse<String> r = f.send("POST", FN, ApiFixture.createBody("hello",
                ",\"MemorySize\":256,\"Environment\":{\"Variables\":{\"AB\":\"b\"}},\"SomeFutureField\":{\"x\":1}"));
        assertEquals(201, r.statusCode(), r.body());
        JsonNode c = json(r);
        assertEquals("hello", c.get("FunctionName").asText());
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:hello", c.get("FunctionArn").asText());
        assertEquals("python3.11", c.get("Runtime").asText());
        assertEquals(256, c.get("MemorySize").asInt());
        assertEquals(3, c.get("Timeout").asInt());
        assertEquals("$LATEST", c.get("Version").asText());
        assertEquals("b", c.at("/Environment/Variables/AB").asText());
        assertEquals("Active", c.get("State").asText());
        assertEquals("Successful", c.get("LastUpdateStatus").asText());
        assertEquals("Zip", c.get("PackageType").asText());
        assertEquals("x86_64", c.at("/Architectures/0").asText());
        assertEquals(512, c.at("/EphemeralStorage/Size").asInt());
        assertEquals("None", c.at("/SnapStart/ApplyOn").asText());
        assertEquals("Off", c.at("/SnapStart/OptimizationStatus").asText());
        assertTrue(c.get("RevisionId").asText().matches("[0-9a-f-]{36}"));
        assertTrue(c.get("LastModified").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+0000"));
        assertEquals(44, c.get("CodeSha256").asText().length(), "base64 of a SHA-256");
        assertTrue(c.get("CodeSize").asLong() > 0);
    }

    @Test
    void getFunctionHasConfigurationAndCode() throws IOException {
        create("hello");
        HttpResponse<String> r = f.send("GET", FN + "/hello", (String) null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = json(r);
        assertEquals("hello", body.at("/Configuration/FunctionName").asText());
        assertEquals("S3", body.at("/Code/RepositoryType").asText());
        assertFalse(body.has("Concurrency"), "no reserved concurrency set: AWS omits it");
    }

    @Test
    void namesArnsAndQualifiersResolve() throws IOException {
        create("hello");
        for (String n : new String[] {"hello", "hello%3A%24LATEST", "arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Ahello",
                "000000000000%3Afunction%3Ahello", "arn:aws:lambda:us-east-1:000000000000:function:hello:$LATEST"}) {
            HttpResponse<String> r = f.send("GET", FN + "/" + n + "/configuration", (String) null);
            assertEquals(200, r.statusCode(), n + ": " + r.body());
            assertEquals("hello", json(r).get("FunctionName").asText());
        }
        assertError(f.send("GET", FN + "/arn%3Aaws%3Alambda%3Aus-east-1%3A111111111111%3Afunction%3Ahello", (String) null),
                404, "ResourceNotFoundException", "Message");
        assertError(f.send("GET", FN + "/hello%3A7/configuration", (String) null), 404, "ResourceNotFoundException", "Message");
        assertError(f.send("GET", FN + "/hello%3A1/configuration?Qualifier=2", (String) null),
                400, "InvalidParameterValueException", "message");
    }

    @Test
    void unknownFunctionIs404WithCapitalMessage() throws IOException {
        HttpResponse<String> r = f.send("GET", FN + "/nope", (String) null);
        assertError(r, 404, "ResourceNotFoundException", "Message");
        assertEquals("Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope",
                json(r).get("Message").asText());
    }

    @Test
    void unknownRouteIsUnknownOperation() throws IOException {
        assertError(f.send("GET", "/2015-03-31/nothing-here", (String) null), 404, "UnknownOperationException", "message");
        assertError(f.send("PATCH", FN + "/x", "{}"), 404, "UnknownOperationException", "message");
    }

    @Test
    void malformedJsonIsInvalidRequestContent() throws IOException {
        assertError(f.send("POST", FN, "{not json"), 400, "InvalidRequestContentException", "message");
        assertError(f.send("POST", FN, "[1,2]"), 400, "InvalidRequestContentException", "message");
        assertError(f.send("POST", FN, "{\"FunctionName\":\"x\",\"MemorySize\":\"big\"}"), 400,
                "InvalidRequestContentException", "message");
    }

    @Test
    void badParametersUseAwsTypes() throws IOException {
        HttpResponse<String> r = f.send("POST", FN, ApiFixture.createBody("m", ",\"MemorySize\":64"));
        assertError(r, 400, "ValidationException", "message");
        assertEquals("1 validation error detected: Value '64' at 'memorySize' failed to satisfy constraint: "
                + "Member must have value greater than or equal to 128", json(r).get("message").asText());
        assertError(f.send("POST", FN, ApiFixture.createBody("t", ",\"Timeout\":901")), 400, "ValidationException", "message");
        assertError(f.send("POST", FN, ApiFixture.createBody("r", "").replace("python3.11", "python2.1")),
                400, "InvalidParameterValueException", "message");
        assertError(f.send("POST", FN, ApiFixture.createBody("h", "").replace("lambda_function.lambda_handler", "nodots")),
                400, "InvalidParameterValueException", "message");
        assertError(f.send("POST", FN, "{\"FunctionName\":\"z\",\"Runtime\":\"python3.11\",\"Handler\":\"a.b\","
                + "\"Code\":{\"ZipFile\":\"" + Base64.getEncoder().encodeToString("not a zip".getBytes()) + "\"}}"),
                400, "InvalidParameterValueException", "message");
        assertError(f.send("POST", FN, "{\"FunctionName\":\"z\",\"Runtime\":\"python3.11\",\"Handler\":\"a.b\","
                + "\"Code\":{\"S3Bucket\":\"b\",\"S3Key\":\"k\"}}"), 400, "InvalidParameterValueException", "message");
        create("dup");
        assertError(f.send("POST", FN, ApiFixture.createBody("dup", "")), 409, "ResourceConflictException", "message");
    }

    @Test
    void oversizedBodiesAre413() throws IOException {
        create("hello");
        byte[] big = new byte[ApiLimits.SYNC_PAYLOAD_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        HttpResponse<String> r = f.send("POST", FN + "/hello/invocations", big);
        assertError(r, 413, ApiLimits.TOO_LARGE_ERROR_TYPE, "message");
        assertEquals("Request must be smaller than 6291456 bytes for the InvokeFunction operation",
                json(r).get("message").asText());

        byte[] event = new byte[ApiLimits.ASYNC_PAYLOAD_BYTES + 1];
        java.util.Arrays.fill(event, (byte) ' ');
        assertError(f.send("POST", FN + "/hello/invocations", event, "X-Amz-Invocation-Type", "Event"),
                413, ApiLimits.TOO_LARGE_ERROR_TYPE, "message");
        assertTrue(f.accepted.isEmpty());

        byte[] exactly = new byte[ApiLimits.ASYNC_PAYLOAD_BYTES];
        java.util.Arrays.fill(exactly, (byte) ' ');
        exactly[0] = '{';
        exactly[exactly.length - 1] = '}';
        assertEquals(202, f.send("POST", FN + "/hello/invocations", exactly, "X-Amz-Invocation-Type", "Event").statusCode());
    }

    @Test
    void createFunctionOverTheCodeLimitIs413() throws IOException {
        byte[] body = new byte[(int) ApiLimits.CODE_REQUEST_BYTES + 1];
        java.util.Arrays.fill(body, (byte) ' ');
        HttpResponse<String> r = f.send("POST", FN, body);
        assertError(r, 413, ApiLimits.TOO_LARGE_ERROR_TYPE, "message");
        assertEquals("Request must be smaller than 69905067 bytes for the CreateFunction operation",
                json(r).get("message").asText());
    }

    @Test
    void syncInvokeHeaders() throws IOException {
        create("hello");
        HttpResponse<String> r = f.send("POST", FN + "/hello/invocations", "{\"k\":1}", "X-Amz-Log-Type", "Tail",
                "X-Amz-Client-Context", Base64.getEncoder().encodeToString("{\"custom\":{\"a\":\"b\"}}".getBytes()));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{\"k\":1}", r.body());
        assertEquals("$LATEST", r.headers().firstValue("X-Amz-Executed-Version").orElse(null));
        assertTrue(r.headers().firstValue("X-Amz-Function-Error").isEmpty());
        String tail = new String(Base64.getDecoder().decode(r.headers().firstValue("X-Amz-Log-Result").orElseThrow()),
                StandardCharsets.UTF_8);
        assertTrue(tail.startsWith("START RequestId: r1"), tail);
        assertEquals("{\"custom\":{\"a\":\"b\"}}", f.clientContexts.get(0));

        HttpResponse<String> noTail = f.send("POST", FN + "/hello/invocations", "{}");
        assertTrue(noTail.headers().firstValue("X-Amz-Log-Result").isEmpty(), "no tail unless asked");
    }

    @Test
    void functionErrorIsStill200WithUnhandled() throws IOException {
        create("hello");
        f.behaviour = (fn, p) -> new dev.flint.invoke.InvokeResponse("r2",
                "{\"errorType\":\"Runtime.ExitError\",\"errorMessage\":\"boom\"}".getBytes(), "Unhandled",
                "Runtime.ExitError", fn.version(), "", false, 0, 0, 0);
        HttpResponse<String> r = f.send("POST", FN + "/hello/invocations", "{}");
        assertEquals(200, r.statusCode());
        assertEquals("Unhandled", r.headers().firstValue("X-Amz-Function-Error").orElse(null));
        assertEquals("r2", r.headers().firstValue("x-amzn-RequestId").orElse(null));
    }

    @Test
    void throttleIs429WithReasonAndRetryAfter() throws IOException {
        create("hello");
        f.behaviour = (fn, p) -> {
            throw ApiException.tooManyRequests("ReservedFunctionConcurrentInvocationLimitExceeded", 1);
        };
        HttpResponse<String> r = f.send("POST", FN + "/hello/invocations", "{}");
        assertError(r, 429, "TooManyRequestsException", "message");
        JsonNode body = json(r);
        assertEquals("ReservedFunctionConcurrentInvocationLimitExceeded", body.get("Reason").asText());
        assertEquals("Rate Exceeded.", body.get("message").asText());
        assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
    }

    @Test
    void eventIs202AfterAcceptingAndDryRunIs204() throws IOException {
        create("hello");
        HttpResponse<String> r = f.send("POST", FN + "/hello/invocations?Qualifier=%24LATEST", "{\"e\":1}",
                "X-Amz-Invocation-Type", "Event");
        assertEquals(202, r.statusCode(), r.body());
        assertEquals("", r.body());
        assertEquals(1, f.accepted.size());
        assertEquals(r.headers().firstValue("x-amzn-RequestId").orElseThrow(), f.accepted.get(0).requestId());
        assertEquals("$LATEST", f.accepted.get(0).input().qualifier());
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:hello:$LATEST",
                f.accepted.get(0).input().invokedFunctionArn());
        assertEquals("{\"e\":1}", new String(f.accepted.get(0).input().payload(), StandardCharsets.UTF_8));

        assertEquals(204, f.send("POST", FN + "/hello/invocations", "{}", "X-Amz-Invocation-Type", "DryRun").statusCode());
        assertError(f.send("POST", FN + "/nope/invocations", "{}", "X-Amz-Invocation-Type", "DryRun"),
                404, "ResourceNotFoundException", "Message");
        assertError(f.send("POST", FN + "/hello/invocations", "{}", "X-Amz-Invocation-Type", "Sometimes"),
                400, "InvalidParameterValueException", "message");
        assertTrue(f.clientContexts.isEmpty(), "DryRun and Event never run synchronously");
    }

    @Test
    void listFunctionsPages() throws IOException {
        for (String n : new String[] {"a", "b", "c"}) {
            create(n);
        }
        HttpResponse<String> first = f.send("GET", FN + "/?MaxItems=2", (String) null);
        assertEquals(200, first.statusCode(), first.body());
        JsonNode p1 = json(first);
        assertEquals(2, p1.get("Functions").size());
        assertEquals("a", p1.at("/Functions/0/FunctionName").asText());
        String marker = p1.get("NextMarker").asText();
        JsonNode p2 = json(f.send("GET", FN + "/?MaxItems=2&Marker=" + marker, (String) null));
        assertEquals(1, p2.get("Functions").size());
        assertEquals("c", p2.at("/Functions/0/FunctionName").asText());
        assertNull(p2.get("NextMarker"));
    }

    @Test
    void updateConfigurationAndCode() throws IOException {
        create("hello");
        HttpResponse<String> r = f.send("PUT", FN + "/hello/configuration", "{\"MemorySize\":512,\"Timeout\":10}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(512, json(r).get("MemorySize").asInt());
        String rev = json(r).get("RevisionId").asText();
        assertError(f.send("PUT", FN + "/hello/configuration", "{\"MemorySize\":64}"), 400, "ValidationException", "message");
        assertError(f.send("PUT", FN + "/hello/configuration", "{\"Timeout\":5,\"RevisionId\":\"stale\"}"),
                412, "PreconditionFailedException", "message");
        HttpResponse<String> ok = f.send("PUT", FN + "/hello/configuration", "{\"Timeout\":5,\"RevisionId\":\"" + rev + "\"}");
        assertEquals(200, ok.statusCode(), ok.body());

        String zip = Base64.getEncoder().encodeToString(ApiFixture.zip(java.util.Map.of("lambda_function.py",
                "def lambda_handler(e, c):\n    return 2\n")));
        HttpResponse<String> code = f.send("PUT", FN + "/hello/code", "{\"ZipFile\":\"" + zip + "\"}");
        assertEquals(200, code.statusCode(), code.body());
        assertFalse(json(code).get("CodeSha256").asText().equals(json(r).get("CodeSha256").asText()));
    }

    @Test
    void deleteFunction() throws IOException {
        create("hello");
        assertError(f.send("DELETE", FN + "/hello?Qualifier=%24LATEST", (String) null), 400,
                "InvalidParameterValueException", "message");
        HttpResponse<String> r = f.send("DELETE", FN + "/hello", (String) null);
        assertEquals(204, r.statusCode(), r.body());
        assertEquals("", r.body());
        assertError(f.send("DELETE", FN + "/hello", (String) null), 404, "ResourceNotFoundException", "Message");
    }

    @Test
    void accountSettings() throws IOException {
        create("hello");
        HttpResponse<String> r = f.send("GET", "/2016-08-19/account-settings/", (String) null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode b = json(r);
        assertEquals(1000, b.at("/AccountLimit/ConcurrentExecutions").asInt());
        assertEquals(1, b.at("/AccountUsage/FunctionCount").asInt());
    }
}
