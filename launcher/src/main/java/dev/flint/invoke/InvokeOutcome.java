package dev.flint.invoke;

/** How one invocation ended inside an env. */
sealed interface InvokeOutcome {
    /** Whether the env may serve another invoke (false after a timeout, crash or OOM: reset). */
    boolean envReusable();

    record Success(byte[] payload) implements InvokeOutcome {
        public boolean envReusable() { return true; }
    }

    /** The runtime reported an error (unhandled exception, marshal error, ...). */
    record FunctionError(String errorType, byte[] errorJson) implements InvokeOutcome {
        public boolean envReusable() { return true; }
    }

    /**
     * The env failed: timeout ("Sandbox.Timedout"), runtime exit ("Runtime.ExitError"), OOM
     * ("Runtime.OutOfMemory").
     */
    record EnvFailure(String errorType, String status, String message) implements InvokeOutcome {
        public boolean envReusable() { return false; }
    }
}
