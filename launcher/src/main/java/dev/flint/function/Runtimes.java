package dev.flint.function;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The runtimes flint accepts, the image each one runs on, and each runtime's handler syntax.
 * {@code provided.al2} and {@code provided.al2023} are AWS names for the OS-only runtime; flint
 * runs them all on its {@code provided} image.
 */
public final class Runtimes {

    public static final String PYTHON_311 = "python3.11";
    public static final String JAVA_17 = "java17";
    public static final String PROVIDED = "provided";
    public static final String PROVIDED_AL2 = "provided.al2";
    public static final String PROVIDED_AL2023 = "provided.al2023";

    /** In the order the error message lists them. */
    public static final List<String> SUPPORTED =
            List.of(PYTHON_311, JAVA_17, PROVIDED, PROVIDED_AL2, PROVIDED_AL2023);

    /** AWS's handler pattern and length, for every runtime. */
    static final int HANDLER_MAX = 128;
    private static final Pattern AWS_HANDLER = Pattern.compile("[^\\s]+");
    private static final String JAVA_ID = "[\\p{L}_$][\\p{L}\\p{N}_$]*";
    private static final Pattern JAVA_HANDLER =
            Pattern.compile(JAVA_ID + "(?:\\." + JAVA_ID + ")*(?:::" + JAVA_ID + ")?");
    private static final Pattern PY_FUNCTION = Pattern.compile("[\\p{L}_][\\p{L}\\p{N}_]*");

    private Runtimes() {}

    public static boolean isSupported(String runtime) {
        return runtime != null && SUPPORTED.contains(runtime);
    }

    /** The flint image a runtime runs on: "python3.11", "java17" or "provided". */
    public static String imageFor(String runtime) {
        requireSupported(runtime);
        return runtime.startsWith(PROVIDED) ? PROVIDED : runtime;
    }

    static void requireSupported(String runtime) {
        if (!isSupported(runtime)) {
            throw new InvalidParameterValueException("Value " + runtime
                    + " at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: "
                    + SUPPORTED.toString());
        }
    }

    /**
     * Checks AWS's handler constraint (1–128 characters, no whitespace) and then the runtime's
     * own syntax, which AWS only reports at the first invoke ({@code Runtime.MalformedHandlerName});
     * flint rejects it at create time instead.
     */
    public static void validateHandler(String runtime, String handler) {
        if (handler == null || handler.isEmpty()) {
            throw ValidationException.of("", "handler",
                    "Member must have length greater than or equal to 1");
        }
        if (handler.length() > HANDLER_MAX) {
            throw ValidationException.of(handler, "handler",
                    "Member must have length less than or equal to " + HANDLER_MAX);
        }
        if (!AWS_HANDLER.matcher(handler).matches()) {
            throw ValidationException.of(handler, "handler",
                    "Member must satisfy regular expression pattern: [^\\s]+");
        }
        requireSupported(runtime);
        switch (imageFor(runtime)) {
            case PYTHON_311:
                if (!isPythonHandler(handler)) {
                    throw new InvalidParameterValueException("Handler '" + handler
                            + "' is not a valid python3.11 handler: expected [path/]module.function,"
                            + " e.g. lambda_function.lambda_handler");
                }
                break;
            case JAVA_17:
                if (!JAVA_HANDLER.matcher(handler).matches()) {
                    throw new InvalidParameterValueException("Handler '" + handler
                            + "' is not a valid java17 handler: expected package.Class::method or"
                            + " package.Class, e.g. example.Handler::handleRequest");
                }
                break;
            default:
                break; // provided: any non-blank string, the runtime reads it from _HANDLER
        }
    }

    /** {@code [path/]module.function}: as the Python RIC splits it, on the last dot. */
    private static boolean isPythonHandler(String handler) {
        int dot = handler.lastIndexOf('.');
        if (dot <= 0) {
            return false;
        }
        String module = handler.substring(0, dot);
        String function = handler.substring(dot + 1);
        if (!PY_FUNCTION.matcher(function).matches() || module.startsWith("/")) {
            return false;
        }
        String[] segments = module.split("/", -1);
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals("..") || segment.equals(".")) {
                return false;
            }
        }
        // the module itself (after the last '/') must not start or end with a dot
        String last = segments[segments.length - 1];
        return !last.startsWith(".") && !last.endsWith(".");
    }
}
