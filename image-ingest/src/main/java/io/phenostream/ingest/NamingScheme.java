package io.phenostream.ingest;

import io.phenostream.common.domain.WellId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How an instrument names its image files: a Java regex with named groups {@code well} (or {@code row} +
 * {@code column}), optional {@code site} (default 1) and {@code channel}.
 */
public record NamingScheme(String name, Pattern pattern) {

    /** Where an image belongs: well, site and the channel token as the file name writes it. */
    public record Location(WellId well, int site, String channel) {
    }

    public static final List<NamingScheme> PRESETS = List.of(
        // MetaXpress / ImageXpress: PLATE_A01_s1_w1<uuid>.tif
        new NamingScheme("imagexpress", Pattern.compile(
            "^.*_(?<well>[A-Za-z]{1,2}\\d{2,3})_s(?<site>\\d+)_w(?<channel>\\d+)(?:[0-9A-Fa-f-]{36})?\\.tiff?$",
            Pattern.CASE_INSENSITIVE)),
        // Operetta / Opera Phenix: r01c01f01p01-ch1sk1fk1fl1.tiff
        new NamingScheme("operetta", Pattern.compile(
            "^r(?<row>\\d{2})c(?<column>\\d{2})f(?<site>\\d{2})p\\d{2}-ch(?<channel>\\d+)sk\\d+fk\\d+fl\\d+\\.tiff?$",
            Pattern.CASE_INSENSITIVE)),
        // CellProfiler examples (and the synthetic plates): PREFIX_A01f00d0.tif
        new NamingScheme("cellprofiler", Pattern.compile(
            "^.*_(?<well>[A-Za-z]{1,2}\\d{2,3})f(?<site>\\d{2})d(?<channel>\\d)\\.(?:tiff?|png)$",
            Pattern.CASE_INSENSITIVE)),
        // Channel1-01-A-01.tif
        new NamingScheme("plain", Pattern.compile(
            "^Channel(?<channel>\\d+)-(?<site>\\d+)-(?<row>[A-Za-z]{1,2})-(?<column>\\d{1,3})\\.(?:tiff?|png)$",
            Pattern.CASE_INSENSITIVE)));

    public static NamingScheme preset(final String name) {
        return PRESETS.stream().filter(s -> s.name.equalsIgnoreCase(name)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("Unknown naming preset '" + name + "'; known: "
                + PRESETS.stream().map(NamingScheme::name).toList()));
    }

    public static NamingScheme custom(final String regex) {
        final Pattern p = Pattern.compile(regex);
        final String s = p.pattern();
        final boolean hasWell = s.contains("(?<well>") || (s.contains("(?<row>") && s.contains("(?<column>"));
        if (!hasWell || !s.contains("(?<channel>")) {
            throw new IllegalArgumentException("Pattern '" + regex
                + "' needs named groups 'well' (or 'row' and 'column') and 'channel'");
        }
        return new NamingScheme("custom", p);
    }

    /** The preset matching the most names (at least one), in preset order on ties. */
    public static Optional<NamingScheme> detect(final List<String> fileNames) {
        NamingScheme best = null;
        long bestCount = 0;
        for (final NamingScheme s : PRESETS) {
            final long n = fileNames.stream().filter(f -> s.pattern.matcher(f).matches()).count();
            if (n > bestCount) {
                best = s;
                bestCount = n;
            }
        }
        return Optional.ofNullable(best);
    }

    public Optional<Location> locate(final String fileName) {
        final Matcher m = pattern.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        final WellId well;
        if (group(m, "well") != null) {
            well = WellId.parse(m.group("well"));
        } else {
            final String row = m.group("row");
            final int rowIndex = row.chars().allMatch(Character::isDigit)
                ? Integer.parseInt(row) - 1 : WellId.parse(row.toUpperCase(Locale.ROOT) + "1").row();
            well = WellId.of(rowIndex, Integer.parseInt(m.group("column")));
        }
        final String site = group(m, "site");
        return Optional.of(new Location(well, site == null ? 1 : Integer.parseInt(site), m.group("channel")));
    }

    private static String group(final Matcher m, final String name) {
        try {
            return m.group(name);
        } catch (final IllegalArgumentException noSuchGroup) {
            return null;
        }
    }
}
