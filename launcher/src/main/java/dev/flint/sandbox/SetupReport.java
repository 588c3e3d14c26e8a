package dev.flint.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.nativeffi.Stage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What flint-init said on its status fd: either ready (with the duration of each setup phase in
 * microseconds) or the failure of one stage. Lines look like
 * {@code {"ready":true,"phases_us":{"mount-rootfs":412}}} or
 * {@code {"stage":"exec","errno":2,"errno_name":"ENOENT","message":"exec: ENOENT: ..."}}.
 */
record SetupReport(boolean ready, Map<String, Long> phasesMicros, SandboxException failure) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads status lines until EOF (flint-init closes the fd once the command runs or failed). */
    static SetupReport read(InputStream status) throws IOException {
        Map<String, Long> phases = new LinkedHashMap<>();
        SandboxException failure = null;
        boolean ready = false;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(status, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = JSON.readTree(line);
                if (n.path("ready").asBoolean(false)) {
                    ready = true;
                    n.path("phases_us").fields().forEachRemaining(e -> phases.put(e.getKey(), e.getValue().asLong()));
                } else if (n.has("stage") && failure == null) {
                    String hint = n.hasNonNull("hint") ? n.get("hint").asText() : null;
                    failure = new SandboxException(Stage.ofWireName(n.get("stage").asText()),
                            n.path("errno").asInt(), n.path("message").asText(), hint);
                }
            }
        }
        if (failure == null && !ready) {
            failure = new SandboxException(Stage.NONE, 0, "flint-init ended before reporting ready (killed?)");
        }
        return new SetupReport(ready && failure == null, phases, failure);
    }
}
