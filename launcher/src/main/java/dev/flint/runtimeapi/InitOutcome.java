package dev.flint.runtimeapi;

/** How Init ended: the runtime asked for its first event, or it posted {@code /runtime/init/error}. */
public sealed interface InitOutcome {

    static InitOutcome ready() {
        return Ready.INSTANCE;
    }

    static InitOutcome failed(String errorType, byte[] errorJson) {
        return new Failed(errorType, errorJson);
    }

    default boolean isReady() {
        return this instanceof Ready;
    }

    /** The runtime called {@code /runtime/invocation/next} (or {@code /runtime/restore/next}) for the first time. */
    record Ready() implements InitOutcome {
        private static final Ready INSTANCE = new Ready();
    }

    /**
     * @param errorType the raw {@code Lambda-Runtime-Function-Error-Type} header (null when absent),
     *     e.g. {@code Runtime.ImportModuleError}
     * @param errorJson the posted body, e.g. {@code {"errorMessage":…,"errorType":…,"requestId":"","stackTrace":[]}}
     */
    record Failed(String errorType, byte[] errorJson) implements InitOutcome {}
}
