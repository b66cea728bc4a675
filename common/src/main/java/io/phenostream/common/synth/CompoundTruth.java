package io.phenostream.common.synth;

/**
 * The true dose-response of one synthetic compound. Effect at dose d (uM) is the Hill curve
 * {@code maxEffect * d^hill / (d^hill + ec50^hill)}, from 0 (no phenotype) to 1 (full phenotype).
 * Inactive compounds have {@code maxEffect} 0 and NaN {@code ec50} and {@code hill} (written empty in CSV).
 */
public record CompoundTruth(String compound, Mechanism mechanism, double ec50, double hill, double maxEffect) {

    public CompoundTruth {
        if (compound == null || compound.isBlank()) {
            throw new IllegalArgumentException("Compound name is missing");
        }
        if (mechanism == null) {
            throw new IllegalArgumentException("Compound " + compound + " has no mechanism");
        }
        if (maxEffect < 0 || maxEffect > 1) {
            throw new IllegalArgumentException("Compound " + compound + ": maxEffect must be in [0, 1], got " + maxEffect);
        }
    }

    /** Fraction of the full phenotype at this dose (uM); 0 for inactive compounds and dose 0. */
    public double effect(final double doseUm) {
        if (maxEffect == 0 || !(doseUm > 0)) {
            return 0;
        }
        final double dh = StrictMath.pow(doseUm, hill);
        return maxEffect * dh / (dh + StrictMath.pow(ec50, hill));
    }
}
