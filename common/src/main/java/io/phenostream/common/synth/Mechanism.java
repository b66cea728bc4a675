package io.phenostream.common.synth;

import java.util.Locale;

/** The true mode of action of a synthetic compound: which image phenotype its dose drives. */
public enum Mechanism {
    /** The GFP reporter moves from cytoplasm into the nucleus (nucleus/cytoplasm ratio 0.5 -> ~3). */
    TRANSLOCATION,
    /** Nuclei grow: radius x (1 + 0.6 * effect). */
    NUCLEAR_ENLARGEMENT,
    /** Cells die: count x (1 - 0.85 * effect), surviving nuclei slightly smaller and brighter. */
    CYTOTOXIC,
    /** No phenotype at any dose. */
    INACTIVE;

    /** Lower-case name as written in ground-truth.csv. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Mechanism parse(final String text) {
        for (final Mechanism m : values()) {
            if (m.label().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("Unknown mechanism '" + text
            + "': expected translocation, nuclear_enlargement, cytotoxic or inactive");
    }

    @Override
    public String toString() {
        return label();
    }
}
