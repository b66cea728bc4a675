package io.phenostream.sink.api;

/**
 * The headline numbers of a comparison.
 *
 * @param n          compounds with a finite score in both analyses: the pairs the correlations are over
 * @param spearman   Spearman's rho of the scores over those pairs (average ranks for ties); null when undefined
 * @param kendallTauB Kendall's tau-b over the same pairs; null when undefined
 * @param hitsA      hits in A (including compounds B did not score)
 * @param kept       hits in both; {@code gained}: hit in B only; {@code lost}: hit in A only (scored in both)
 * @param onlyA      compounds scored in A and not in B; {@code onlyB} the reverse
 */
public record ComparisonSummary(int compoundsA, int compoundsB, int compoundsInBoth, int n, Double spearman,
                                Double kendallTauB, int hitsA, int hitsB, int kept, int gained, int lost, int onlyA,
                                int onlyB) {
}
