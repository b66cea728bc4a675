package io.phenostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.PlateMapParser;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.events.ReplayProgress;
import io.phenostream.common.events.ScoringParameters;
import io.phenostream.common.kafka.KafkaClientConfigs;
import io.phenostream.common.kafka.Topics;
import io.phenostream.common.synth.SynthOptions;
import io.phenostream.ingest.IngestRequest;
import io.phenostream.ingest.IngestResult;
import io.phenostream.ingest.replay.ReplayCatalogue;
import io.phenostream.ingest.replay.ReplayPlan;
import io.phenostream.ingest.replay.ReplayPublisher;
import io.phenostream.ingest.replay.ReplaySelection;
import io.phenostream.sink.HitRow;
import io.phenostream.sink.ResultsDatabase;
import io.phenostream.sink.api.AnalysisComparison;
import io.phenostream.sink.api.ComparisonReport;
import io.phenostream.sink.api.ResultsQueries;
import io.phenostream.sink.ResultsStore;
import io.phenostream.sink.WellScoreRow;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay end to end on the embedded infrastructure: a synthetic plate is analysed, then replayed with other
 * scoring parameters from what Kafka recorded (no plate folder). The replay is stopped midway (Ctrl-C: the chunk
 * under way is committed), then a publisher crashes with a transaction open, then it is resumed: every site lands on
 * the replay topic exactly once, both analyses are in the results store, and the replayed results equal those of
 * the same analysis run without interruption (the plate ingested with that analysis on a second, fresh pipeline).
 */
@Tag("integration")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ReplayIT {

    private static final UnaryOperator<AnalysisSpec> LOOSER = s -> new AnalysisSpec(s.modelName(), s.modelSha256(),
        s.extraction(), new ScoringParameters(0.2, s.scoring().madEpsilon(), 0.3, s.scoring().cytotoxicCellFraction()));

    @Test
    void interruptedReplayResumesAndEqualsAnUninterruptedAnalysis(@TempDir final Path tmp) throws Exception {
        final SynthOptions options = SynthCommand.options(96, 1, 192, 11, "RP-P1");
        final Path plateDir = tmp.resolve("plate");
        SynthCommand.generate(options, plateDir);
        final String experiment = options.experimentId();
        final IngestRequest live = request(options, plateDir, AnalysisSpec.classicalDefaults());

        final String replayed;
        final Map<String, HitRow> replayedHits;
        final Map<String, WellScoreRow> replayedWells;
        try (LocalPipeline pipeline = LocalPipeline.start(config(tmp.resolve("data-1")), true)) {
            final IngestResult a = pipeline.ingest(live, (x, y, z, w) -> { });
            pipeline.awaitFinal(a, Duration.ofMinutes(3), () -> { });
            final PhenoConfig config = pipeline.config();
            final ReplaySelection all = new ReplaySelection(experiment, null, null);
            final ReplayCatalogue.Contents contents = ReplayCatalogue.read(config, all, Duration.ofMinutes(1));
            assertEquals(96, contents.sites().size(), "every site of the run, from the image-sets topic");

            // The same model and parameters: recognised, nothing to do.
            final ReplayPlan same = ReplayPlan.plan(contents, all, null, UnaryOperator.identity(), Instant.now());
            assertEquals(a.analysisId(), same.analysisId());
            assertNotNull(same.alreadyAnalysed(contents));

            final ReplayPlan plan = ReplayPlan.plan(contents, all, null, LOOSER, Instant.now());
            replayed = plan.analysisId();
            assertNotEquals(a.analysisId(), replayed);
            assertNull(plan.alreadyAnalysed(contents));

            // 1. Ctrl-C after the second chunk: what was committed stays, the rest waits.
            final AtomicBoolean stop = new AtomicBoolean();
            try (ReplayPublisher first = new ReplayPublisher(config, plan, 0)) {
                assertEquals(0, first.open(Duration.ofMinutes(1)).publishedSites());
                final ReplayProgress p = first.publish(stop, c -> stop.set(c.publishedSites() >= 40));
                assertEquals(2 * 32, p.publishedSites());
                assertEquals(ReplayProgress.State.PUBLISHING, p.state());
            }
            // 2. A publisher dies with a transaction open: its sites and progress must never be seen.
            crashMidTransaction(config, plan, 64, 80);

            // 3. Started again: the crashed transaction is aborted, publishing resumes at site 64.
            try (ReplayPublisher again = new ReplayPublisher(config, plan, 0)) {
                assertEquals(64, again.open(Duration.ofMinutes(1)).publishedSites());
                final ReplayProgress p = again.publish(new AtomicBoolean(), c -> { });
                assertEquals(96, p.publishedSites());
                assertEquals(ReplayProgress.State.PUBLISHED, p.state());
            }
            final List<ImageSet> onTopic = committedReplaySites(config, 96);
            assertEquals(plan.sites().stream().map(ImageSet::siteKey).sorted().toList(),
                onTopic.stream().map(ImageSet::siteKey).sorted().toList(), "every site exactly once");
            assertTrue(onTopic.stream().allMatch(s -> s.analysisId().equals(replayed)));
            // A second start of a published replay publishes nothing more.
            try (ReplayPublisher third = new ReplayPublisher(config, plan, 0)) {
                assertEquals(96, third.open(Duration.ofMinutes(1)).publishedSites());
                assertEquals(96, third.publish(new AtomicBoolean(), c -> { }).publishedSites());
            }
            assertEquals(96, committedReplaySites(config, 96).size());

            pipeline.awaitFinal(experiment, replayed, Duration.ofMinutes(3), () -> { });
            final ResultsStore store = pipeline.store();
            assertEquals(96, ReplayCommand.stored(store, plan));
            assertEquals(2, store.analyses(experiment).size(), "both analyses side by side");
            assertEquals(96, store.plateQc(experiment, a.analysisId()).get(0).sitesSeen());
            assertEquals(96, store.plateQc(experiment, replayed).get(0).sitesSeen());
            assertEquals(ReplayCatalogue.replays(config, Duration.ofMinutes(1)).get(0).replayId(), plan.replayId());
            replayedHits = byCompound(store.hitList(experiment, replayed, null, 1000, 0));
            replayedWells = byWell(store.wellScores(experiment, replayed));
            assertEquals(byCompound(store.hitList(experiment, a.analysisId(), null, 1000, 0)).keySet(),
                replayedHits.keySet());
            // Comparable: the two analyses side by side, as `screen compare` and the web UI show them.
            final ComparisonReport compared = new AnalysisComparison(new ResultsQueries(
                ResultsDatabase.readerDataSource(config))).compare(experiment, a.analysisId(), replayed);
            assertEquals(replayedHits.size(), compared.summary().compoundsInBoth());
            assertTrue(compared.summary().spearman() > 0.8, "same images, looser FDR: ranks barely move "
                + compared.summary());
            assertTrue(compared.summary().hitsB() >= compared.summary().hitsA(), "a looser FDR loses no hit");
            assertEquals(0, compared.summary().lost());
            assertTrue(compared.specDifferences().stream().anyMatch(d -> d.toString().contains("fdr")),
                compared.specDifferences().toString());
        }

        // The same analysis without any interruption: the plate ingested with it on a fresh pipeline.
        try (LocalPipeline pipeline = LocalPipeline.start(config(tmp.resolve("data-2")), true)) {
            final IngestRequest direct = request(options, plateDir, LOOSER.apply(AnalysisSpec.classicalDefaults()));
            final IngestResult b = pipeline.ingest(direct, (x, y, z, w) -> { });
            assertEquals(replayed, b.analysisId());
            pipeline.awaitFinal(b, Duration.ofMinutes(3), () -> { });
            final Map<String, HitRow> hits = byCompound(pipeline.store().hitList(experiment, replayed, null, 1000, 0));
            assertEquals(hits.keySet(), replayedHits.keySet());
            for (final HitRow h : hits.values()) {
                final HitRow r = replayedHits.get(h.compound());
                assertEquals(h.rank(), r.rank(), h.compound());
                assertEquals(h.hit(), r.hit(), h.compound());
                assertClose(h.score(), r.score(), h.compound() + " score");
                assertClose(h.pValue(), r.pValue(), h.compound() + " p");
                assertClose(h.qValue(), r.qValue(), h.compound() + " q");
                assertClose(h.ec50(), r.ec50(), h.compound() + " EC50");
            }
            final Map<String, WellScoreRow> wells = byWell(pipeline.store().wellScores(experiment, replayed));
            assertEquals(wells.keySet(), replayedWells.keySet());
            for (final WellScoreRow w : wells.values()) {
                final WellScoreRow r = replayedWells.get(w.plateId() + "/" + w.well());
                assertClose(w.score(), r.score(), w.well() + " score");
                assertClose(w.cellCount(), r.cellCount(), w.well() + " cells");
                assertEquals(w.sitesUsed(), r.sitesUsed(), w.well());
            }
        }
    }

    private static PhenoConfig config(final Path dataDir) {
        return PhenoConfig.defaults().with(ConfigKey.DATA_DIR, dataDir.toString())
            .with(ConfigKey.SCORER_PUNCTUATE_MS, "500").with(ConfigKey.EXTRACTOR_REPLAY_THREADS, "2");
    }

    private static IngestRequest request(final SynthOptions options, final Path plateDir, final AnalysisSpec spec) {
        return new IngestRequest(plateDir, PlateMapParser.parse(plateDir.resolve("plate-map.csv"), options.layout()),
            options.experimentId(), options.plateId(), null, null, null, spec);
    }

    /** Opens a transaction as the replay's publisher, sends sites {@code from..to} and their progress, and dies. */
    private static void crashMidTransaction(final PhenoConfig config, final ReplayPlan plan, final int from,
                                            final int to) {
        final Properties p = KafkaClientConfigs.producer(config, "crashing-replay");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, ReplayPublisher.transactionalId(plan.replayId()));
        final KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p);
        producer.initTransactions();
        producer.beginTransaction();
        final String topic = config.topic(Topics.IMAGE_SETS_REPLAY);
        for (final ImageSet s : plan.sites().subList(from, to)) {
            producer.send(new ProducerRecord<>(topic, s.siteKey(), EventSerdes.imageSet().serialize(topic, s)));
        }
        final String replays = config.topic(Topics.REPLAYS);
        final ReplayProgress lie = new ReplayProgress(ReplayProgress.SCHEMA_VERSION, plan.replayId(),
            plan.experimentId(), plan.analysisId(), plan.spec(), plan.sourceAnalysisId(), plan.runKeys(),
            plan.sites().size(), to, 0, ReplayProgress.State.PUBLISHING, Instant.now().toString(),
            Instant.now().toString());
        producer.send(new ProducerRecord<>(replays, plan.replayId(), EventSerdes.replayProgress().serialize(replays,
            lie)));
        producer.flush();
        producer.close(Duration.ZERO); // no commit, no abort: as if the process were killed
    }

    /**
     * What read_committed consumers (the replay extractors) see on the replay topic: everything until {@code expected}
     * records arrived, then one more second to catch any extra. (A commit's markers reach the partitions just after
     * commitTransaction returns, so the last stable offsets may lag for a moment: poll, do not stop at them.)
     */
    private static List<ImageSet> committedReplaySites(final PhenoConfig config, final int expected) {
        final List<ImageSet> out = new ArrayList<>();
        final String topic = config.topic(Topics.IMAGE_SETS_REPLAY);
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaClientConfigs.consumer(config,
            "it-" + UUID.randomUUID(), "it-replay-reader"))) {
            final List<TopicPartition> parts = c.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long settle = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settle)) {
                for (final ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(EventSerdes.imageSet().deserialize(topic, r.value()));
                }
                if (out.size() >= expected && settle == Long.MAX_VALUE) {
                    settle = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                }
            }
        }
        return out;
    }

    private static Map<String, HitRow> byCompound(final List<HitRow> rows) {
        final Map<String, HitRow> out = new HashMap<>();
        rows.forEach(r -> out.put(r.compound(), r));
        return out;
    }

    private static Map<String, WellScoreRow> byWell(final List<WellScoreRow> rows) {
        final Map<String, WellScoreRow> out = new HashMap<>();
        rows.forEach(r -> out.put(r.plateId() + "/" + r.well(), r));
        return out;
    }

    private static void assertClose(final Double expected, final Double actual, final String what) {
        if (expected == null || actual == null) {
            assertEquals(expected, actual, what);
            return;
        }
        assertEquals(expected, actual, 1e-9 * Math.max(1, Math.abs(expected)), what);
    }
}
