package dev.flint.function;

/**
 * Region and account used in ARNs. Defaults {@value #DEFAULT_REGION} / {@value #DEFAULT_ACCOUNT};
 * override with the system properties {@code flint.region} and {@code flint.account} (read on
 * every call, so tests and the CLI can set them late).
 */
public final class FunctionArns {

    public static final String DEFAULT_REGION = "us-east-1";
    public static final String DEFAULT_ACCOUNT = "000000000000";
    public static final String REGION_PROPERTY = "flint.region";
    public static final String ACCOUNT_PROPERTY = "flint.account";

    private FunctionArns() {}

    public static String region() {
        return System.getProperty(REGION_PROPERTY, DEFAULT_REGION);
    }

    public static String account() {
        return System.getProperty(ACCOUNT_PROPERTY, DEFAULT_ACCOUNT);
    }

    /** {@code arn:aws:lambda:REGION:ACCOUNT:function:NAME} (unqualified: invokes $LATEST). */
    public static String functionArn(String name) {
        return "arn:aws:lambda:" + region() + ":" + account() + ":function:" + name;
    }

    /** {@code arn:aws:lambda:REGION:ACCOUNT:function:NAME:QUALIFIER}. */
    public static String functionArn(String name, String qualifier) {
        return functionArn(name) + ":" + qualifier;
    }
}
