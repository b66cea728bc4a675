package io.phenostream.scorer.stats;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mean average precision (mAP) of replicate retrieval, as copairs computes it (Kalinin et al., Nat Commun 2025).
 * <ul>
 *   <li>A <b>query</b> profile ranks its references, positives (its replicates) and negatives (controls), by
 *       cosine similarity, most similar first. Ties rank positives first: copairs' stable sort of its
 *       positive-then-negative pair list does the same.</li>
 *   <li>{@code AP = (1/P) sum over positives at rank k of precision@k}, with P positives among T references
 *       (copairs {@code n_pos_pairs}, {@code n_total_pairs}). AP is 1 when every positive outranks every
 *       negative; a random ranking gives somewhat more than P/T on average (0.59 for P = 2, T = 5).</li>
 *   <li>{@code mAP} of a group = mean AP over its queries.</li>
 *   <li><b>p-value</b> by permutation, as copairs' {@code mean_average_precision}: for each configuration (P, T)
 *       a null of {@code nullSize} APs of random rankings; sample s of the group's null mAP is the mean over its
 *       queries of sample s of their configuration's null (queries sharing a configuration share the sample,
 *       which is conservative: replicate queries of one group are not independent, each pair is seen from both
 *       ends). {@code p = (1 + #{null mAP >= mAP}) / (1 + nullSize)}. copairs counts {@code null > mAP}
 *       there; with a discrete null (a mAP of 1 is reached by chance with probability 1/C(T,P)) strict counting
 *       gives p = 1/(1 + nullSize) however likely a perfect ranking is, so ties count here, which keeps the
 *       test valid.</li>
 * </ul>
 * Nulls are seeded by (seed, P, T) alone, so a group's p-value does not depend on which other groups exist, and
 * are cached: the streaming scorer recomputes an experiment's compounds whenever a well arrives.
 */
public final class MeanAveragePrecision {

    /** Null samples per configuration; the smallest attainable p-value is 1/(1 + NULL_SIZE). */
    public static final int NULL_SIZE = 10_000;
    public static final long SEED = 0L;
    /** At most this many cached nulls (80 KB each at the default size). */
    private static final int CACHE_LIMIT = 128;
    private static final Map<List<Long>, double[]> NULLS = new ConcurrentHashMap<>();

    private MeanAveragePrecision() {
    }

    /**
     * The average precision of one query with its configuration: {@code positives} = P, {@code total} = T
     * references it was ranked against.
     */
    public record Query(double averagePrecision, int positives, int total) {

        public Query {
            if (positives < 1 || total < positives) {
                throw new IllegalArgumentException("need 1 <= positives <= total, got " + positives + " of " + total);
            }
        }
    }

    /**
     * Average precision of a query from the similarities of its positive and negative references.
     * NaN without positives; a NaN similarity ranks last.
     */
    public static double averagePrecision(final double[] positiveSimilarities, final double[] negativeSimilarities) {
        final int p = positiveSimilarities.length;
        if (p == 0) {
            return Double.NaN;
        }
        final double[] pos = sortedDescending(positiveSimilarities);
        final double[] neg = sortedDescending(negativeSimilarities);
        // Merge: the k-th positive (1-based) sits at rank k + #{negatives strictly more similar}.
        double sum = 0;
        int negativesAbove = 0;
        for (int k = 0; k < p; k++) {
            while (negativesAbove < neg.length && outranks(neg[negativesAbove], pos[k])) {
                negativesAbove++;
            }
            sum += (k + 1.0) / (k + 1 + negativesAbove);
        }
        return sum / p;
    }

    /** Average precision of a ranked relevance list (true = positive), most similar first. NaN without positives. */
    public static double averagePrecision(final boolean[] relevantInRankOrder) {
        double sum = 0;
        int hits = 0;
        for (int k = 0; k < relevantInRankOrder.length; k++) {
            if (relevantInRankOrder[k]) {
                hits++;
                sum += (double) hits / (k + 1);
            }
        }
        return hits == 0 ? Double.NaN : sum / hits;
    }

    /**
     * The query's AP against its references by cosine similarity; null without a positive or a negative, or when
     * the query's own vector is zero (its cosine is undefined). NaN components count as 0; a zero reference has
     * similarity 0.
     */
    public static Query query(final double[] query, final Collection<double[]> positives,
                              final Collection<double[]> negatives) {
        if (positives.isEmpty() || negatives.isEmpty() || !(norm(query) > 0)) {
            return null;
        }
        final double[] pos = positives.stream().mapToDouble(r -> cosine(query, r)).toArray();
        final double[] neg = negatives.stream().mapToDouble(r -> cosine(query, r)).toArray();
        return new Query(averagePrecision(pos, neg), pos.length, pos.length + neg.length);
    }

    /** Cosine similarity; NaN components count as 0; 0 when either vector is zero. */
    public static double cosine(final double[] a, final double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of length " + a.length + " and " + b.length);
        }
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            if (Double.isFinite(a[i]) && Double.isFinite(b[i])) {
                dot += a[i] * b[i];
            }
        }
        final double n = norm(a) * norm(b);
        return n > 0 ? dot / n : 0;
    }

    /** Mean AP of the queries (NaN when there are none). */
    public static double mean(final Collection<Query> queries) {
        return queries.stream().mapToDouble(Query::averagePrecision).average().orElse(Double.NaN);
    }

    /** The permutation p-value of the queries' mAP with {@link #NULL_SIZE} samples and {@link #SEED}. */
    public static double pValue(final Collection<Query> queries) {
        return pValue(queries, NULL_SIZE, SEED);
    }

    /** The permutation p-value of the queries' mAP (see the class comment); NaN when there are no queries. */
    public static double pValue(final Collection<Query> queries, final int nullSize, final long seed) {
        if (queries.isEmpty()) {
            return Double.NaN;
        }
        if (nullSize < 1) {
            throw new IllegalArgumentException("null size must be >= 1, got " + nullSize);
        }
        final double observed = mean(queries);
        final Map<List<Integer>, Integer> perConfiguration = new TreeMap<>(Comparator
            .comparing((List<Integer> c) -> c.get(0)).thenComparing(c -> c.get(1)));
        for (final Query q : queries) {
            perConfiguration.merge(List.of(q.positives(), q.total()), 1, Integer::sum);
        }
        final double[] nullMap = new double[nullSize];
        for (final Map.Entry<List<Integer>, Integer> c : perConfiguration.entrySet()) {
            final double[] nullAp = nullDistribution(c.getKey().get(0), c.getKey().get(1), nullSize, seed);
            final int n = c.getValue();
            for (int s = 0; s < nullSize; s++) {
                nullMap[s] += n * nullAp[s];
            }
        }
        // Both means are sums of the same kind of terms in different orders: allow their rounding.
        final double tolerance = 1e-12;
        int atLeast = 0;
        for (int s = 0; s < nullSize; s++) {
            if (nullMap[s] / queries.size() >= observed - tolerance) {
                atLeast++;
            }
        }
        return (1.0 + atLeast) / (1.0 + nullSize);
    }

    /**
     * Bytes held by the cache of null distributions: at most {@value #CACHE_LIMIT} arrays (about 10 MB at the
     * default size), filled as new (P, T) configurations appear; for memory accounting (the soak test).
     */
    public static long cachedNullBytes() {
        return NULLS.values().stream().mapToLong(a -> 16L + 8L * a.length).sum();
    }

    /**
     * {@code size} APs of random rankings of {@code positives} positives among {@code total} references, in
     * draw order (sample s of two configurations are independent draws). Deterministic in (seed, positives,
     * total); the array is shared, do not modify it.
     */
    static double[] nullDistribution(final int positives, final int total, final int size, final long seed) {
        final List<Long> key = List.of(seed, (long) positives, (long) total, (long) size);
        final double[] cached = NULLS.get(key);
        if (cached != null) {
            return cached;
        }
        final SplittableRandom rng = new SplittableRandom(mix(seed, positives, total));
        final int[] slots = new int[total];
        final int[] ranks = new int[positives];
        final double[] out = new double[size];
        for (int s = 0; s < size; s++) {
            for (int i = 0; i < total; i++) {
                slots[i] = i;
            }
            // Partial Fisher-Yates: the first P slots are a uniform P-subset of the ranks 0..T-1.
            for (int i = 0; i < positives; i++) {
                final int j = i + rng.nextInt(total - i);
                final int t = slots[i];
                slots[i] = slots[j];
                slots[j] = t;
                ranks[i] = slots[i];
            }
            Arrays.sort(ranks);
            double sum = 0;
            for (int k = 0; k < positives; k++) {
                sum += (k + 1.0) / (ranks[k] + 1);
            }
            out[s] = sum / positives;
        }
        if (NULLS.size() >= CACHE_LIMIT) {
            NULLS.clear();
        }
        NULLS.put(key, out);
        return out;
    }

    private static long mix(final long seed, final int positives, final int total) {
        long z = seed * 0x9E3779B97F4A7C15L + positives;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L + total;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** a ranks strictly above b: more similar, and a NaN never outranks anything. */
    private static boolean outranks(final double a, final double b) {
        return !Double.isNaN(a) && (Double.isNaN(b) || a > b);
    }

    private static double[] sortedDescending(final double[] v) {
        final double[] s = v.clone();
        // NaN sorts last in Arrays.sort, so reverse the finite part and keep NaN at the end.
        Arrays.sort(s);
        int finite = s.length;
        while (finite > 0 && Double.isNaN(s[finite - 1])) {
            finite--;
        }
        for (int i = 0, j = finite - 1; i < j; i++, j--) {
            final double t = s[i];
            s[i] = s[j];
            s[j] = t;
        }
        return s;
    }

    private static double norm(final double[] v) {
        double s = 0;
        for (final double x : v) {
            if (Double.isFinite(x)) {
                s += x * x;
            }
        }
        return Math.sqrt(s);
    }
}
