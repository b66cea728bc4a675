package io.phenostream.common.domain;

import io.phenostream.common.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a plate map CSV: header {@code well,compound,concentration,unit,role} (any order, case-insensitive),
 * extra columns kept as metadata. Every problem is reported with the file name, the line and the value.
 *
 * <p>Free text is bounded, so that a plate map that parses also travels: every compound, unit, extra column name
 * and extra value is at most {@link #MAX_VALUE_LENGTH} characters, and the entries together take at most
 * {@link #MAX_ENTRIES_JSON_BYTES} bytes of JSON, so the plate-run record that carries them fits one Kafka record
 * (1 MiB, the producer's default {@code max.request.size} and about the broker's {@code message.max.bytes}).
 * Without the second bound a 1536-well map at the first one could be refused only at publish time.
 */
public final class PlateMapParser {

    static final List<String> REQUIRED = List.of("well", "compound", "concentration", "unit", "role");

    /**
     * Longest compound name, unit, extra column name or extra value, in characters (UTF-16 units). 256 holds
     * catalogue ids, common and IUPAC names of small molecules, and fits the VARCHAR(255)-style metadata columns
     * of LIMS exports; longer structure strings (SMILES, InChI) belong in a compound library, joined by id.
     */
    public static final int MAX_VALUE_LENGTH = 256;

    /**
     * Most bytes the plate map's entries may take in the plate-run record's JSON: 1 MiB minus 64 KiB left for the
     * record's other fields (ids, channels, source) and Kafka's record overhead.
     */
    public static final int MAX_ENTRIES_JSON_BYTES = 1024 * 1024 - 64 * 1024;

    private PlateMapParser() {
    }

    public static PlateMap parse(final Path file, final PlateLayout layout) {
        final String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new PlateMapException(file.toString(), 0, "cannot read plate map: " + e.getMessage());
        }
        return parse(file.toString(), text, layout);
    }

    /**
     * @param layout the plate's layout, or null to use the smallest standard layout holding every well
     */
    public static PlateMap parse(final String source, final String csv, final PlateLayout layout) {
        final String[] lines = csv.replace("\uFEFF", "").split("\r?\n", -1);
        int lineNo = 0;
        List<String> header = null;
        while (lineNo < lines.length && header == null) {
            final String l = lines[lineNo++];
            if (!l.isBlank() && !l.startsWith("#")) {
                header = splitCsv(l, source, lineNo);
            }
        }
        if (header == null) {
            throw new PlateMapException(source, 0, "plate map is empty");
        }
        final Map<String, Integer> columns = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            checkLength(source, lineNo, "column name", header.get(i).trim());
            columns.put(header.get(i).trim().toLowerCase(Locale.ROOT), i);
        }
        for (final String required : REQUIRED) {
            if (!columns.containsKey(required)) {
                throw new PlateMapException(source, lineNo, "missing column '" + required + "' in header " + header
                    + " (required: " + String.join(",", REQUIRED) + ")");
            }
        }
        final List<PlateMapEntry> entries = new ArrayList<>();
        final Map<WellId, Integer> seenAt = new HashMap<>();
        long jsonBytes = 1; // '['
        for (; lineNo < lines.length; lineNo++) {
            final String l = lines[lineNo];
            final int n = lineNo + 1;
            if (l.isBlank() || l.startsWith("#")) {
                continue;
            }
            final List<String> cells = splitCsv(l, source, n);
            if (cells.size() != header.size()) {
                throw new PlateMapException(source, n, "expected " + header.size() + " columns, found " + cells.size());
            }
            final String wellText = cells.get(columns.get("well")).trim();
            final WellId well;
            try {
                well = WellId.parse(wellText);
            } catch (final IllegalArgumentException e) {
                throw new PlateMapException(source, n, "unknown well '" + wellText + "'");
            }
            if (layout != null && !layout.contains(well)) {
                throw new PlateMapException(source, n, "unknown well '" + wellText + "': outside a " + layout + "-well plate");
            }
            final Integer previous = seenAt.putIfAbsent(well, n);
            if (previous != null) {
                throw new PlateMapException(source, n, "duplicate well '" + wellText + "' (first at line " + previous + ")");
            }
            final String roleText = cells.get(columns.get("role")).trim();
            final WellRole role;
            try {
                role = WellRole.parse(roleText);
            } catch (final IllegalArgumentException e) {
                throw new PlateMapException(source, n, "unknown role '" + roleText
                    + "' (expected negative_control, positive_control, treatment or empty)");
            }
            final String concText = cells.get(columns.get("concentration")).trim();
            Double concentration = null;
            if (!concText.isEmpty()) {
                try {
                    concentration = Double.parseDouble(concText);
                } catch (final NumberFormatException e) {
                    throw new PlateMapException(source, n, "non-numeric concentration '" + concText + "'");
                }
                if (!Double.isFinite(concentration) || concentration < 0) {
                    throw new PlateMapException(source, n, "concentration must be a finite number >= 0, got '" + concText + "'");
                }
            }
            final String compound = cells.get(columns.get("compound")).trim();
            if (role == WellRole.TREATMENT && compound.isEmpty()) {
                throw new PlateMapException(source, n, "treatment well '" + wellText + "' has no compound");
            }
            if (role == WellRole.TREATMENT && concentration == null) {
                throw new PlateMapException(source, n, "treatment well '" + wellText + "' has no concentration");
            }
            checkLength(source, n, "compound", compound);
            final String unit = cells.get(columns.get("unit")).trim();
            checkLength(source, n, "unit", unit);
            final Map<String, String> metadata = new LinkedHashMap<>();
            for (final Map.Entry<String, Integer> c : columns.entrySet()) {
                if (!REQUIRED.contains(c.getKey())) {
                    final String name = header.get(c.getValue()).trim();
                    checkLength(source, n, "value of column '" + name + "'", cells.get(c.getValue()));
                    metadata.put(name, cells.get(c.getValue()));
                }
            }
            final PlateMapEntry entry = new PlateMapEntry(well, compound, concentration, unit, role, metadata);
            jsonBytes += Json.canonicalBytes(entry).length + 1; // ',' or ']'
            if (jsonBytes > MAX_ENTRIES_JSON_BYTES) {
                throw new PlateMapException(source, n, "plate map too large: its entries take " + jsonBytes
                    + " bytes of JSON by this line, at most " + MAX_ENTRIES_JSON_BYTES + " fit the plate-run record"
                    + " (one Kafka record, 1 MiB); shorten compound names, units or extra columns");
            }
            entries.add(entry);
        }
        if (entries.isEmpty()) {
            throw new PlateMapException(source, 0, "plate map has a header but no wells");
        }
        if (entries.stream().noneMatch(e -> e.role() == WellRole.NEGATIVE_CONTROL)) {
            throw new PlateMapException(source, 0, "no negative_control wells: per-plate normalization needs them");
        }
        final PlateLayout effective = layout != null ? layout
            : PlateLayout.smallestFor(entries.stream().map(PlateMapEntry::well).toList());
        return new PlateMap(effective, entries);
    }

    // The length is reported, not the value: it may be megabytes.
    private static void checkLength(final String source, final int line, final String what, final String value) {
        if (value.length() > MAX_VALUE_LENGTH) {
            throw new PlateMapException(source, line, what + " is " + value.length() + " characters long, at most "
                + MAX_VALUE_LENGTH + " allowed");
        }
    }

    /** RFC 4180 fields: commas, double quotes, doubled quotes inside quotes. */
    static List<String> splitCsv(final String line, final String source, final int lineNo) {
        final List<String> out = new ArrayList<>();
        final StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            final char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        if (quoted) {
            throw new PlateMapException(source, lineNo, "unterminated quoted field");
        }
        out.add(cur.toString());
        return out;
    }

    /** Writes a plate map back as CSV (the inverse of {@link #parse}), quoting where needed. */
    public static String toCsv(final PlateMap map) {
        final StringBuilder sb = new StringBuilder();
        final List<String> extra = new ArrayList<>();
        for (final PlateMapEntry e : map.entries()) {
            for (final String k : e.metadata().keySet()) {
                if (!extra.contains(k)) {
                    extra.add(k);
                }
            }
        }
        final List<String> header = new ArrayList<>(REQUIRED);
        header.addAll(extra);
        sb.append(String.join(",", header.stream().map(PlateMapParser::quote).toList())).append('\n');
        for (final PlateMapEntry e : map.entries()) {
            final List<String> row = new ArrayList<>();
            row.add(e.well().toString());
            row.add(quote(e.compound()));
            row.add(e.concentration() == null ? "" : formatNumber(e.concentration()));
            row.add(quote(e.unit()));
            row.add(e.role().label());
            for (final String k : extra) {
                row.add(quote(e.metadata().getOrDefault(k, "")));
            }
            sb.append(String.join(",", row)).append('\n');
        }
        return sb.toString();
    }

    static String formatNumber(final double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    static String quote(final String s) {
        if (s == null) {
            return "";
        }
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
