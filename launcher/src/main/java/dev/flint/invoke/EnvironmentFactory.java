package dev.flint.invoke;

/** Creates (but does not initialise) execution environments. */
@FunctionalInterface
interface EnvironmentFactory {
    Environment create(FunctionSpec function);
}
