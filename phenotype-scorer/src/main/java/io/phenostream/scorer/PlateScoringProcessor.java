package io.phenostream.scorer;

import io.phenostream.common.events.DeadLetter;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.Keys;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.events.ScoringParameters;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.events.WellProfile;
import io.phenostream.common.json.JsonSerde;
import io.phenostream.common.kafka.DeadLetters;
import io.phenostream.scorer.plate.PlateScorer;
import io.phenostream.scorer.plate.PlateScoring;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps, per plate run, its {@link PlateRun} and the latest {@link SiteFeatures} of each site (store key
 * {@code runKey|analysisId|well/site}, so a re-delivered site replaces itself), and marks the (run, analysis)
 * pairs that changed. A wall-clock punctuator rescores the changed plates: incremental results while a plate
 * streams in, bounded work however fast sites arrive, and the final result within one interval of the last
 * site. While a plate is RUNNING its plate QC is emitted at every rescoring, but the plate is scored, and its well
 * profiles and plate scores (which feed the compound scores) emitted, only each time another {@code partialStep}
 * share of its expected sites has arrived; in between, {@link PlateScorer#progress} counts its sites without
 * scoring (with an embedding a 384-well plate takes 0.75 s to score on an idle core, seconds under load).
 * Rescoring moves every well (the controls' median and MAD move), so emitting them all every second would write
 * wells x seconds rows per plate, and a plate imaged over an hour would write millions. Final results are always
 * emitted. Every well profile and plate QC it emits is also kept in {@code well-profiles-store} and
 * {@code plate-qc-store}, the stores interactive queries read. Records that cannot be read go to the dead-letter
 * output.
 */
final class PlateScoringProcessor implements Processor<String, ScorerInput, String, ScorerOutput> {

    static final String STAGE = "phenotype-scorer";
    private static final Logger LOG = LoggerFactory.getLogger(PlateScoringProcessor.class);
    private static final StringSerializer KEYS = new StringSerializer();

    private final Duration interval;
    private final double partialStep;
    private final JsonSerde<PlateRun> runSerde = EventSerdes.plateRun();
    private final JsonSerde<SiteFeatures> siteSerde = EventSerdes.siteFeatures();
    private ProcessorContext<String, ScorerOutput> context;
    private KeyValueStore<String, PlateRun> runs;
    private KeyValueStore<String, SiteFeatures> sites;
    private KeyValueStore<String, Long> dirty;
    private KeyValueStore<String, PlateQc> qcResults;
    private KeyValueStore<String, WellProfile> wellResults;

    PlateScoringProcessor(final Duration interval, final double partialStep) {
        this.interval = interval;
        this.partialStep = partialStep;
    }

    /**
     * Whether a rescoring's well profiles and plate scores are emitted: always for the first result, a FINAL one
     * and with {@code step} 0; otherwise when the sites seen have crossed into another block of
     * {@code ceil(step x expected)} sites since the previous rescoring (so at most about {@code 1 / step} partial
     * updates per plate, however slowly its images arrive).
     */
    static boolean partialResultsDue(final PlateQc previous, final PlateQc current, final double step) {
        if (step <= 0 || previous == null || current.status() == PlateQc.Status.FINAL) {
            return true;
        }
        final int block = Math.max(1, (int) Math.ceil(step * current.sitesExpected()));
        return current.sitesSeen() / block != previous.sitesSeen() / block;
    }

    @Override
    public void init(final ProcessorContext<String, ScorerOutput> context) {
        this.context = context;
        this.runs = context.getStateStore(PhenotypeScorerTopology.PLATE_RUNS_STORE);
        this.sites = context.getStateStore(PhenotypeScorerTopology.PLATE_SITES_STORE);
        this.dirty = context.getStateStore(PhenotypeScorerTopology.DIRTY_PLATES_STORE);
        this.qcResults = context.getStateStore(PhenotypeScorerTopology.PLATE_QC_STORE);
        this.wellResults = context.getStateStore(PhenotypeScorerTopology.WELL_PROFILES_STORE);
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, this::rescoreDirtyPlates);
    }

    @Override
    public void process(final Record<String, ScorerInput> record) {
        final ScorerInput input = record.value();
        if (input == null || input.bytes() == null) {
            return; // tombstone: nothing to score
        }
        try {
            if (input.kind() == ScorerInput.Kind.PLATE_RUN) {
                final PlateRun run = runSerde.deserialize(input.topic(), input.bytes());
                runs.put(run.runKey(), run);
                for (final String analysisId : analysesOf(run.runKey())) {
                    dirty.put(Keys.analysisRun(analysisId, run.runKey()), context.currentSystemTimeMs());
                }
            } else {
                final SiteFeatures site = siteSerde.deserialize(input.topic(), input.bytes());
                sites.put(siteKey(site), site);
                dirty.put(Keys.analysisRun(site.analysisId(), site.runKey()), context.currentSystemTimeMs());
            }
        } catch (final RuntimeException e) {
            final RecordMetadata meta = context.recordMetadata().orElse(null);
            final DeadLetter dl = DeadLetters.of(STAGE, e.getMessage(), e, input.topic(),
                meta == null ? null : meta.partition(), meta == null ? null : meta.offset(),
                record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8), input.bytes());
            context.forward(record.withValue(ScorerOutput.of(dl)));
        }
    }

    static String siteKey(final SiteFeatures s) {
        return s.runKey() + "|" + s.analysisId() + "|" + s.well() + "/" + s.site();
    }

    private Set<String> analysesOf(final String runKey) {
        final Set<String> analyses = new HashSet<>();
        try (KeyValueIterator<String, SiteFeatures> it = sites.prefixScan(runKey + "|", KEYS)) {
            while (it.hasNext()) {
                analyses.add(it.next().value.analysisId());
            }
        }
        return analyses;
    }

    private void rescoreDirtyPlates(final long now) {
        final List<String> todo = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = dirty.all()) {
            while (it.hasNext()) {
                todo.add(it.next().key);
            }
        }
        for (final String analysisRun : todo) {
            final int bar = analysisRun.indexOf('|');
            final String analysisId = analysisRun.substring(0, bar);
            final String runKey = analysisRun.substring(bar + 1);
            final PlateRun run = runs.get(runKey);
            if (run == null) {
                continue; // sites arrived before their plate map: score once it is here
            }
            final List<SiteFeatures> plateSites = new ArrayList<>();
            try (KeyValueIterator<String, SiteFeatures> it = sites.prefixScan(runKey + "|" + analysisId + "|", KEYS)) {
                while (it.hasNext()) {
                    final KeyValue<String, SiteFeatures> kv = it.next();
                    plateSites.add(kv.value);
                }
            }
            dirty.delete(analysisRun);
            if (plateSites.isEmpty()) {
                continue;
            }
            final PlateQc previous = qcResults.get(analysisRun);
            final PlateScoring scoring;
            try {
                final ScoringParameters params = plateSites.get(0).analysis().scoring();
                if (previous != null && partialStep > 0) {
                    // Between two partial updates only the plate's progress moves: count, do not score.
                    final PlateQc progress = PlateScorer.progress(run, analysisId, params, plateSites, previous,
                        Instant.ofEpochMilli(now));
                    if (!partialResultsDue(previous, progress, partialStep)) {
                        qcResults.put(analysisRun, progress);
                        context.forward(new Record<>(analysisRun, ScorerOutput.of(progress), now));
                        continue;
                    }
                }
                scoring = PlateScorer.score(run, analysisId, params, plateSites, Instant.ofEpochMilli(now));
            } catch (final RuntimeException e) {
                // A plate the statistics cannot handle must not stop the stream thread: that would halt every
                // plate and, as the state is unchanged on restart, crash again. It is dead-lettered (visible,
                // counted) and scored again when its next site arrives.
                final String reason = "cannot score plate run " + runKey + " for analysis " + analysisId + " with "
                    + plateSites.size() + " of " + run.expectedSites() + " sites: " + e;
                LOG.warn("{}", reason, e);
                context.forward(new Record<>(analysisRun, ScorerOutput.of(DeadLetters.of(STAGE, reason, e, null, null,
                    null, analysisRun.getBytes(StandardCharsets.UTF_8), null)), now));
                continue;
            }
            for (final WellProfile well : scoring.wells()) {
                final String wellKey = Keys.well(analysisId, runKey, well.well());
                wellResults.put(wellKey, well);
                context.forward(new Record<>(wellKey, ScorerOutput.of(well), now));
            }
            qcResults.put(analysisRun, scoring.qc());
            context.forward(new Record<>(analysisRun, ScorerOutput.of(scoring.qc()), now));
            context.forward(new Record<>(Keys.experiment(analysisId, run.experimentId()),
                ScorerOutput.of(scoring.plateScores()), now));
        }
    }
}
