package dev.flint.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class FunctionVersionsTest extends RegistryFixture {

    private List<String> versionNames(String fn) {
        return registry.listVersions(fn).stream().map(FunctionConfig::version).toList();
    }

    @Test
    void publishFreezesLatestIntoNumberedImmutableCopies() throws IOException {
        FunctionConfig latest = create("f");
        tick();
        FunctionConfig v1 = registry.publishVersion("f", "first", null, null);
        assertEquals("1", v1.version());
        assertEquals("first", v1.description());
        assertEquals(latest.codeSha256(), v1.codeSha256());
        assertEquals(latest.codeDir(), v1.codeDir());
        assertNotEquals(latest.revisionId(), v1.revisionId());
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:f:1", v1.versionArn());

        tick();
        registry.updateConfiguration("f", FunctionUpdate.none().withMemoryMb(512));
        FunctionConfig v2 = registry.publishVersion("f", null, null, null);
        assertEquals("2", v2.version());
        assertEquals(512, v2.memoryMb());
        assertEquals("", v2.description(), "no description given: $LATEST's");

        registry.updateConfiguration("f", FunctionUpdate.none().withMemoryMb(1024));
        assertEquals(128, registry.getVersion("f", "1").memoryMb(), "versions are immutable");
        assertEquals(512, registry.getVersion("f", "2").memoryMb());
        assertEquals(1024, registry.getVersion("f", "$LATEST").memoryMb());
        assertEquals(1024, registry.getVersion("f", null).memoryMb());
        assertEquals(List.of("$LATEST", "1", "2"), versionNames("f"));
    }

    @Test
    void publishingWithoutChangesReturnsTheLastVersion() throws IOException {
        create("f");
        FunctionConfig v1 = registry.publishVersion("f", null, null, null);
        assertEquals(v1, registry.publishVersion("f", "other description", null, null));
        assertEquals(List.of("$LATEST", "1"), versionNames("f"));
        registry.updateCode("f", code("new", "changed"));
        assertEquals("2", registry.publishVersion("f", null, null, null).version(), "code changed");
        registry.updateConfiguration("f", FunctionUpdate.none().withTimeoutSeconds(30));
        assertEquals("3", registry.publishVersion("f", null, null, null).version(), "configuration changed");
        assertEquals("3", registry.publishVersion("f", null, null, null).version());
    }

    @Test
    void versionNumbersAreNeverReused() throws IOException {
        create("f");
        registry.publishVersion("f", null, null, null);
        registry.updateConfiguration("f", FunctionUpdate.none().withTimeoutSeconds(10));
        registry.publishVersion("f", null, null, null);
        registry.deleteVersion("f", "2");
        registry.updateConfiguration("f", FunctionUpdate.none().withTimeoutSeconds(20));
        assertEquals("3", registry.publishVersion("f", null, null, null).version());
        assertEquals(List.of("$LATEST", "1", "3"), versionNames("f"));
    }

    @Test
    void publishPreconditions() throws IOException {
        FunctionConfig latest = create("f");
        InvalidParameterValueException sha = assertThrows(InvalidParameterValueException.class,
                () -> registry.publishVersion("f", null, "bogus", null));
        assertEquals("CodeSHA256 (bogus) is different from current CodeSHA256 in $LATEST ("
                + latest.codeSha256() + "). Please try again with the current CodeSHA256.", sha.getMessage());
        PreconditionFailedException rev = assertThrows(PreconditionFailedException.class,
                () -> registry.publishVersion("f", null, null, "stale"));
        assertEquals(412, rev.httpStatus());
        assertTrue(rev.getMessage().startsWith("The Revision Id provided does not match the latest Revision Id."));
        assertEquals(List.of("$LATEST"), versionNames("f"), "nothing published");
        assertEquals("1", registry.publishVersion("f", null, latest.codeSha256(), latest.revisionId()).version());
        assertThrows(ResourceNotFoundException.class, () -> registry.publishVersion("nope", null, null, null));
    }

    @Test
    void revisionIdChangesOnEveryUpdate() throws IOException {
        FunctionConfig a = create("f");
        FunctionConfig b = registry.updateConfiguration("f", FunctionUpdate.none().withTimeoutSeconds(5));
        FunctionConfig c = registry.updateCode("f", code("x", "y"));
        assertNotEquals(a.revisionId(), b.revisionId());
        assertNotEquals(b.revisionId(), c.revisionId());
        assertEquals(c.revisionId(), registry.require("f").revisionId(), "stable between reads");
        assertEquals(c.revisionId(), reopen().require("f").revisionId(), "persisted");
    }

    @Test
    void deleteVersionRules() throws IOException {
        create("f");
        registry.publishVersion("f", null, null, null);
        InvalidParameterValueException latest = assertThrows(InvalidParameterValueException.class,
                () -> registry.deleteVersion("f", "$LATEST"));
        assertEquals("$LATEST version cannot be deleted without deleting the function.", latest.getMessage());
        registry.createAlias("f", "live", "1", null, null);
        ResourceConflictException used = assertThrows(ResourceConflictException.class,
                () -> registry.deleteVersion("f", "1"));
        assertEquals("Unable to delete version because the following aliases reference it: [live]", used.getMessage());
        ResourceNotFoundException missing = assertThrows(ResourceNotFoundException.class,
                () -> registry.deleteVersion("f", "7"));
        assertEquals("Function not found: arn:aws:lambda:us-east-1:000000000000:function:f:7", missing.getMessage());
        registry.deleteAlias("f", "live");
        registry.deleteVersion("f", "1");
        assertThrows(ResourceNotFoundException.class, () -> registry.getVersion("f", "1"));
    }

    @Test
    void codeStaysWhileAVersionUsesIt() throws IOException {
        FunctionConfig v0 = create("f");
        registry.publishVersion("f", null, null, null);
        FunctionConfig next = registry.updateCode("f", code("b", "two"));
        assertTrue(Files.isDirectory(v0.codeDir()), "version 1 still runs the old code");
        assertEquals(v0.codeDir(), registry.getVersion("f", "1").codeDir());
        registry.deleteVersion("f", "1");
        assertFalse(Files.exists(v0.codeDir()), "now unreferenced");
        assertEquals(List.of(next.codeDir().getFileName().toString()), codeDirs());
    }

    @Test
    void deleteFunctionRemovesVersionsAliasesAndTheirCode() throws IOException {
        create("f");
        registry.publishVersion("f", null, null, null);
        registry.updateCode("f", code("b", "two"));
        registry.publishVersion("f", null, null, null);
        registry.createAlias("f", "live", "2", null, null);
        registry.putReservedConcurrency("f", 5);
        registry.putEventInvokeConfig("f", "live", 1, null, null, null);
        registry.delete("f");
        assertEquals(List.of(), codeDirs());
        assertEquals(0, registry.totalReserved());
        create("f");
        assertEquals(List.of("$LATEST"), versionNames("f"), "old versions are gone");
        assertEquals(List.of(), registry.listAliases("f", null));
        assertTrue(registry.eventInvokeConfig("f", null).isEmpty());
        assertEquals("1", registry.publishVersion("f", null, null, null).version(), "a new function starts at 1");
    }

    @Test
    void versionsSurviveARestart() throws IOException {
        create("f");
        FunctionConfig v1 = registry.publishVersion("f", "d", null, null);
        assertEquals(v1, reopen().getVersion("f", "1"));
        assertEquals(v1, registry.publishVersion("f", null, null, null), "still unchanged after restart");
    }

    @Test
    void unknownVersionIsNotFound() throws IOException {
        create("f");
        ResourceNotFoundException e = assertThrows(ResourceNotFoundException.class, () -> registry.getVersion("f", "3"));
        assertEquals("Function not found: arn:aws:lambda:us-east-1:000000000000:function:f:3", e.getMessage());
        assertThrows(ResourceNotFoundException.class, () -> registry.listVersions("nope"));
    }
}
