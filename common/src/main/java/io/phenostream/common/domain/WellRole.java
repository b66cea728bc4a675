package io.phenostream.common.domain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a well is for in the assay. */
public enum WellRole {
    NEGATIVE_CONTROL,
    POSITIVE_CONTROL,
    TREATMENT,
    EMPTY;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static WellRole parse(final String text) {
        if (text != null) {
            final String t = text.trim().toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
            for (final WellRole r : values()) {
                if (r.label().equals(t)) {
                    return r;
                }
            }
        }
        throw new IllegalArgumentException("Unknown well role '" + text
            + "': expected negative_control, positive_control, treatment or empty");
    }

    @Override
    public String toString() {
        return label();
    }
}
