package io.phenostream.sink.api;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a compound's hit call moved from analysis A to analysis B. */
public enum CompoundChange {
    /** A hit in B, not in A. */
    GAINED("gained"),
    /** A hit in A, not in B. */
    LOST("lost"),
    /** A hit in both. */
    KEPT("kept"),
    /** A hit in neither. */
    NONE("none"),
    /** Scored in A only (B has no score for it). */
    ONLY_A("only_a"),
    /** Scored in B only. */
    ONLY_B("only_b");

    private final String label;

    CompoundChange(final String label) {
        this.label = label;
    }

    /** The label of CSV, JSON and pages. */
    @JsonValue
    public String label() {
        return label;
    }

    /**
     * @param hitA the hit call in A, null when A did not score the compound
     * @param hitB the same in B
     */
    public static CompoundChange of(final Boolean hitA, final Boolean hitB) {
        if (hitA == null && hitB == null) {
            throw new IllegalArgumentException("a compound scored in neither analysis has no change");
        }
        if (hitA == null) {
            return ONLY_B;
        }
        if (hitB == null) {
            return ONLY_A;
        }
        if (hitA) {
            return hitB ? KEPT : LOST;
        }
        return hitB ? GAINED : NONE;
    }
}
