package dev.flint.bench;

/** Reading option values from the stand-alone benches' command lines. */
final class BenchArgs {
    private BenchArgs() {}

    /** The value after option {@code name} at index i, or a clear error when it is missing. */
    static String arg(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }

    /** As {@link #arg}, as an integer. */
    static int intArg(String[] args, int i, String name) {
        String v = arg(args, i, name);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a number, got '" + v + "'");
        }
    }
}
