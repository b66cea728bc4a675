package io.phenostream.sink.api;

/**
 * One compound under analyses A and B; the A or B fields are null when that analysis did not score it.
 */
public record CompoundComparison(String compound, Integer rankA, Integer rankB, Double scoreA, Double scoreB,
                                 Double qA, Double qB, Boolean hitA, Boolean hitB, CompoundChange change) {

    static CompoundComparison of(final ScoredCompound a, final ScoredCompound b) {
        final String name = a != null ? a.compound() : b.compound();
        return new CompoundComparison(name, a == null ? null : a.rank(), b == null ? null : b.rank(),
            a == null ? null : a.score(), b == null ? null : b.score(), a == null ? null : a.qValue(),
            b == null ? null : b.qValue(), a == null ? null : a.hit(), b == null ? null : b.hit(),
            CompoundChange.of(a == null ? null : a.hit(), b == null ? null : b.hit()));
    }
}
