package io.phenostream.common.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A validated plate map: one entry per used well of a plate. */
public final class PlateMap {

    private final PlateLayout layout;
    private final Map<WellId, PlateMapEntry> entries;

    public PlateMap(final PlateLayout layout, final List<PlateMapEntry> entries) {
        this.layout = layout;
        final Map<WellId, PlateMapEntry> byWell = new LinkedHashMap<>();
        for (final PlateMapEntry e : entries) {
            if (!layout.contains(e.well())) {
                throw new IllegalArgumentException("Well " + e.well() + " is outside a " + layout + "-well plate");
            }
            if (byWell.put(e.well(), e) != null) {
                throw new IllegalArgumentException("Duplicate well " + e.well());
            }
        }
        this.entries = Collections.unmodifiableMap(byWell);
    }

    public PlateLayout layout() {
        return layout;
    }

    public List<PlateMapEntry> entries() {
        return new ArrayList<>(entries.values());
    }

    public Optional<PlateMapEntry> entry(final WellId well) {
        return Optional.ofNullable(entries.get(well));
    }

    public long count(final WellRole role) {
        return entries.values().stream().filter(e -> e.role() == role).count();
    }
}
