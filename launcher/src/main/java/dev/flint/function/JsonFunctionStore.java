package dev.flint.function;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The legacy store: {@code <dir>/<name>/function.json} per function (default dir
 * {@code /var/lib/flint/functions}). {@link SqliteFunctionStore} imports these files once and
 * leaves them in place; nothing writes them any more except tests.
 * Writes go to a temp file in the same directory, are fsynced and renamed over the old file.
 * Reads are strict: unknown properties are an error.
 */
public final class JsonFunctionStore {

    static final String FILE = "function.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public JsonFunctionStore(Path dir) {
        this.dir = dir;
    }

    public Optional<StoredFunction> get(String name) {
        Path file = dir.resolve(name).resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), StoredFunction.class));
        } catch (IOException e) {
            throw new UncheckedIOException("function store: cannot read '" + file + "'", e);
        }
    }

    public List<StoredFunction> list() {
        List<StoredFunction> all = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return all;
        }
        try (DirectoryStream<Path> names = Files.newDirectoryStream(dir)) {
            for (Path p : names) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".")) {
                    get(name).ifPresent(all::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("function store: cannot list '" + dir + "'", e);
        }
        all.sort(Comparator.comparing(StoredFunction::name));
        return all;
    }

    public void put(StoredFunction function) {
        Path fnDir = dir.resolve(function.name());
        Path tmp = fnDir.resolve("." + FILE + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(fnDir);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(function)));
                ch.force(true);
            }
            Files.move(tmp, fnDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("function store: cannot write '" + fnDir.resolve(FILE) + "'", e);
        }
    }

    public boolean delete(String name) {
        Path fnDir = dir.resolve(name);
        try {
            boolean existed = Files.deleteIfExists(fnDir.resolve(FILE));
            FileTrees.deleteTree(fnDir);
            return existed;
        } catch (IOException e) {
            throw new UncheckedIOException("function store: cannot delete '" + fnDir + "'", e);
        }
    }
}
