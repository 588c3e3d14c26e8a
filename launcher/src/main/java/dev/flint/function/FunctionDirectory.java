package dev.flint.function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns a directory into a {@link FunctionDefinition} for {@code flint run DIR}: an optional
 * {@value #CONFIG_FILE} says what it can, and the rest is inferred from the files.
 *
 * <pre>
 * {"name":"hello","runtime":"python3.11","handler":"lambda_function.lambda_handler",
 *  "memory":128,"timeout":3,"environment":{"K":"V"},"ephemeralStorage":512,"description":"...",
 *  "snapStart":"PublishedVersions"}
 * </pre>
 *
 * {@code snapStart} is CreateFunction's {@code SnapStart.ApplyOn} ({@code PublishedVersions} or
 * {@code None}, the default), flattened as {@code ephemeralStorage} is. {@link FunctionDefinition}
 * has no SnapStart field yet, so {@link #load} only validates it and {@link #snapStart} reads it.
 *
 * Inference, in order: {@code lambda_function.py}, {@code app.py} or {@code handler.py}
 * defining {@code lambda_handler} → python3.11 with {@code <module>.lambda_handler}; an
 * executable {@code bootstrap} → provided with handler {@code function.handler}; a {@code *.jar}
 * (or {@code target/*.jar}) → java17, which needs the handler class from flint.json. For java17
 * the code is the single JAR found, otherwise the directory. The name defaults to the
 * directory's name with invalid characters replaced by '-'.
 */
public final class FunctionDirectory {

    public static final String CONFIG_FILE = "flint.json";
    static final List<String> PYTHON_MODULES = List.of("lambda_function", "app", "handler");
    static final String PROVIDED_DEFAULT_HANDLER = "function.handler";
    private static final Pattern DEF_LAMBDA_HANDLER =
            Pattern.compile("(?m)^\\s*(?:async\\s+)?def\\s+lambda_handler\\s*\\(");
    private static final Pattern NOT_NAME = Pattern.compile("[^a-zA-Z0-9-_]");
    /** {@code SnapStart.ApplyOn} values, as Lambda's API spells them. */
    public static final String SNAP_START_PUBLISHED_VERSIONS = "PublishedVersions";
    public static final String SNAP_START_NONE = "None";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The keys flint.json may have. */
    record FlintJson(
            String name,
            String runtime,
            String handler,
            Integer memory,
            Integer timeout,
            Map<String, String> environment,
            Integer ephemeralStorage,
            String description,
            String snapStart) {}

    private FunctionDirectory() {}

    public static FunctionDefinition load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidParameterValueException("'" + dir + "' is not a directory");
        }
        FlintJson cfg = readConfig(dir);
        String runtime = cfg.runtime();
        String handler = cfg.handler();
        Path code = dir;
        Inferred inferred = null;
        if (runtime == null) {
            inferred = infer(dir);
            runtime = inferred.runtime;
        }
        if (handler == null) {
            if (inferred == null || !inferred.runtime.equals(runtime)) {
                inferred = inferFor(dir, runtime);
            }
            handler = inferred.handler;
        }
        if (Runtimes.JAVA_17.equals(runtime)) {
            List<Path> jars = jars(dir);
            if (jars.size() == 1) {
                code = jars.get(0);
            }
        }
        String name = cfg.name() != null ? cfg.name() : defaultName(dir);
        return new FunctionDefinition(name, runtime, handler, code, cfg.memory(), cfg.timeout(),
                cfg.environment(), cfg.ephemeralStorage(), cfg.description());
    }

    /**
     * The directory's {@code SnapStart.ApplyOn}: {@value #SNAP_START_PUBLISHED_VERSIONS} when its
     * flint.json says so, else {@value #SNAP_START_NONE}. Validated as {@link #load} validates it.
     */
    public static String snapStart(Path dir) {
        String applyOn = readConfig(dir).snapStart();
        return applyOn == null ? SNAP_START_NONE : applyOn;
    }

    /** The directory's name made into a valid function name. */
    static String defaultName(Path dir) {
        Path fileName = dir.toAbsolutePath().normalize().getFileName();
        String name = fileName == null ? "" : NOT_NAME.matcher(fileName.toString()).replaceAll("-");
        if (name.length() > FunctionRules.NAME_MAX) {
            name = name.substring(0, FunctionRules.NAME_MAX);
        }
        return name.isEmpty() ? "function" : name;
    }

    private record Inferred(String runtime, String handler) {}

    private static FlintJson readConfig(Path dir) {
        Path file = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            return new FlintJson(null, null, null, null, null, null, null, null, null);
        }
        try {
            FlintJson cfg = JSON.readValue(file.toFile(), FlintJson.class);
            if (cfg == null) {
                throw new InvalidParameterValueException(CONFIG_FILE + " in '" + dir
                        + "' must be a JSON object");
            }
            if (cfg.snapStart() != null && !cfg.snapStart().equals(SNAP_START_PUBLISHED_VERSIONS)
                    && !cfg.snapStart().equals(SNAP_START_NONE)) {
                throw new InvalidParameterValueException(CONFIG_FILE + " in '" + dir + "': snapStart must be \""
                        + SNAP_START_PUBLISHED_VERSIONS + "\" or \"" + SNAP_START_NONE + "\", got \""
                        + cfg.snapStart() + "\"");
            }
            return cfg;
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidParameterValueException(CONFIG_FILE + " in '" + dir + "': unknown key '"
                    + e.getPropertyName() + "' (known keys: name, runtime, handler, memory, timeout,"
                    + " environment, ephemeralStorage, description, snapStart)", e);
        } catch (JsonProcessingException e) {
            throw new InvalidParameterValueException(CONFIG_FILE + " in '" + dir + "' is not valid: "
                    + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read '" + file + "'", e);
        }
    }

    /** Runtime and handler from the files alone. */
    private static Inferred infer(Path dir) {
        String module = pythonModule(dir);
        if (module != null) {
            return new Inferred(Runtimes.PYTHON_311, module + ".lambda_handler");
        }
        Path bootstrap = dir.resolve("bootstrap");
        if (Files.isRegularFile(bootstrap) && Files.isExecutable(bootstrap)) {
            return new Inferred(Runtimes.PROVIDED, PROVIDED_DEFAULT_HANDLER);
        }
        List<Path> jars = jars(dir);
        if (!jars.isEmpty()) {
            throw new InvalidParameterValueException("found " + dir.relativize(jars.get(0))
                    + " in '" + dir + "': java17 functions need a " + CONFIG_FILE + " such as"
                    + " {\"runtime\":\"java17\",\"handler\":\"example.Handler::handleRequest\"}");
        }
        StringBuilder msg = new StringBuilder("cannot tell what kind of function '" + dir
                + "' holds; looked for: " + CONFIG_FILE + " with \"runtime\";"
                + " lambda_function.py, app.py or handler.py defining lambda_handler (python3.11);"
                + " an executable bootstrap (provided); *.jar or target/*.jar (java17)");
        if (Files.isRegularFile(bootstrap)) {
            msg.append(". bootstrap exists but is not executable (chmod +x bootstrap)");
        }
        throw new InvalidParameterValueException(msg.toString());
    }

    /** The handler for a runtime flint.json named without a handler. */
    private static Inferred inferFor(Path dir, String runtime) {
        Runtimes.requireSupported(runtime);
        switch (Runtimes.imageFor(runtime)) {
            case Runtimes.PYTHON_311: {
                String module = pythonModule(dir);
                if (module == null) {
                    throw new InvalidParameterValueException("flint.json in '" + dir + "' names runtime "
                            + runtime + " but no handler, and none of lambda_function.py, app.py,"
                            + " handler.py defines lambda_handler; add \"handler\":\"module.function\"");
                }
                return new Inferred(runtime, module + ".lambda_handler");
            }
            case Runtimes.JAVA_17:
                throw new InvalidParameterValueException("flint.json in '" + dir + "' names runtime java17"
                        + " but no handler; add \"handler\":\"example.Handler::handleRequest\"");
            default:
                return new Inferred(runtime, PROVIDED_DEFAULT_HANDLER);
        }
    }

    private static String pythonModule(Path dir) {
        for (String module : PYTHON_MODULES) {
            Path file = dir.resolve(module + ".py");
            if (Files.isRegularFile(file)) {
                try {
                    String text = Files.readString(file, StandardCharsets.UTF_8);
                    if (DEF_LAMBDA_HANDLER.matcher(text).find()) {
                        return module;
                    }
                } catch (IOException e) {
                    // unreadable or not UTF-8: not our module
                }
            }
        }
        return null;
    }

    private static List<Path> jars(Path dir) {
        List<Path> jars = new ArrayList<>();
        for (Path d : List.of(dir, dir.resolve("target"))) {
            if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (DirectoryStream<Path> s = Files.newDirectoryStream(d, "*.jar")) {
                for (Path p : s) {
                    if (Files.isRegularFile(p)) {
                        jars.add(p);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list '" + d + "'", e);
            }
        }
        jars.sort(null);
        return jars;
    }
}
