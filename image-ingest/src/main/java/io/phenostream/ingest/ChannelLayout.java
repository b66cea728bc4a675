package io.phenostream.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Channel tokens (as file names write them) mapped to channel names, and which channel holds the nuclear and
 * the cell stain. Read from {@code --channels 0=DNA,1=GFP}, or from a {@code channels.csv} next to the images
 * ({@code channel,name,role} with role nuclear|cell|other); by default tokens are named {@code ch<token>} and
 * the first channel is taken as the nuclear stain.
 */
public record ChannelLayout(Map<String, String> namesByToken, String nuclearChannel, String cellChannel) {

    public static final String SIDECAR = "channels.csv";

    public List<String> channelNames() {
        return new ArrayList<>(namesByToken.values());
    }

    public String nameOf(final String token) {
        final String name = namesByToken.get(token);
        if (name == null) {
            throw new IllegalArgumentException("Channel '" + token + "' is not in the channel layout " + namesByToken);
        }
        return name;
    }

    public static ChannelLayout defaults(final List<String> sortedTokens) {
        final Map<String, String> names = new LinkedHashMap<>();
        sortedTokens.forEach(t -> names.put(t, "ch" + t));
        return new ChannelLayout(names, names.get(sortedTokens.get(0)), null);
    }

    /** Parses {@code 0=DNA,1=GFP,2=CellMask}; nuclear/cell channel names given separately (nullable). */
    public static ChannelLayout parse(final String spec, final String nuclear, final String cell) {
        final Map<String, String> names = new LinkedHashMap<>();
        for (final String part : spec.split(",")) {
            final String[] kv = part.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new IllegalArgumentException("Bad --channels entry '" + part + "': expected TOKEN=NAME, e.g. 1=DNA");
            }
            names.put(kv[0].trim(), kv[1].trim());
        }
        final String nuc = nuclear != null ? nuclear : names.values().iterator().next();
        return validated(names, nuc, cell);
    }

    public static ChannelLayout read(final Path csv) {
        final List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (final IOException e) {
            throw new IllegalArgumentException("Cannot read " + csv + ": " + e.getMessage(), e);
        }
        final Map<String, String> names = new LinkedHashMap<>();
        String nuclear = null;
        String cell = null;
        for (int i = 1; i < lines.size(); i++) {
            final String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            final String[] f = line.split(",", -1);
            if (f.length < 2) {
                throw new IllegalArgumentException(csv + ":" + (i + 1) + ": expected channel,name,role, got '" + line + "'");
            }
            names.put(f[0].trim(), f[1].trim());
            final String role = f.length > 2 ? f[2].trim().toLowerCase(Locale.ROOT) : "other";
            if (role.equals("nuclear")) {
                nuclear = f[1].trim();
            } else if (role.equals("cell")) {
                cell = f[1].trim();
            } else if (!role.equals("other") && !role.isEmpty()) {
                throw new IllegalArgumentException(csv + ":" + (i + 1) + ": unknown role '" + role + "' (nuclear, cell, other)");
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException(csv + ": no channels");
        }
        return validated(names, nuclear != null ? nuclear : names.values().iterator().next(), cell);
    }

    public static void write(final Path csv, final ChannelLayout layout) throws IOException {
        final StringBuilder sb = new StringBuilder("channel,name,role\n");
        layout.namesByToken.forEach((token, name) -> sb.append(token).append(',').append(name).append(',')
            .append(name.equals(layout.nuclearChannel) ? "nuclear" : name.equals(layout.cellChannel) ? "cell" : "other")
            .append('\n'));
        Files.writeString(csv, sb.toString());
    }

    private static ChannelLayout validated(final Map<String, String> names, final String nuclear, final String cell) {
        if (!names.containsValue(nuclear)) {
            throw new IllegalArgumentException("Nuclear channel '" + nuclear + "' is not one of " + names.values());
        }
        if (cell != null && !names.containsValue(cell)) {
            throw new IllegalArgumentException("Cell channel '" + cell + "' is not one of " + names.values());
        }
        return new ChannelLayout(java.util.Collections.unmodifiableMap(names), nuclear, cell);
    }
}
