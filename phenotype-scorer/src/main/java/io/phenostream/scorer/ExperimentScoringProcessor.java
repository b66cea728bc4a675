package io.phenostream.scorer;

import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.Keys;
import io.phenostream.common.kafka.DeadLetters;
import io.phenostream.scorer.plate.ExperimentScorer;
import io.phenostream.scorer.plate.PlateWellScores;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Input keyed by {@code analysisId|experimentId} (repartitioned), so every plate of an experiment meets here.
 * Keeps the latest well scores of each plate (store key {@code analysisId|experimentId|runKey}) and, on a
 * wall-clock punctuation, rescoring the experiments that changed: per-compound scores, BH q-values, hits and
 * dose-response fits. The latest score of each compound is also kept in {@code compound-scores-store} for
 * interactive queries.
 */
final class ExperimentScoringProcessor implements Processor<String, PlateWellScores, String, ScorerOutput> {

    private static final Logger LOG = LoggerFactory.getLogger(ExperimentScoringProcessor.class);

    private static final StringSerializer KEYS = new StringSerializer();

    private final Duration interval;
    private ProcessorContext<String, ScorerOutput> context;
    private KeyValueStore<String, PlateWellScores> plates;
    private KeyValueStore<String, Long> dirty;
    private KeyValueStore<String, CompoundScore> compoundResults;

    ExperimentScoringProcessor(final Duration interval) {
        this.interval = interval;
    }

    @Override
    public void init(final ProcessorContext<String, ScorerOutput> context) {
        this.context = context;
        this.plates = context.getStateStore(PhenotypeScorerTopology.EXPERIMENT_PLATES_STORE);
        this.dirty = context.getStateStore(PhenotypeScorerTopology.DIRTY_EXPERIMENTS_STORE);
        this.compoundResults = context.getStateStore(PhenotypeScorerTopology.COMPOUND_SCORES_STORE);
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, this::rescoreDirtyExperiments);
    }

    @Override
    public void process(final Record<String, PlateWellScores> record) {
        final PlateWellScores p = record.value();
        if (p == null) {
            return;
        }
        final String experimentKey = Keys.experiment(p.analysisId(), p.experimentId());
        plates.put(experimentKey + "|" + Keys.run(p.experimentId(), p.plateId(), p.runId()), p);
        dirty.put(experimentKey, context.currentSystemTimeMs());
    }

    private void rescoreDirtyExperiments(final long now) {
        final List<String> todo = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = dirty.all()) {
            while (it.hasNext()) {
                todo.add(it.next().key);
            }
        }
        for (final String experimentKey : todo) {
            final List<PlateWellScores> experimentPlates = new ArrayList<>();
            try (KeyValueIterator<String, PlateWellScores> it = plates.prefixScan(experimentKey + "|", KEYS)) {
                while (it.hasNext()) {
                    experimentPlates.add(it.next().value);
                }
            }
            dirty.delete(experimentKey);
            if (experimentPlates.isEmpty()) {
                continue;
            }
            final PlateWellScores first = experimentPlates.get(0);
            final List<CompoundScore> scores;
            try {
                scores = ExperimentScorer.score(first.analysisId(), first.experimentId(),
                    PhenotypeScorerTopology.scoringOf(first), experimentPlates, Instant.ofEpochMilli(now));
            } catch (final RuntimeException e) {
                // As for plates: dead-lettered, not a stopped stream thread; scored again when a plate changes.
                final String reason = "cannot score experiment " + experimentKey + " over " + experimentPlates.size()
                    + " plate(s): " + e;
                LOG.warn("{}", reason, e);
                context.forward(new Record<>(experimentKey, ScorerOutput.of(DeadLetters.of(
                    PlateScoringProcessor.STAGE, reason, e, null, null, null,
                    experimentKey.getBytes(StandardCharsets.UTF_8), null)), now));
                continue;
            }
            for (final CompoundScore s : scores) {
                final String compoundKey = Keys.compound(s.analysisId(), s.experimentId(), s.compound());
                compoundResults.put(compoundKey, s);
                context.forward(new Record<>(compoundKey, ScorerOutput.of(s), now));
            }
        }
    }
}
