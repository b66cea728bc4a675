package io.phenostream.common.domain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A well position: row index from 0 (A) and column from 1. Rows past Z continue AA..AF as on 1536-well
 * plates. Accepts "A01", "a1", "A001", "AF48"; always prints zero-padded two-digit columns ("A01").
 */
public record WellId(int row, int column) implements Comparable<WellId> {

    private static final Pattern FORMAT = Pattern.compile("^([A-Za-z]{1,2})0*([0-9]{1,3})$");

    public WellId {
        if (row < 0 || row >= 32) {
            throw new IllegalArgumentException("Well row index out of range: " + row);
        }
        if (column < 1 || column > 48) {
            throw new IllegalArgumentException("Well column out of range: " + column);
        }
    }

    @JsonCreator
    public static WellId parse(final String text) {
        if (text == null) {
            throw new IllegalArgumentException("Well id is missing");
        }
        final Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("Not a well id: '" + text + "' (expected e.g. A01, a1, A001)");
        }
        final String letters = m.group(1).toUpperCase();
        final int row = letters.length() == 1
            ? letters.charAt(0) - 'A'
            : 26 * (letters.charAt(0) - 'A' + 1) + (letters.charAt(1) - 'A');
        final int column = Integer.parseInt(m.group(2));
        if (row >= 32 || column < 1 || column > 48) {
            throw new IllegalArgumentException("Well id out of range for any plate: '" + text + "'");
        }
        return new WellId(row, column);
    }

    public static WellId of(final int row, final int column) {
        return new WellId(row, column);
    }

    public String rowLabel() {
        return row < 26 ? String.valueOf((char) ('A' + row)) : "A" + (char) ('A' + row - 26);
    }

    /** True for wells on the outer ring of the plate (edge effects). */
    public boolean isEdge(final PlateLayout layout) {
        return row == 0 || column == 1 || row == layout.rows() - 1 || column == layout.columns();
    }

    @JsonValue
    @Override
    public String toString() {
        return rowLabel() + (column < 10 ? "0" : "") + column;
    }

    @Override
    public int compareTo(final WellId o) {
        return row != o.row ? Integer.compare(row, o.row) : Integer.compare(column, o.column);
    }
}
