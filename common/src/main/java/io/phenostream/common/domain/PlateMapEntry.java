package io.phenostream.common.domain;

import java.util.Map;

/**
 * One row of a plate map. {@code concentration} is null for wells without a dose (controls may have one);
 * {@code metadata} keeps any extra columns of the source file, in order.
 */
public record PlateMapEntry(WellId well, String compound, Double concentration, String unit, WellRole role,
                            Map<String, String> metadata) {

    public PlateMapEntry {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public boolean isControl() {
        return role == WellRole.NEGATIVE_CONTROL || role == WellRole.POSITIVE_CONTROL;
    }
}
