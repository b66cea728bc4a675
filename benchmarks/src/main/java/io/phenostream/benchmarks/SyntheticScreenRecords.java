package io.phenostream.benchmarks;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.PlateMapEntry;
import io.phenostream.common.domain.WellRole;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.ExtractionParameters;
import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.events.SiteQc;
import io.phenostream.common.synth.CompoundTruth;
import io.phenostream.common.synth.Mechanism;
import io.phenostream.common.synth.SynthFiles;
import io.phenostream.common.synth.SynthPlateDesign;
import io.phenostream.extractor.analysis.SiteAnalyzer;
import io.phenostream.scorer.stats.FourParameterLogistic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * One plate's worth of scorer input for the scorer, Streams, sink, Kafka and JSON benchmarks: a {@link PlateRun}
 * with the synthetic screen's plate map ({@link SynthPlateDesign}: controls in columns 1, 2 and the last, 6-dose
 * duplicate series) and a {@link SiteFeatures} record per site shaped like the extractor's: the real feature names
 * and site medians of one analysed synthetic site (53 features), three image references, a Parquet URI, two mask
 * URIs and, optionally, an embedding. Values: each feature's real median times {@code 1 + 5 %} noise (a shared
 * factor per feature family plus independent noise, so features correlate as image features do, below the
 * scorer's redundancy cut), plus the compound's effect ({@link CompoundTruth}: a 4PL in dose, 15 % of the median
 * on a mechanism-specific half of the features; the positive control at full effect; cytotoxic compounds also
 * lose cells). Deterministic for a seed.
 */
final class SyntheticScreenRecords {

    static final AnalysisSpec ANALYSIS = AnalysisSpec.classicalDefaults();
    static final String ANALYSIS_ID = ANALYSIS.analysisId();
    private static final int FAMILIES = 6;
    private static final String TIMESTAMP = "2026-11-27T00:00:00Z";

    private static Map<String, Double> template;

    final PlateRun run;
    final List<SiteFeatures> sites;

    private SyntheticScreenRecords(final PlateRun run, final List<SiteFeatures> sites) {
        this.run = run;
        this.sites = List.copyOf(sites);
    }

    /** The site medians of one real analysis of a synthetic 256 px site (feature name -> value); cached. */
    static synchronized Map<String, Double> featureTemplate() {
        if (template == null) {
            template = new SiteAnalyzer(ExtractionParameters.defaults()).analyze(SyntheticSiteImages.site(256, 1),
                SyntheticSiteImages.NUCLEAR, SyntheticSiteImages.CELL).siteFeatures();
        }
        return template;
    }

    /** A closed plate run of {@code layout} with every site of every non-empty well. */
    static SyntheticScreenRecords plate(final PlateLayout layout, final int sitesPerWell, final int embeddingDim,
                                        final String experimentId, final String plateId, final long seed) {
        final Random rnd = new Random(seed);
        final List<PlateMapEntry> map = SynthPlateDesign.plateMap(layout).entries();
        final Map<String, CompoundTruth> truth = new HashMap<>();
        for (final CompoundTruth t : SynthPlateDesign.compoundTruth(layout, seed)) {
            truth.put(t.compound(), t);
        }
        final int expected = (int) map.stream().filter(e -> e.role() != WellRole.EMPTY).count() * sitesPerWell;
        final PlateRun run = new PlateRun(PlateRun.SCHEMA_VERSION, experimentId, plateId, "r1", layout,
            List.copyOf(SynthFiles.CHANNELS), SyntheticSiteImages.NUCLEAR, SyntheticSiteImages.CELL, sitesPerWell,
            expected, map, "bench", TIMESTAMP, false);

        final Map<String, Double> base = featureTemplate();
        final String[] names = base.keySet().toArray(String[]::new);
        final List<SiteFeatures> sites = new ArrayList<>();
        for (final PlateMapEntry e : map) {
            if (e.role() == WellRole.EMPTY) {
                continue;
            }
            final double effect = effect(e, truth);
            final Mechanism mechanism = e.role() == WellRole.POSITIVE_CONTROL ? Mechanism.TRANSLOCATION
                : truth.containsKey(e.compound()) ? truth.get(e.compound()).mechanism() : Mechanism.INACTIVE;
            for (int s = 0; s < sitesPerWell; s++) {
                final double[] family = new double[FAMILIES];
                for (int k = 0; k < FAMILIES; k++) {
                    family[k] = rnd.nextGaussian();
                }
                final Map<String, Double> features = new LinkedHashMap<>();
                for (int f = 0; f < names.length; f++) {
                    final double centre = base.get(names[f]) == null || !Double.isFinite(base.get(names[f]))
                        || base.get(names[f]) == 0.0 ? 1.0 : base.get(names[f]);
                    final double noise = 0.6 * family[f % FAMILIES] + 0.8 * rnd.nextGaussian();
                    final double direction = (f + mechanism.ordinal()) % 2 == 0 ? 1.0 : -0.5;
                    features.put(names[f], centre * (1.0 + 0.05 * noise + 0.15 * effect * direction));
                }
                final List<Double> embedding = new ArrayList<>(embeddingDim);
                for (int d = 0; d < embeddingDim; d++) {
                    final double direction = (d + mechanism.ordinal()) % 3 == 0 ? 1.0 : 0.0;
                    embedding.add(0.1 * rnd.nextGaussian() + 0.3 * effect * direction);
                }
                final double cells = 30 + 4 * rnd.nextGaussian();
                final int cellCount = (int) Math.max(1, Math.round(
                    mechanism == Mechanism.CYTOTOXIC ? cells * (1 - 0.8 * effect) : cells));
                sites.add(site(run, e, s, cellCount, features, embedding));
            }
        }
        return new SyntheticScreenRecords(run, sites);
    }

    /** 0 = control-like, 1 = the compound's full phenotype. */
    private static double effect(final PlateMapEntry e, final Map<String, CompoundTruth> truth) {
        if (e.role() == WellRole.POSITIVE_CONTROL) {
            return 1.0;
        }
        final CompoundTruth t = truth.get(e.compound());
        if (e.role() != WellRole.TREATMENT || t == null || t.mechanism() == Mechanism.INACTIVE) {
            return 0.0;
        }
        return t.maxEffect() * FourParameterLogistic.value(Math.log10(e.concentration()), 0.0, 1.0,
            Math.log10(t.ec50()), t.hill());
    }

    private static SiteFeatures site(final PlateRun run, final PlateMapEntry e, final int site, final int cells,
                                     final Map<String, Double> features, final List<Double> embedding) {
        final String prefix = String.format(Locale.ROOT, "%s/%s/%s/%s/%d", run.experimentId(), run.plateId(),
            run.runId(), e.well(), site);
        final List<ImageRef> images = new ArrayList<>();
        final Map<String, String> illumination = new LinkedHashMap<>();
        for (final String channel : run.channels()) {
            final String sha = String.format(Locale.ROOT, "%064x", (long) (prefix + channel).hashCode() & 0xffffffffL);
            images.add(new ImageRef(channel, "phenostream", "images/sha256/" + sha.substring(0, 2) + "/" + sha, sha,
                393_472, e.well() + "_s" + site + "_" + channel + ".tif"));
            illumination.put(channel, "illum-0123456789ab");
        }
        final String cells3 = "s3://phenostream/cells/" + ANALYSIS_ID + "/" + prefix;
        return new SiteFeatures(SiteFeatures.SCHEMA_VERSION, ANALYSIS_ID, ANALYSIS, run.experimentId(),
            run.plateId(), run.runId(), e.well(), site, SiteFeatures.Status.OK, null, cells, features,
            new SiteQc(0.02, 0.0, List.of()), images, cells3 + ".parquet", TIMESTAMP, illumination, embedding,
            Map.of(SiteFeatures.NUCLEI_MASK, cells3 + "-nuclei.png", SiteFeatures.CELLS_MASK, cells3 + "-cells.png"));
    }
}
