package dev.flint.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** WWW-Authenticate parsing: the challenges registries send (distribution, Docker Hub, ECR, GHCR). */
class AuthChallengeTest {

    @Test
    void basicWithRealm() {
        List<AuthChallenge> cs = AuthChallenge.parse("Basic realm=\"basic-realm\"");
        assertEquals(1, cs.size());
        assertTrue(cs.get(0).isScheme("basic"));
        assertEquals("basic-realm", cs.get(0).param("realm"));
    }

    @Test
    void dockerHubBearer() {
        AuthChallenge c = AuthChallenge.parse("Bearer realm=\"https://auth.docker.io/token\","
                + "service=\"registry.docker.io\",scope=\"repository:library/python:pull\"").get(0);
        assertEquals("Bearer", c.scheme());
        assertEquals("https://auth.docker.io/token", c.param("realm"));
        assertEquals("registry.docker.io", c.param("service"));
        assertEquals("repository:library/python:pull", c.param("scope"));
    }

    @Test
    void commaInsideAQuotedScopeAndASecondChallenge() {
        List<AuthChallenge> cs = AuthChallenge.parse("Bearer realm=\"https://r.example/token\", "
                + "service=\"r.example\", scope=\"repository:team/app:pull,push\", error=\"insufficient_scope\","
                + " Basic realm=\"fallback\"");
        assertEquals(2, cs.size());
        assertEquals("repository:team/app:pull,push", cs.get(0).param("scope"));
        assertEquals("insufficient_scope", cs.get(0).param("error"));
        assertTrue(cs.get(1).isScheme("Basic"));
        assertEquals("fallback", cs.get(1).param("realm"));
    }

    @Test
    void escapedQuotesCaseAndUnquotedValues() {
        AuthChallenge c = AuthChallenge.parse("basic Realm=\"a \\\"quoted\\\" realm\"").get(0);
        assertTrue(c.isScheme("Basic"));
        assertEquals("a \"quoted\" realm", c.param("realm"));
        AuthChallenge u = AuthChallenge.parse("Bearer realm=https://x.example/token , service=reg").get(0);
        assertEquals("https://x.example/token", u.param("realm"));
        assertEquals("reg", u.param("service"));
    }

    @Test
    void blankOrBareScheme() {
        assertEquals(List.of(), AuthChallenge.parse(null));
        assertEquals(List.of(), AuthChallenge.parse("  "));
        List<AuthChallenge> cs = AuthChallenge.parse("Negotiate, Basic realm=\"r\"");
        assertEquals(2, cs.size());
        assertEquals("Negotiate", cs.get(0).scheme());
        assertTrue(cs.get(0).params().isEmpty());
    }
}
