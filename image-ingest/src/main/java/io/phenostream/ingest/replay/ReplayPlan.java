package io.phenostream.ingest.replay;

import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.ImageSet;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * What a replay publishes: every site of the selected runs, in site-key order (run by run, so plates complete one
 * after another), re-addressed to the new analysis. {@code replayId} is a function of the new analysis and the runs,
 * so planning the same replay again gives the same id and the publisher resumes it.
 *
 * @param sourceAnalysisId the analysis whose spec was changed to give {@code spec}
 * @param images           channel images over all sites (what the rate limit counts)
 */
public record ReplayPlan(String replayId, String experimentId, AnalysisSpec spec, String sourceAnalysisId,
                         List<String> runKeys, List<ImageSet> sites, int images) {

    public String analysisId() {
        return spec.analysisId();
    }

    /**
     * @param fromAnalysis the analysis to start from; null: the one most of the selected sites were published with
     * @param change       the new model or parameters, applied to the source analysis' spec
     * @throws IllegalArgumentException naming what is missing: no runs, runs without sites, an unknown analysis
     */
    public static ReplayPlan plan(final ReplayCatalogue.Contents contents, final ReplaySelection selection,
                                  final String fromAnalysis, final UnaryOperator<AnalysisSpec> change,
                                  final Instant now) {
        if (contents.runs().isEmpty()) {
            throw new IllegalArgumentException("No finished plate run of experiment " + selection.experimentId()
                + (selection.plates().isEmpty() ? "" : " with plate in " + new java.util.TreeSet<>(selection.plates()))
                + (selection.since() == null ? "" : " created since " + selection.since())
                + " on the plate-runs topic: nothing to replay");
        }
        final List<String> withoutSites = contents.runs().keySet().stream()
            .filter(k -> !contents.analyses().containsKey(k)).toList();
        if (!withoutSites.isEmpty()) {
            throw new IllegalArgumentException("Runs " + withoutSites + " have no image-sets left on the image-sets "
                + "topic (retention?): cannot replay them; choose other plates with --plates");
        }
        final Map<String, Integer> sitesByAnalysis = new TreeMap<>();
        contents.analyses().values().forEach(m -> m.forEach((a, n) -> sitesByAnalysis.merge(a, n, Integer::sum)));
        final String source;
        if (fromAnalysis != null) {
            if (!sitesByAnalysis.containsKey(fromAnalysis)) {
                throw new IllegalArgumentException("Analysis " + fromAnalysis + " was not published for these runs; "
                    + "they have " + sitesByAnalysis.keySet());
            }
            source = fromAnalysis;
        } else {
            // The analysis most sites were published with; among equals, the first by id (sitesByAnalysis is sorted).
            String best = null;
            for (final Map.Entry<String, Integer> e : sitesByAnalysis.entrySet()) {
                if (best == null || e.getValue() > sitesByAnalysis.get(best)) {
                    best = e.getKey();
                }
            }
            source = best;
        }
        final AnalysisSpec spec = change.apply(contents.specs().get(source));
        final String analysisId = spec.analysisId();
        final List<ImageSet> sites = new ArrayList<>(contents.sites().size());
        int images = 0;
        for (final ImageSet s : new TreeMap<>(contents.sites()).values()) {
            sites.add(new ImageSet(ImageSet.SCHEMA_VERSION, analysisId, spec, s.experimentId(), s.plateId(),
                s.runId(), s.well(), s.site(), s.images(), s.nuclearChannel(), s.cellChannel(), now.toString()));
            images += s.images().size();
        }
        final List<String> runKeys = List.copyOf(contents.runs().keySet());
        return new ReplayPlan(replayId(analysisId, runKeys), selection.experimentId(), spec, source, runKeys,
            List.copyOf(sites), images);
    }

    /**
     * Why this replay would change nothing, or null: its analysis is one the runs were already published with (the
     * same model and parameters give the same analysis id), so its results exist or are being computed.
     */
    public String alreadyAnalysed(final ReplayCatalogue.Contents contents) {
        final List<String> runsWithIt = contents.analyses().entrySet().stream()
            .filter(e -> e.getValue().containsKey(analysisId())).map(Map.Entry::getKey).toList();
        if (runsWithIt.size() == runKeys.size()) {
            return "Analysis " + analysisId() + " (the same model and parameters) already exists for "
                + (runKeys.size() == 1 ? "run " + runKeys.get(0) : "all " + runKeys.size() + " runs")
                + ": nothing to replay";
        }
        return null;
    }

    /** Sites of each run in this plan, by run key (the expected counts of the replay's plates). */
    public Map<String, Integer> sitesByRun() {
        final Map<String, Integer> out = new TreeMap<>();
        sites.forEach(s -> out.merge(s.runKey(), 1, Integer::sum));
        return out;
    }

    static String replayId(final String analysisId, final List<String> runKeys) {
        try {
            final MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(analysisId.getBytes(StandardCharsets.UTF_8));
            for (final String k : runKeys) {
                d.update((byte) '\n');
                d.update(k.getBytes(StandardCharsets.UTF_8));
            }
            return "replay-" + HexFormat.of().formatHex(d.digest()).substring(0, 16);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
