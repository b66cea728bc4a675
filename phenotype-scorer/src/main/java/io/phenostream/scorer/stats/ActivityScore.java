package io.phenostream.scorer.stats;

/**
 * Activity of a well: the root-mean-square of its robust-normalized features, i.e. the Euclidean distance of
 * the profile from the negative-control centre divided by sqrt(d). Dividing by sqrt(d) keeps the score on the
 * scale of one feature's robust z-score, so wells with a few missing features stay comparable with complete
 * ones (under the null each term has expectation ~1, so negatives score ~1 whatever d is).
 */
public final class ActivityScore {

    private ActivityScore() {
    }

    /** RMS over the finite values; NaN when there are none. */
    public static double rms(final double[] normalized) {
        double ss = 0;
        int n = 0;
        for (final double x : normalized) {
            if (Double.isFinite(x)) {
                ss += x * x;
                n++;
            }
        }
        return n == 0 ? Double.NaN : Math.sqrt(ss / n);
    }
}
