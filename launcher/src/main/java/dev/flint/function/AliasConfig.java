package dev.flint.function;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An alias (lambda-contract.md §11): a name for a published version or {@code $LATEST},
 * optionally routing a share of requests to one additional version.
 *
 * @param aliasArn {@code arn:aws:lambda:REGION:ACCOUNT:function:FN:ALIAS}
 * @param functionVersion the primary version ({@code "1"}, ... or {@code $LATEST})
 * @param additionalVersionWeights RoutingConfig.AdditionalVersionWeights: at most one entry,
 *     version → share in [0, 1]; empty when there is no routing
 * @param revisionId changes on every update of the alias
 */
public record AliasConfig(
        String aliasArn,
        String name,
        String functionVersion,
        String description,
        Map<String, Double> additionalVersionWeights,
        String revisionId) {

    public AliasConfig {
        Objects.requireNonNull(aliasArn, "aliasArn");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(functionVersion, "functionVersion");
        description = description == null ? "" : description;
        additionalVersionWeights = additionalVersionWeights == null || additionalVersionWeights.isEmpty()
                ? Collections.emptyMap()
                : Collections.unmodifiableMap(new LinkedHashMap<>(additionalVersionWeights));
        Objects.requireNonNull(revisionId, "revisionId");
    }

    /** The function this alias belongs to (parsed from {@link #aliasArn()}). */
    public String functionName() {
        String[] parts = aliasArn.split(":");
        return parts[6];
    }
}
