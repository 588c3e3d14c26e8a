package dev.flint.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --payload JSON|@FILE|-}: the event, as text, from a file, or from stdin. */
final class PayloadMixin {
    @Option(names = "--payload", paramLabel = "JSON|@FILE|-",
            description = "the event: JSON text, @FILE to read a file, or - to read stdin (default: {})")
    String payload;

    byte[] bytes() {
        if (payload == null) {
            return "{}".getBytes(StandardCharsets.UTF_8);
        }
        try {
            if (payload.equals("-")) {
                return System.in.readAllBytes();
            }
            if (payload.startsWith("@")) {
                return Files.readAllBytes(Path.of(payload.substring(1)));
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("payload file not found: '" + payload.substring(1) + "'");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the payload: " + e.getMessage());
        }
        return payload.getBytes(StandardCharsets.UTF_8);
    }
}
