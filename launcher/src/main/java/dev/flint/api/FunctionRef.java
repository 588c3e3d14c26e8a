package dev.flint.api;

import dev.flint.function.FunctionArns;

/**
 * A FunctionName path parameter taken apart: a name, {@code name:qualifier}, a partial ARN
 * {@code ACCOUNT:function:NAME[:QUALIFIER]} or a full ARN
 * {@code arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]} (lambda-contract.md §6, §11),
 * plus the {@code ?Qualifier=} query parameter.
 *
 * @param qualifier null when neither the name nor the query has one
 */
record FunctionRef(String name, String qualifier) {

    static FunctionRef parse(String functionName, String queryQualifier) {
        if (functionName == null || functionName.isEmpty()) {
            throw ApiException.invalidParameter("FunctionName must not be empty");
        }
        String name = functionName;
        String qualifier = null;
        String[] p = functionName.split(":", -1);
        if (functionName.startsWith("arn:")) {
            // arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
            if (p.length < 7 || p.length > 8 || !"lambda".equals(p[2]) || !"function".equals(p[5])) {
                throw invalidArn(functionName);
            }
            checkRegionAndAccount(functionName, p[3], p[4]);
            name = p[6];
            qualifier = p.length == 8 ? p[7] : null;
        } else if (p.length >= 3 && "function".equals(p[1])) {
            // ACCOUNT:function:NAME[:QUALIFIER]
            if (p.length > 4) {
                throw invalidArn(functionName);
            }
            checkRegionAndAccount(functionName, null, p[0]);
            name = p[2];
            qualifier = p.length == 4 ? p[3] : null;
        } else if (p.length == 2) {
            name = p[0];
            qualifier = p[1];
        } else if (p.length > 2) {
            throw invalidArn(functionName);
        }
        if (qualifier != null && qualifier.isEmpty()) {
            throw invalidArn(functionName);
        }
        if (queryQualifier != null && !queryQualifier.isEmpty()) {
            if (qualifier != null && !qualifier.equals(queryQualifier)) {
                throw ApiException.invalidParameter(
                        "The derived qualifier from the function name does not match the specified qualifier.");
            }
            qualifier = queryQualifier;
        }
        return new FunctionRef(name, qualifier);
    }

    private static void checkRegionAndAccount(String arn, String region, String account) {
        if ((region != null && !region.equals(FunctionArns.region())) || !account.equals(FunctionArns.account())) {
            throw ApiException.notFound("Function not found: " + arn);
        }
    }

    private static ApiException invalidArn(String value) {
        return new ApiException("ValidationException", 400, "1 validation error detected: Value '" + value
                + "' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                + "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?"
                + "([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
    }

    boolean latest() {
        return qualifier == null || "$LATEST".equals(qualifier);
    }
}
