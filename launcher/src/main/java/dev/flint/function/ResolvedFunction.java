package dev.flint.function;

import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * What an invoke addressed: {@link FunctionRegistry#resolve} turns a name or ARN plus an
 * optional qualifier into this.
 *
 * @param qualifier as given ({@code $LATEST}, a version or an alias name); {@code null} when
 *     unqualified
 * @param alias the alias when the qualifier named one
 * @param config the version to run: for an alias its primary version
 * @param additionalConfig for a weighted alias, the additional version; otherwise {@code null}
 */
public record ResolvedFunction(
        String functionName,
        String qualifier,
        AliasConfig alias,
        FunctionConfig config,
        FunctionConfig additionalConfig) {

    public ResolvedFunction {
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(config, "config");
    }

    public ResolvedFunction(String functionName, String qualifier, AliasConfig alias, FunctionConfig config) {
        this(functionName, qualifier, alias, config, null);
    }

    /**
     * The version to run for one request: with a weighted alias the additional version with
     * probability {@code w}, the primary with {@code 1 - w}; otherwise {@link #config()}.
     */
    public FunctionConfig pickVersion(RandomGenerator random) {
        if (alias == null || additionalConfig == null) {
            return config;
        }
        Map<String, Double> weights = alias.additionalVersionWeights();
        Double w = weights.get(additionalConfig.version());
        if (w == null) {
            return config;
        }
        return random.nextDouble() < w ? additionalConfig : config;
    }

    /** The ARN an invoke of this answers for: qualified when a qualifier was given. */
    public String functionArn() {
        return qualifier == null ? FunctionArns.functionArn(functionName)
                : FunctionArns.functionArn(functionName, qualifier);
    }
}
