package io.phenostream.common.synth;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.PlateMap;
import io.phenostream.common.domain.PlateMapEntry;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.domain.WellRole;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The synthetic screen's plate layout and compound truth. Column 1 and the last column hold the DMSO negative
 * controls, column 2 the positive control, and the other columns 6-point 1:3 dose series in duplicate (12 wells
 * per compound) packed down the columns; wells left over are empty. 96 wells: 16 negatives, 8 positives,
 * 6 compounds; 384 wells: 32, 16 and 28.
 */
public final class SynthPlateDesign {

    public static final String NEGATIVE_COMPOUND = "DMSO";
    public static final String POSITIVE_COMPOUND = "POS-CTRL";
    public static final double POSITIVE_DOSE_UM = 10.0;
    public static final String UNIT = "uM";
    /** Top dose first, 1:3 dilutions as a plate map would state them. */
    public static final List<Double> DOSES_UM = List.of(30.0, 10.0, 3.333, 1.111, 0.37, 0.123);
    public static final int REPLICATES = 2;
    public static final int WELLS_PER_COMPOUND = 12;

    /** Cycled so that 6 compounds already give 2 translocation, 1 enlargement, 1 cytotoxic and 2 inactive. */
    private static final Mechanism[] CYCLE = {
        Mechanism.TRANSLOCATION, Mechanism.INACTIVE, Mechanism.NUCLEAR_ENLARGEMENT,
        Mechanism.CYTOTOXIC, Mechanism.TRANSLOCATION, Mechanism.INACTIVE,
    };

    private SynthPlateDesign() {
    }

    /** Treatment compounds on a plate of this layout. */
    public static int compoundCount(final PlateLayout layout) {
        return treatmentWells(layout).size() / WELLS_PER_COMPOUND;
    }

    public static String compoundName(final int index) {
        return String.format(Locale.ROOT, "CPD-%03d", index + 1);
    }

    public static PlateMap plateMap(final PlateLayout layout) {
        final Map<WellId, PlateMapEntry> byWell = new HashMap<>();
        for (int r = 0; r < layout.rows(); r++) {
            for (final int c : new int[] {1, layout.columns()}) {
                final WellId w = WellId.of(r, c);
                byWell.put(w, new PlateMapEntry(w, NEGATIVE_COMPOUND, 0.0, UNIT, WellRole.NEGATIVE_CONTROL, null));
            }
            final WellId p = WellId.of(r, 2);
            byWell.put(p, new PlateMapEntry(p, POSITIVE_COMPOUND, POSITIVE_DOSE_UM, UNIT, WellRole.POSITIVE_CONTROL, null));
        }
        final List<WellId> treatment = treatmentWells(layout);
        final int used = compoundCount(layout) * WELLS_PER_COMPOUND;
        for (int i = 0; i < treatment.size(); i++) {
            final WellId w = treatment.get(i);
            if (i < used) {
                final double dose = DOSES_UM.get((i % WELLS_PER_COMPOUND) / REPLICATES);
                byWell.put(w, new PlateMapEntry(w, compoundName(i / WELLS_PER_COMPOUND), dose, UNIT, WellRole.TREATMENT, null));
            } else {
                byWell.put(w, new PlateMapEntry(w, "", null, "", WellRole.EMPTY, null));
            }
        }
        final List<PlateMapEntry> rowMajor = new ArrayList<>();
        for (final WellId w : layout.wells()) {
            rowMajor.add(byWell.get(w));
        }
        return new PlateMap(layout, rowMajor);
    }

    /**
     * The truth of every treatment compound (CPD-001...) followed by POS-CTRL. EC50 log-uniform in [0.3, 5] uM,
     * Hill slope in [0.8, 2.5], max effect in [0.6, 1.0]; values rounded to 4 decimals, as written to CSV.
     */
    public static List<CompoundTruth> compoundTruth(final PlateLayout layout, final long seed) {
        final SplittableRandom rng = new SplittableRandom(SeedMixer.mix(seed, 0x5EED_C0DEL));
        final List<CompoundTruth> out = new ArrayList<>();
        final int n = compoundCount(layout);
        for (int i = 0; i < n; i++) {
            final Mechanism m = CYCLE[i % CYCLE.length];
            // Draw for every compound, active or not, so one compound's truth does not depend on the others' mechanisms.
            final double ec50 = round4(0.3 * StrictMath.pow(5.0 / 0.3, rng.nextDouble()));
            final double hill = round4(0.8 + 1.7 * rng.nextDouble());
            final double max = round4(0.6 + 0.4 * rng.nextDouble());
            out.add(m == Mechanism.INACTIVE
                ? new CompoundTruth(compoundName(i), m, Double.NaN, Double.NaN, 0.0)
                : new CompoundTruth(compoundName(i), m, ec50, hill, max));
        }
        // Full effect at its 10 uM dose: 10^2 / (10^2 + 1) = 0.99.
        out.add(new CompoundTruth(POSITIVE_COMPOUND, Mechanism.TRANSLOCATION, 1.0, 2.0, 1.0));
        return out;
    }

    /** Columns 3 .. last-1, packed down each column (A03, B03, ..., then A04, ...). */
    static List<WellId> treatmentWells(final PlateLayout layout) {
        final List<WellId> wells = new ArrayList<>();
        for (int c = 3; c < layout.columns(); c++) {
            for (int r = 0; r < layout.rows(); r++) {
                wells.add(WellId.of(r, c));
            }
        }
        return wells;
    }

    private static double round4(final double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
