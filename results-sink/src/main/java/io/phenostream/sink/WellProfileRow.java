package io.phenostream.sink;

import java.util.Map;

/** The robust-normalized profile of one well (exports); a feature maps to null where it was not finite. */
public record WellProfileRow(String plateId, String runId, String well, String compound, Double concentration,
                             String unit, String role, Double cellCount, Double score,
                             Map<String, Double> normalized) {

    public WellProfileRow {
        normalized = normalized == null ? Map.of() : java.util.Collections.unmodifiableMap(
            new java.util.TreeMap<>(normalized));
    }
}
