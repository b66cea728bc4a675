package io.phenostream.sink.api;

/**
 * Plate QC of one plate run under analyses A and B, with the differences B - A (null where either side is
 * missing). A status is null when that analysis has no QC row for the run.
 */
public record PlateComparison(String plateId, String runId, Double zPrimeA, Double zPrimeB, Double zPrimeDelta,
                              Double ssmdA, Double ssmdB, Double ssmdDelta, String statusA, String statusB) {

    static PlateComparison of(final String plateId, final String runId, final PlateSummary a, final PlateSummary b) {
        final Double za = a == null ? null : a.zPrime();
        final Double zb = b == null ? null : b.zPrime();
        final Double sa = a == null ? null : a.ssmd();
        final Double sb = b == null ? null : b.ssmd();
        return new PlateComparison(plateId, runId, za, zb, delta(za, zb), sa, sb, delta(sa, sb),
            a == null ? null : a.status(), b == null ? null : b.status());
    }

    private static Double delta(final Double a, final Double b) {
        return a == null || b == null || !Double.isFinite(a) || !Double.isFinite(b) ? null : b - a;
    }
}
