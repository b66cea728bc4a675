package io.phenostream.ingest.http;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.PlateMap;
import io.phenostream.common.domain.PlateMapException;
import io.phenostream.common.domain.PlateMapParser;
import io.phenostream.common.domain.WellRole;
import io.phenostream.common.events.Keys;
import io.phenostream.common.events.PlateRun;
import io.phenostream.ingest.ChannelLayout;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The parameters of {@code POST /v1/runs}, checked, as the open {@link PlateRun} they register. Every problem is
 * an {@link HttpFailure} 400 naming the parameter, or the plate-map line.
 *
 * <p>Query: {@code experiment}, {@code plate} (required), {@code run} (default a fresh {@code run-<12 hex>}),
 * {@code layout} (96|384|1536; default the smallest holding the plate map), {@code channels} (comma-separated
 * names, required), {@code nuclear} (default the first channel), {@code cell} (optional), {@code sitesPerWell}
 * (required), {@code expectedSites} (default sitesPerWell times the plate map's non-empty wells). Body: the
 * plate-map CSV.
 */
public final class RunRegistration {

    private static final SecureRandom RANDOM = new SecureRandom();

    private RunRegistration() {
    }

    /**
     * @param source where the run came from ({@code http:<client address>}), kept for lineage
     */
    public static PlateRun parse(final Map<String, String> query, final String plateMapCsv, final String source) {
        final String experiment = id("experiment", required(query, "experiment"));
        final String plate = id("plate", required(query, "plate"));
        final String run = query.containsKey("run") ? id("run", query.get("run")) : newRunId();
        final PlateLayout layout;
        try {
            layout = query.containsKey("layout") ? PlateLayout.parse(query.get("layout")) : null;
        } catch (final IllegalArgumentException e) {
            throw HttpFailure.badRequest("layout: " + e.getMessage());
        }
        final List<String> channels = channels(required(query, "channels"));
        final ChannelLayout channelLayout;
        try {
            channelLayout = ChannelLayout.parse(String.join(",", channels.stream().map(c -> c + "=" + c).toList()),
                blankToNull(query.get("nuclear")), blankToNull(query.get("cell")));
        } catch (final IllegalArgumentException e) {
            throw HttpFailure.badRequest(e.getMessage());
        }
        final int sitesPerWell = positive(query, "sitesPerWell", null);
        final PlateMap plateMap;
        try {
            plateMap = PlateMapParser.parse("plate map (request body)", plateMapCsv, layout);
        } catch (final PlateMapException e) {
            throw HttpFailure.badRequest(e.getMessage());
        } catch (final IllegalArgumentException e) {
            throw HttpFailure.badRequest("plate map (request body): " + e.getMessage());
        }
        final long imagedWells = plateMap.entries().stream().filter(e -> e.role() != WellRole.EMPTY).count();
        final int expectedSites = positive(query, "expectedSites", (int) Math.min(Integer.MAX_VALUE,
            imagedWells * sitesPerWell));
        return new PlateRun(PlateRun.SCHEMA_VERSION, experiment, plate, run, plateMap.layout(),
            List.copyOf(channelLayout.channelNames()), channelLayout.nuclearChannel(), channelLayout.cellChannel(),
            sitesPerWell, expectedSites, plateMap.entries(), source, Instant.now().toString(), true);
    }

    /**
     * What differs between a registered run and a new registration of the same key, ignoring where and when
     * each came from; empty when the new one is the same registration again.
     */
    public static List<String> differences(final PlateRun registered, final PlateRun again) {
        final List<String> out = new ArrayList<>();
        diff(out, "layout", registered.layout(), again.layout());
        diff(out, "channels", registered.channels(), again.channels());
        diff(out, "nuclear", registered.nuclearChannel(), again.nuclearChannel());
        diff(out, "cell", registered.cellChannel(), again.cellChannel());
        diff(out, "sitesPerWell", registered.sitesPerWell(), again.sitesPerWell());
        diff(out, "expectedSites", registered.expectedSites(), again.expectedSites());
        if (!registered.plateMap().equals(again.plateMap())) {
            out.add("plate map differs (" + registered.plateMap().size() + " wells registered, "
                + again.plateMap().size() + " now)");
        }
        return out;
    }

    private static void diff(final List<String> out, final String what, final Object was, final Object now) {
        if (!Objects.equals(was, now)) {
            out.add(what + " " + was + " registered, " + now + " now");
        }
    }

    static String newRunId() {
        final byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return "run-" + HexFormat.of().formatHex(b);
    }

    private static String required(final Map<String, String> query, final String name) {
        final String v = query.get(name);
        if (v == null || v.isBlank()) {
            throw HttpFailure.badRequest("query parameter '" + name + "' is required");
        }
        return v.trim();
    }

    private static String id(final String what, final String value) {
        try {
            return Keys.requireId(what, value == null ? null : value.trim());
        } catch (final IllegalArgumentException e) {
            throw HttpFailure.badRequest(e.getMessage());
        }
    }

    private static List<String> channels(final String spec) {
        final Set<String> out = new LinkedHashSet<>();
        for (final String part : spec.split(",")) {
            final String name = id("channel", part.trim());
            if (!out.add(name)) {
                throw HttpFailure.badRequest("channels: '" + name + "' is listed twice in '" + spec + "'");
            }
        }
        return List.copyOf(out);
    }

    private static int positive(final Map<String, String> query, final String name, final Integer fallback) {
        final String v = query.get(name);
        if (v == null || v.isBlank()) {
            if (fallback == null) {
                throw HttpFailure.badRequest("query parameter '" + name + "' is required");
            }
            return fallback;
        }
        try {
            final int n = Integer.parseInt(v.trim());
            if (n < 1) {
                throw HttpFailure.badRequest(name + " must be at least 1, got " + n);
            }
            return n;
        } catch (final NumberFormatException e) {
            throw HttpFailure.badRequest(name + " '" + v + "' is not a whole number");
        }
    }

    private static String blankToNull(final String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
