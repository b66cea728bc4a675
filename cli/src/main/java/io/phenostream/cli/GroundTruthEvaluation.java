package io.phenostream.cli;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.synth.CompoundTruth;
import io.phenostream.common.synth.Mechanism;
import io.phenostream.common.synth.SiteTruth;
import io.phenostream.common.synth.SynthFiles;
import io.phenostream.common.synth.SynthOptions;
import io.phenostream.common.synth.SynthPlateDesign;
import io.phenostream.common.synth.SyntheticPlate;
import io.phenostream.common.synth.SyntheticPlateGenerator;
import io.phenostream.extractor.SiteProcessor;
import io.phenostream.extractor.analysis.CellCropper;
import io.phenostream.extractor.analysis.IlluminationEstimator;
import io.phenostream.extractor.analysis.SiteAnalysis;
import io.phenostream.extractor.analysis.SiteAnalyzer;
import io.phenostream.extractor.embedding.CropEmbedder;
import io.phenostream.extractor.embedding.EmbeddingModel;
import io.phenostream.scorer.plate.ExperimentScorer;
import io.phenostream.scorer.plate.PlateScorer;
import io.phenostream.scorer.plate.PlateScoring;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * The science against ground truth: synthetic plates with known actives and EC50s go through the real image
 * analysis ({@link SiteAnalyzer}, illumination correction included) and the real scoring ({@link PlateScorer},
 * {@link ExperimentScorer}), without Kafka, so many plates can be scored in minutes. Reported per plate: hit
 * precision and recall, false hits among inactive compounds, EC50 error of well-determined curves, Z'.
 *
 * <p>Definitions. A compound has a <b>clear effect</b> when its true effect at the top dose is at least
 * {@value #CLEAR_EFFECT} of the full phenotype. Precision = hits whose compound is active at all (any true
 * effect) / hits; recall = clear-effect compounds called hits / clear-effect compounds. A curve is
 * <b>well determined</b> when the true EC50 lies inside the tested doses with at least one dose on each side
 * (0.37 to 10 uM here) and the compound's max effect is clear; its error is |log10 fitted EC50 - log10 true EC50|.
 */
final class GroundTruthEvaluation {

    static final double CLEAR_EFFECT = 0.3;

    /** One plate's outcome. */
    record PlateOutcome(String plate, int compounds, int clear, int hits, int truePositiveHits, int clearHits,
                        int inactive, int inactiveHits, double zPrime, List<Double> ec50Errors, int wellDetermined) {

        double precision() {
            return hits == 0 ? 1.0 : (double) truePositiveHits / hits;
        }

        double recall() {
            return clear == 0 ? 1.0 : (double) clearHits / clear;
        }
    }

    private GroundTruthEvaluation() {
    }

    static PlateOutcome evaluate(final PlateLayout layout, final long seed, final int sites, final int size,
                                 final Path workDir) {
        return evaluate(layout, seed, sites, size, workDir, null);
    }

    /**
     * @param embedder embeds each cell's crop (its site medians join the profile, as in the pipeline), or null for
     *                 classical features only
     */
    static PlateOutcome evaluate(final PlateLayout layout, final long seed, final int sites, final int size,
                                 final Path workDir, final CropEmbedder embedder) {
        final String plateId = "GT-" + layout + "-" + seed;
        final Path dir = workDir.resolve(plateId);
        final SynthOptions options = SynthOptions.defaults().withLayout(layout).withSitesPerWell(sites)
            .withImageSize(size).withSeed(seed).withPlateId(plateId).withExperimentId("GT-" + plateId);
        final SyntheticPlate plate = new SyntheticPlateGenerator().generate(options, dir);
        final AnalysisSpec classical = AnalysisSpec.classicalDefaults();
        final AnalysisSpec analysis = embedder == null ? classical : new AnalysisSpec(
            embedder.model().spec().name() + "/" + embedder.model().spec().version(),
            EmbeddingModel.sha256(embedder.model().directory().resolve("model.pt")), classical.extraction(),
            classical.scoring());
        final SiteAnalyzer.Crops crops = embedder == null ? null : new SiteAnalyzer.Crops(
            CellCropper.forModel(embedder.model().spec().cropSize(), embedder.model().spec().normalization()),
            embedder.model().spec().inputChannels().stream().map(c -> CropsCommand.ROLES.getOrDefault(c, c)).toList());
        final SiteAnalyzer analyzer = new SiteAnalyzer(analysis.extraction());
        final IlluminationEstimator illumination = new IlluminationEstimator();
        final PlateRun run = new PlateRun(PlateRun.SCHEMA_VERSION, options.experimentId(), plateId, "r1", layout,
            plate.channels(), SynthFiles.CHANNELS.get(0), SynthFiles.CHANNELS.get(2), sites, plate.sites().size(),
            plate.plateMap().entries(), "evaluation", Instant.EPOCH.toString(), false);
        final List<SiteFeatures> features = new ArrayList<>();
        for (final SiteTruth site : plate.sites()) {
            final Map<String, byte[]> images = new LinkedHashMap<>();
            for (int c = 0; c < plate.channels().size(); c++) {
                images.put(plate.channels().get(c), read(plate.imagePath(site.well(), site.site(), c)));
            }
            final SiteAnalysis a = analyzer.analyze(images, SynthFiles.CHANNELS.get(0), SynthFiles.CHANNELS.get(2),
                analysis.extraction().illuminationCorrection() ? new SiteAnalyzer.Illumination(illumination,
                    run.runKey(), site.well() + "/" + site.site()) : null, crops);
            features.add(new SiteFeatures(SiteFeatures.SCHEMA_VERSION, analysis.analysisId(), analysis,
                run.experimentId(), plateId, run.runId(), site.well(), site.site(), SiteFeatures.Status.OK, null,
                a.cellCount(), a.siteFeatures(), a.qc(), List.of(), null, Instant.EPOCH.toString(), Map.of(),
                embedder == null ? List.of() : medianEmbedding(embedder, a)));
        }
        final PlateScoring scoring = PlateScorer.score(run, analysis.analysisId(), analysis.scoring(), features,
            Instant.EPOCH);
        final List<CompoundScore> scores = ExperimentScorer.score(analysis.analysisId(), run.experimentId(),
            analysis.scoring(), List.of(scoring.plateScores()), Instant.EPOCH);
        deleteTree(dir);
        return compare(plateId, plate.compounds(), scores, scoring.qc().zPrime());
    }

    private static List<Double> medianEmbedding(final CropEmbedder embedder, final SiteAnalysis a) {
        if (a.crops() == null || a.crops().count() == 0) {
            return List.of();
        }
        final float[][] e;
        try {
            e = embedder.submitSite(Arrays.asList(a.crops().crops())).get();
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while embedding", ex);
        } catch (final ExecutionException ex) {
            throw new IllegalStateException("embedding failed: " + ex.getCause(), ex.getCause());
        }
        return SiteProcessor.medians(e);
    }

    static PlateOutcome compare(final String plateId, final List<CompoundTruth> truths,
                                final List<CompoundScore> scores, final Double zPrime) {
        final double top = SynthPlateDesign.DOSES_UM.get(0);
        int compounds = 0;
        int clear = 0;
        int hits = 0;
        int truePositiveHits = 0;
        int clearHits = 0;
        int inactive = 0;
        int inactiveHits = 0;
        int wellDetermined = 0;
        final List<Double> errors = new ArrayList<>();
        for (final CompoundTruth truth : truths) {
            if (truth.compound().equals(SynthPlateDesign.POSITIVE_COMPOUND)) {
                continue;
            }
            final CompoundScore s = scores.stream().filter(c -> c.compound().equals(truth.compound())).findFirst()
                .orElse(null);
            if (s == null) {
                continue;
            }
            compounds++;
            final boolean active = truth.mechanism() != Mechanism.INACTIVE && truth.maxEffect() > 0;
            final boolean isClear = active && truth.effect(top) >= CLEAR_EFFECT;
            clear += isClear ? 1 : 0;
            inactive += active ? 0 : 1;
            if (s.hit()) {
                hits++;
                truePositiveHits += active ? 1 : 0;
                clearHits += isClear ? 1 : 0;
                inactiveHits += active ? 0 : 1;
            }
            if (isClear && truth.ec50() >= 0.37 && truth.ec50() <= 10) {
                wellDetermined++;
                if (s.fit() != null && s.fit().ec50() != null && s.fit().ec50() > 0) {
                    errors.add(Math.abs(Math.log10(s.fit().ec50()) - Math.log10(truth.ec50())));
                }
            }
        }
        return new PlateOutcome(plateId, compounds, clear, hits, truePositiveHits, clearHits, inactive, inactiveHits,
            zPrime == null ? Double.NaN : zPrime, errors, wellDetermined);
    }

    static String table(final List<PlateOutcome> outcomes) {
        final StringBuilder sb = new StringBuilder();
        sb.append("| plate | compounds | clear | hits | precision | recall | inactive hits | EC50 fitted / well-determined"
            + " | median EC50 error (log10) | Z' |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (final PlateOutcome o : outcomes) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.2f | %.2f | %d / %d | %d / %d | %s | %.2f |%n",
                o.plate(), o.compounds(), o.clear(), o.hits(), o.precision(), o.recall(), o.inactiveHits(),
                o.inactive(), o.ec50Errors().size(), o.wellDetermined(), median(o.ec50Errors()), o.zPrime()));
        }
        return sb.toString();
    }

    static String median(final List<Double> values) {
        if (values.isEmpty()) {
            return "-";
        }
        final List<Double> sorted = values.stream().sorted().toList();
        final int n = sorted.size();
        final double m = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return String.format(Locale.ROOT, "%.2f", m);
    }

    private static byte[] read(final Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(final Path dir) {
        DemoCommand.deleteTree(dir);
    }
}
