package io.phenostream.scorer.plate;

import io.phenostream.scorer.stats.BenjaminiHochberg;
import io.phenostream.scorer.stats.MeanAveragePrecision;
import io.phenostream.scorer.stats.MeanAveragePrecision.Query;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;

/**
 * Replicate agreement of a compound: how well its wells retrieve each other against the negative controls,
 * as mean average precision ({@link MeanAveragePrecision}, copairs' "phenotypic activity" set-up).
 * <ul>
 *   <li><b>Per well</b>, on its own plate ({@link #wells}): the query is a treatment well's profile in the plate's
 *       score space (robust-normalized selected features, {@link ScoreSpace}); positives are the other treatment
 *       wells of the same compound on the plate, every dose; negatives are the plate's negative-control wells;
 *       similarity is cosine. In copairs terms: {@code pos_sameby = [compound, plate]},
 *       {@code neg_sameby = [plate]}, references = negative controls. Plates are compared only within
 *       themselves because each plate has its own score space (features are selected per plate) and its own
 *       batch effects.</li>
 *   <li><b>Per compound</b> ({@link #compounds}), over the experiment's plates: {@code mAP} = mean AP over its
 *       wells that have one; permutation p-value ({@link MeanAveragePrecision#pValue}); q = Benjamini-Hochberg
 *       over the compounds with a p-value.</li>
 * </ul>
 * All doses count as replicates because the synthetic and typical screens have two wells per dose: one
 * positive per query cannot reach p < 1/(1 + #negatives) and has almost no power. Inactive low doses lower
 * the mAP of an active compound; the figure answers "does this compound give a reproducible phenotype
 * distinct from the controls", not "at which dose".
 */
public final class ReplicateAgreement {

    private ReplicateAgreement() {
    }

    /** A compound's replicate mAP over the experiment, its permutation p-value and BH q-value, from n queries. */
    public record Agreement(double map, double pValue, double qValue, int queries) {
    }

    /**
     * The AP of every treatment well of one plate (null where it has none: no data, no compound, no other well
     * of its compound or no negative control with data, or a zero profile).
     *
     * @param profiles  per well, its vector in the plate's score space (same length for every well with data)
     * @param compound  per well, its compound (null or blank = none)
     * @param treatment per well, whether it is a treatment well
     * @param negatives indexes of the negative-control wells
     * @param hasData   per well, whether it has a profile
     */
    static Query[] wells(final double[][] profiles, final String[] compound, final boolean[] treatment,
                         final int[] negatives, final boolean[] hasData) {
        final int n = profiles.length;
        final Query[] out = new Query[n];
        final List<double[]> negativeProfiles = new ArrayList<>();
        for (final int j : negatives) {
            if (hasData[j]) {
                negativeProfiles.add(profiles[j]);
            }
        }
        if (negativeProfiles.isEmpty()) {
            return out;
        }
        for (int i = 0; i < n; i++) {
            if (!isQuery(i, compound, treatment, hasData)) {
                continue;
            }
            final List<double[]> positives = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                if (k != i && isQuery(k, compound, treatment, hasData) && compound[k].equals(compound[i])) {
                    positives.add(profiles[k]);
                }
            }
            out[i] = MeanAveragePrecision.query(profiles[i], positives, negativeProfiles);
        }
        return out;
    }

    /**
     * Per compound (in the map's order), the mAP of its queries, the permutation p-value and the BH q-value over
     * the compounds with queries. A compound without queries gets NaN everywhere and does not count in BH.
     */
    public static Map<String, Agreement> compounds(final SortedMap<String, ? extends Collection<Query>> queries) {
        Objects.requireNonNull(queries, "queries");
        final List<String> names = new ArrayList<>(queries.keySet());
        final double[] map = new double[names.size()];
        final double[] p = new double[names.size()];
        for (int i = 0; i < names.size(); i++) {
            final Collection<Query> q = queries.get(names.get(i));
            map[i] = MeanAveragePrecision.mean(q);
            p[i] = MeanAveragePrecision.pValue(q);
        }
        final double[] q = BenjaminiHochberg.qValues(p);
        final Map<String, Agreement> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), new Agreement(map[i], p[i], q[i], queries.get(names.get(i)).size()));
        }
        return out;
    }

    private static boolean isQuery(final int i, final String[] compound, final boolean[] treatment,
                                   final boolean[] hasData) {
        return treatment[i] && hasData[i] && compound[i] != null && !compound[i].isBlank();
    }
}
