package dev.flint.function;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A registry on SQLite in a temp dir with a settable clock; {@link #reopen} simulates a restart. */
abstract class RegistryFixture {

    @TempDir Path tmp;
    Path root;
    Path src;
    FunctionRegistryTest.MutableClock clock;
    FunctionRegistry registry;

    @BeforeEach
    void openRegistry() throws IOException {
        root = tmp.resolve("flint");
        src = Files.createDirectories(tmp.resolve("src"));
        clock = new FunctionRegistryTest.MutableClock();
        registry = newRegistry();
    }

    @AfterEach
    void closeRegistry() {
        registry.close();
    }

    FunctionRegistry newRegistry() {
        return new FunctionRegistry(SqliteFunctionStore.open(root), new CodeStore(root.resolve("code")), clock, 1000);
    }

    /** Closes the registry and opens a new one on the same state dir. */
    FunctionRegistry reopen() {
        registry.close();
        registry = newRegistry();
        return registry;
    }

    Path code(String dir, String content) throws IOException {
        Path d = Files.createDirectories(src.resolve(dir));
        Files.writeString(d.resolve("app.py"), content);
        return d;
    }

    FunctionConfig create(String name) throws IOException {
        return registry.create(FunctionDefinition.of(name, "python3.11", "app.lambda_handler",
                code(name + "-code", "def lambda_handler(e, c): return '" + name + "'")));
    }

    List<String> codeDirs() throws IOException {
        Path dir = root.resolve("code");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    void tick() {
        clock.now = clock.now.plusSeconds(1);
    }
}
