package dev.flint.bench;

/**
 * A distribution-free confidence interval of the median from order statistics: with n samples,
 * the number below the true median is Binomial(n, 1/2), so [X(j), X(n−j+1)] (1-based ranks in
 * ascending order) covers the median with probability 1 − 2·P(B ≤ j−1). {@link #of} takes the
 * narrowest such symmetric pair whose exact binomial coverage is at least the level asked for.
 * No assumption about the shape of the distribution is made (latencies are skewed and often
 * multi-modal, so a mean ± t·s interval would not mean much).
 *
 * @param low      X(rankLow)
 * @param high     X(rankHigh)
 * @param rankLow  1-based rank of the lower bound
 * @param rankHigh 1-based rank of the upper bound
 * @param coverage the exact coverage probability of this pair (≥ the level asked for)
 */
public record MedianCi(long low, long high, int rankLow, int rankHigh, double coverage) {

    public static final String METHOD = "order statistics, exact binomial (distribution-free)";

    /**
     * The interval for ascending-sorted samples, or null when n is too small for the level
     * (at 95 %: n ≤ 5, where even [min, max] covers less than 95 %).
     */
    public static MedianCi of(long[] sorted, double level) {
        int[] ranks = ranks(sorted.length, level);
        if (ranks == null) {
            return null;
        }
        return new MedianCi(sorted[ranks[0] - 1], sorted[ranks[1] - 1], ranks[0], ranks[1],
                1 - 2 * binomialHalfCdf(sorted.length, ranks[0] - 1));
    }

    /** {j, n−j+1} for the largest j with 1 − 2·P(B ≤ j−1) ≥ level; null if even j = 1 falls short. */
    static int[] ranks(int n, double level) {
        if (n < 1 || !(level > 0 && level < 1)) {
            throw new IllegalArgumentException("need n ≥ 1 and 0 < level < 1, got n=" + n + ", level=" + level);
        }
        double alpha = (1 - level) / 2;
        // cdf(i) = P(B <= i); j - 1 is the largest i with cdf(i) <= alpha.
        double logPmf = -n * Math.log(2); // P(B = 0)
        double cdf = 0;
        int j = 0;
        for (int i = 0; i <= n / 2; i++) {
            cdf += Math.exp(logPmf);
            if (cdf > alpha + 1e-12) {
                break;
            }
            j = i + 1;
            logPmf += Math.log(n - i) - Math.log(i + 1.0);
        }
        if (j < 1) {
            return null;
        }
        return new int[] {j, n - j + 1};
    }

    /** P(B ≤ k) for B ~ Binomial(n, 1/2). */
    static double binomialHalfCdf(int n, int k) {
        double logPmf = -n * Math.log(2);
        double cdf = 0;
        for (int i = 0; i <= k; i++) {
            cdf += Math.exp(logPmf);
            logPmf += Math.log(n - i) - Math.log(i + 1.0);
        }
        return Math.min(1, cdf);
    }
}
