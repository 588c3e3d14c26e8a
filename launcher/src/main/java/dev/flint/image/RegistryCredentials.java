package dev.flint.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * A username and password (or token) for a registry: given on the command line, or read from
 * Docker's {@code config.json} ({@code $DOCKER_CONFIG/config.json}, else
 * {@code ~/.docker/config.json}), where {@code docker login}, {@code skopeo login} and
 * {@code podman login --authfile} store them under {@code auths.<registry>.auth} as base64 of
 * {@code user:password}. Credential helpers ({@code credsStore}, {@code credHelpers}) are not
 * run.
 */
public record RegistryCredentials(String username, String password) {
    public RegistryCredentials {
        if (username == null || username.isEmpty() || password == null) {
            throw new ImageException("registry credentials need a username and a password");
        }
    }

    /** {@code Basic base64(user:password)}. */
    public String basicHeader() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "RegistryCredentials[" + username + ", ****]";
    }

    /** Docker's config file: {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}. */
    public static Path defaultConfigFile() {
        String dir = System.getenv("DOCKER_CONFIG");
        return dir != null && !dir.isEmpty() ? Path.of(dir, "config.json")
                : Path.of(System.getProperty("user.home"), ".docker", "config.json");
    }

    /**
     * The credentials {@code configFile} holds for {@code registry} ({@code host[:port]}; Docker
     * Hub is stored as {@code https://index.docker.io/v1/}). Empty when the file or the entry is
     * missing.
     */
    public static Optional<RegistryCredentials> fromDockerConfig(Path configFile, String registry) {
        if (!Files.isRegularFile(configFile)) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(configFile.toFile());
        } catch (IOException e) {
            throw new ImageException("cannot read registry credentials from '" + configFile + "': " + e.getMessage());
        }
        JsonNode auths = root == null ? null : root.get("auths");
        if (auths == null || !auths.isObject()) {
            return Optional.empty();
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!registryOf(e.getKey()).equals(registry)) {
                continue;
            }
            JsonNode v = e.getValue();
            String auth = v.path("auth").asText("");
            if (!auth.isEmpty()) {
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException ex) {
                    throw new ImageException("'" + configFile + "': auths." + e.getKey() + ".auth is not base64");
                }
                int colon = decoded.indexOf(':');
                if (colon <= 0) {
                    throw new ImageException("'" + configFile + "': auths." + e.getKey()
                            + ".auth is not base64 of user:password");
                }
                return Optional.of(new RegistryCredentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
            }
            if (v.hasNonNull("username") && v.hasNonNull("password")) {
                return Optional.of(new RegistryCredentials(v.get("username").asText(), v.get("password").asText()));
            }
        }
        return Optional.empty();
    }

    /** Whether the config delegates to a credential helper flint does not run. */
    public static boolean usesCredentialHelper(Path configFile) {
        try {
            JsonNode root = Files.isRegularFile(configFile) ? new ObjectMapper().readTree(configFile.toFile()) : null;
            return root != null && (root.hasNonNull("credsStore") || root.hasNonNull("credHelpers"));
        } catch (IOException e) {
            return false;
        }
    }

    /** A config key ({@code https://host:port/v1/}, {@code host:port}) as {@code host[:port]}. */
    static String registryOf(String key) {
        String k = key;
        int scheme = k.indexOf("://");
        if (scheme >= 0) {
            k = k.substring(scheme + 3);
        }
        int slash = k.indexOf('/');
        if (slash >= 0) {
            k = k.substring(0, slash);
        }
        return ImageReference.canonicalRegistry(k);
    }
}
