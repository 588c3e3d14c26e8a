package dev.flint.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The token service of Docker's token auth for a test registry: a key pair and self-signed
 * certificate made with the JDK's keytool (the registry trusts the certificate), and a small
 * HTTP endpoint that checks Basic credentials and hands out RS256 JWTs with the x5c header and
 * the access the scope asks for. The registry (distribution 2.8) verifies every token itself.
 */
public final class TokenServer implements AutoCloseable {
    public static final String ISSUER = "flint-test-issuer";
    public static final String SERVICE = "flint-test-registry";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final PrivateKey key;
    private final Certificate cert;
    public final Path certPem;
    /** Every request: "anonymous" or the user, and the scope. */
    public final List<String> requests = new CopyOnWriteArrayList<>();

    private TokenServer(HttpServer server, PrivateKey key, Certificate cert, Path certPem) {
        this.server = server;
        this.key = key;
        this.cert = cert;
        this.certPem = certPem;
    }

    /** Starts on 127.0.0.1; tokens go to {@code user:password} only. */
    public static TokenServer start(Path dir, String user, String password) {
        try {
            Files.createDirectories(dir);
            Path ks = dir.resolve("token.p12");
            Path pem = dir.resolve("token.pem");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Tools.ok(keytool, "-genkeypair", "-alias", "token", "-keyalg", "RSA", "-keysize", "2048",
                    "-dname", "CN=flint-token", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(),
                    "-storepass", "flintpw", "-keypass", "flintpw");
            Tools.ok(keytool, "-exportcert", "-rfc", "-alias", "token", "-keystore", ks.toString(),
                    "-storepass", "flintpw", "-file", pem.toString());
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = new FileInputStream(ks.toFile())) {
                store.load(in, "flintpw".toCharArray());
            }
            PrivateKey key = (PrivateKey) store.getKey("token", "flintpw".toCharArray());
            Certificate cert = store.getCertificate("token");
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            TokenServer t = new TokenServer(http, key, cert, pem);
            String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
            http.createContext("/token", ex -> {
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                String scope = query(ex.getRequestURI().getRawQuery(), "scope");
                t.requests.add((auth == null ? "anonymous" : auth.equals(expected) ? user : "wrong") + " " + scope);
                byte[] body;
                int status;
                if (!expected.equals(auth)) {
                    status = 401;
                    body = "{\"details\":\"access denied\"}".getBytes(StandardCharsets.UTF_8);
                } else {
                    status = 200;
                    String jwt = t.jwt(user, scope);
                    body = ("{\"token\":\"" + jwt + "\",\"access_token\":\"" + jwt + "\",\"expires_in\":300}")
                            .getBytes(StandardCharsets.UTF_8);
                }
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(status, body.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body);
                }
            });
            http.start();
            return t;
        } catch (Exception e) {
            throw new IllegalStateException("token server: " + e, e);
        }
    }

    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** The registry config's {@code auth:} section for this service. */
    public String registryAuthConfig() {
        return "auth:\n  token:\n    realm: " + realm() + "\n    service: " + SERVICE + "\n    issuer: " + ISSUER
                + "\n    rootcertbundle: " + certPem + "\n";
    }

    private String jwt(String user, String scope) {
        try {
            ObjectNode header = JSON.createObjectNode().put("typ", "JWT").put("alg", "RS256");
            header.putArray("x5c").add(Base64.getEncoder().encodeToString(cert.getEncoded()));
            long now = System.currentTimeMillis() / 1000;
            ObjectNode claims = JSON.createObjectNode().put("iss", ISSUER).put("sub", user).put("aud", SERVICE)
                    .put("exp", now + 300).put("nbf", now - 10).put("iat", now).put("jti", UUID.randomUUID().toString());
            var access = claims.putArray("access");
            if (scope != null) {
                for (String s : scope.split(" ")) {
                    String[] p = s.split(":");
                    if (p.length == 3) {
                        ObjectNode a = access.addObject().put("type", p[0]).put("name", p[1]);
                        for (String act : p[2].split(",")) {
                            a.withArray("actions").add(act);
                        }
                    }
                }
            }
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String signingInput = b64.encodeToString(JSON.writeValueAsBytes(header)) + "."
                    + b64.encodeToString(JSON.writeValueAsBytes(claims));
            Signature sig = Signature.getInstance("SHA256withRSA");
            sig.initSign(key);
            sig.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64.encodeToString(sig.sign());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String query(String raw, String name) {
        if (raw == null) {
            return null;
        }
        StringBuilder all = new StringBuilder();
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0 && kv.substring(0, eq).equals(name)) {
                all.append(all.length() > 0 ? " " : "").append(URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return all.length() == 0 ? null : all.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
