package dev.flint.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.nativeffi.Stage;
import java.io.IOException;
import java.io.InputStream;
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
        try (InputStream in = new java.io.BufferedInputStream(status, 4096)) {
            return read(in, false);
        }
    }

    /**
     * Reads status lines until the first report (ready or a failure), leaving the stream open: a
     * sandbox to checkpoint keeps the fd for its {"parked":N} line. Reads byte by byte so that
     * nothing after the report is consumed.
     */
    static SetupReport readFirst(InputStream status) throws IOException {
        return read(status, true);
    }

    private static SetupReport read(InputStream status, boolean firstOnly) throws IOException {
        Map<String, Long> phases = new LinkedHashMap<>();
        SandboxException failure = null;
        boolean ready = false;
        String line;
        while ((line = readLine(status)) != null) {
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
            if (firstOnly && (ready || failure != null)) {
                break;
            }
        }
        if (failure == null && !ready) {
            failure = new SandboxException(Stage.NONE, 0, "flint-init ended before reporting ready (killed?)");
        }
        return new SetupReport(ready && failure == null, phases, failure);
    }

    /** One UTF-8 line without its newline, or null at EOF. */
    static String readLine(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
