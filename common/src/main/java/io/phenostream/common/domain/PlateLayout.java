package io.phenostream.common.domain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Standard SBS microplate formats. */
public enum PlateLayout {
    WELLS_96(8, 12),
    WELLS_384(16, 24),
    WELLS_1536(32, 48);

    private final int rows;
    private final int columns;

    PlateLayout(final int rows, final int columns) {
        this.rows = rows;
        this.columns = columns;
    }

    public int rows() {
        return rows;
    }

    public int columns() {
        return columns;
    }

    public int wellCount() {
        return rows * columns;
    }

    public boolean contains(final WellId well) {
        return well.row() < rows && well.column() <= columns;
    }

    /** All wells in row-major order (A01, A02, ...). */
    public List<WellId> wells() {
        final List<WellId> wells = new ArrayList<>(wellCount());
        for (int r = 0; r < rows; r++) {
            for (int c = 1; c <= columns; c++) {
                wells.add(new WellId(r, c));
            }
        }
        return Collections.unmodifiableList(wells);
    }

    /** Parses "96", "384", "1536" (also "WELLS_96"). */
    @JsonCreator
    public static PlateLayout parse(final String text) {
        final String t = text.trim().toUpperCase().replace("WELLS_", "");
        for (final PlateLayout layout : values()) {
            if (Integer.toString(layout.wellCount()).equals(t)) {
                return layout;
            }
        }
        throw new IllegalArgumentException("Unknown plate layout '" + text + "': expected 96, 384 or 1536");
    }

    /** The smallest standard layout holding every given well. */
    public static PlateLayout smallestFor(final Iterable<WellId> wells) {
        PlateLayout best = WELLS_96;
        for (final WellId w : wells) {
            while (!best.contains(w)) {
                if (best == WELLS_1536) {
                    throw new IllegalArgumentException("Well " + w + " is outside every standard plate layout");
                }
                best = values()[best.ordinal() + 1];
            }
        }
        return best;
    }

    @JsonValue
    @Override
    public String toString() {
        return Integer.toString(wellCount());
    }
}
