package io.phenostream.benchmarks;

import io.phenostream.cli.LocalPipeline;
import io.phenostream.cli.SynthCommand;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.PlateMapParser;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.ImageSet;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Live-plate latency with and without a concurrent replay, in one run of the local pipeline (embedded Kafka, S3,
 * PostgreSQL; all services in one JVM). A history experiment is analysed first; then, per mode, {@code --live}
 * new plates are pushed one after another and each one's latency is taken from the moment its ingest returns (its
 * last image is in S3 and its last image-set on Kafka) to its final hit list in PostgreSQL. Modes:
 * <ol>
 *   <li>{@code alone}: no replay;</li>
 *   <li>{@code replay-lane}: a replay of the history (new scoring parameters) on {@code image-sets-replay}, consumed
 *       by the replay extractor (its own group, {@code phenostream.extractor.replay.threads} threads), no rate
 *       limit: what {@code ./screen replay} does;</li>
 *   <li>{@code replay-lane-rate}: the same with {@code --rate} images per second;</li>
 *   <li>{@code replay-live-topic}: the replay's image-sets put on the live {@code image-sets} topic instead, the
 *       design a separate lane avoids (live sites queue behind the replay's).</li>
 * </ol>
 * Each replay is started just before the first live plate; the history is sized so that the replay is still running
 * after the last live plate in every mode (check the replay column: fewer sites than the history's). After the live
 * plates the harness waits for the replay to finish so the next mode starts clean. Defaults: 4 history plates of 96
 * sites, 4 live plates per mode, a rate limit of 6 images/s (2 sites/s of 3 channels: below what the replay lane
 * reaches unthrottled on 2 cores, so the limit binds).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.phenostream.benchmarks.ReplayLatencyHarness \
 *     [--history 4] [--live 4] [--wells 96] [--sites 1] [--size 192] [--rate 6] [--work-dir DIR]
 * </pre>
 */
public final class ReplayLatencyHarness {

    private static final String HISTORY = "BENCH-HISTORY";

    private int history = 4;
    private int live = 4;
    private int wells = 96;
    private int sites = 1;
    private int size = 192;
    private double rate = 6;
    private Path workDir;

    record Mode(String name, boolean replay, boolean ownLane, double rate) {
    }

    record Result(Mode mode, List<Double> latencies, int replaySitesInWindow, double windowSeconds) {
        double median() {
            final List<Double> s = latencies.stream().sorted().toList();
            return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
        }

        double max() {
            return latencies.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }
    }

    public static void main(final String[] args) throws Exception {
        final ReplayLatencyHarness h = new ReplayLatencyHarness();
        final HarnessArgs a = HarnessArgs.parse(args, Set.of(), Set.of("--history", "--live", "--wells", "--sites",
            "--size", "--rate", "--work-dir"), "usage: ReplayLatencyHarness [--history N] [--live N] [--wells 96|384]"
            + " [--sites N] [--size PX] [--rate IMAGES_PER_S] [--work-dir DIR]");
        h.history = a.intValue("--history", h.history);
        h.live = a.intValue("--live", h.live);
        h.wells = a.intValue("--wells", h.wells);
        h.sites = a.intValue("--sites", h.sites);
        h.size = a.intValue("--size", h.size);
        h.rate = a.doubleValue("--rate", h.rate);
        h.workDir = a.path("--work-dir", h.workDir);
        h.run();
        System.exit(0);
    }

    void run() throws Exception {
        final Path work = workDir == null ? Files.createTempDirectory("replay-latency")
            : Files.createDirectories(workDir).resolve("replay-latency-" + System.nanoTime());
        Files.createDirectories(work);
        final PhenoConfig base = PhenoConfig.defaults().with(ConfigKey.DATA_DIR, work.resolve("data").toString())
            .with(ConfigKey.SCORER_PUNCTUATE_MS, "500");
        final List<Mode> modes = List.of(new Mode("alone", false, true, 0), new Mode("replay-lane", true, true, 0),
            new Mode("replay-lane-rate", true, true, rate), new Mode("replay-live-topic", true, false, 0));
        System.err.printf("Generating %d history and %d live plates (%d wells x %d sites, %d px)...%n", history,
            live * modes.size(), wells, sites, size);
        final List<IngestRequest> historyPlates = new ArrayList<>();
        for (int i = 0; i < history; i++) {
            historyPlates.add(plate(work, HISTORY, "HIST-" + i, 1000 + i));
        }
        final List<Result> results = new ArrayList<>();
        final long t0 = System.nanoTime();
        try (LocalPipeline pipeline = LocalPipeline.start(base, true)) {
            IngestResult last = null;
            for (final IngestRequest r : historyPlates) {
                last = pipeline.ingest(r, (a, b, c, d) -> { });
            }
            pipeline.awaitFinal(HISTORY, last.analysisId(), Duration.ofMinutes(20), () -> { });
            System.err.printf("History analysed after %.0f s%n", (System.nanoTime() - t0) / 1e9);
            for (int m = 0; m < modes.size(); m++) {
                final Mode mode = modes.get(m);
                final List<IngestRequest> plates = new ArrayList<>();
                for (int k = 0; k < live; k++) {
                    plates.add(plate(work, "BENCH-LIVE-" + m, "LIVE-" + m + "-" + k, 2000 + 10 * m + k));
                }
                results.add(measure(pipeline, mode, m, plates));
                System.err.printf("%s: latencies %s s%n", mode.name(), results.get(results.size() - 1).latencies());
            }
        } finally {
            IngestThroughputHarness.deleteRecursively(work);
        }
        print(results, (System.nanoTime() - t0) / 1e9);
    }

    private Result measure(final LocalPipeline pipeline, final Mode mode, final int index,
                           final List<IngestRequest> plates) throws Exception {
        final PhenoConfig config = pipeline.config();
        ReplayPlan plan = null;
        final AtomicBoolean stop = new AtomicBoolean();
        Thread publishing = null;
        if (mode.replay()) {
            final ReplaySelection all = new ReplaySelection(HISTORY, null, null);
            final double fdr = 0.06 + 0.01 * index; // a new analysis per mode
            plan = ReplayPlan.plan(ReplayCatalogue.read(config, all, Duration.ofMinutes(2)), all, null,
                s -> new AnalysisSpec(s.modelName(), s.modelSha256(), s.extraction(), new ScoringParameters(fdr,
                    s.scoring().madEpsilon(), s.scoring().outOfFocusRatio(), s.scoring().cytotoxicCellFraction())),
                Instant.now());
            final ReplayPlan p = plan;
            publishing = new Thread(() -> {
                try {
                    if (mode.ownLane()) {
                        try (ReplayPublisher publisher = new ReplayPublisher(config, p, mode.rate())) {
                            publisher.open(Duration.ofMinutes(1));
                            publisher.publish(stop, c -> { });
                        }
                    } else {
                        publishOnLiveTopic(config, p);
                    }
                } catch (final Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "replay-" + mode.name());
            publishing.start();
        }
        final int replayBefore = plan == null ? 0 : stored(pipeline, plan);
        final long windowStart = System.nanoTime();
        final List<Double> latencies = new ArrayList<>();
        for (final IngestRequest r : plates) {
            final IngestResult ingested = pipeline.ingest(r, (a, b, c, d) -> { });
            final long in = System.nanoTime();
            pipeline.awaitFinal(ingested, Duration.ofMinutes(20), () -> { });
            latencies.add((System.nanoTime() - in) / 1e9);
        }
        final double window = (System.nanoTime() - windowStart) / 1e9;
        final int replayDuring = plan == null ? 0 : stored(pipeline, plan) - replayBefore;
        if (plan != null) {
            publishing.join();
            pipeline.awaitFinal(HISTORY, plan.analysisId(), Duration.ofMinutes(30), () -> { });
        }
        return new Result(mode, latencies, replayDuring, window);
    }

    private static int stored(final LocalPipeline pipeline, final ReplayPlan plan) {
        return pipeline.store().sitesStored(plan.experimentId(), plan.analysisId(), plan.runKeys());
    }

    /** The replay without its own lane: its sites queue on the live topic, in the live consumer group. */
    private static void publishOnLiveTopic(final PhenoConfig config, final ReplayPlan plan) {
        final String topic = config.topic(Topics.IMAGE_SETS);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
            KafkaClientConfigs.producer(config, "replay-on-live-topic"))) {
            for (final ImageSet s : plan.sites()) {
                producer.send(new ProducerRecord<>(topic, s.siteKey(), EventSerdes.imageSet().serialize(topic, s)));
            }
            producer.flush();
        }
    }

    private IngestRequest plate(final Path work, final String experiment, final String plateId, final long seed) {
        final SynthOptions o = SynthCommand.options(wells, sites, size, seed, plateId).withExperimentId(experiment);
        final Path dir = work.resolve("plates").resolve(plateId);
        SynthCommand.generate(o, dir);
        return new IngestRequest(dir, PlateMapParser.parse(dir.resolve("plate-map.csv"), o.layout()), experiment,
            plateId, null, null, null, AnalysisSpec.classicalDefaults());
    }

    private void print(final List<Result> results, final double seconds) {
        final double alone = results.get(0).median();
        System.out.printf(Locale.ROOT, "%n### Live-plate latency with a concurrent replay%n%n"
            + "History: %d plates, live: %d plates per mode, %d wells x %d site(s) of %d px; replay extractor threads "
            + "%s; rate limit of the rated mode %.0f images/s; %d cores; run took %.0f s.%n%n", history, live, wells,
            sites, size, PhenoConfig.defaults().require(ConfigKey.EXTRACTOR_REPLAY_THREADS), rate,
            Runtime.getRuntime().availableProcessors(), seconds);
        System.out.println("| mode | live latency median (s) | max (s) | median / alone | replay sites analysed "
            + "during the live plates | replay sites/s |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
        for (final Result r : results) {
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.2f | %d | %.2f |%n", r.mode().name(), r.median(),
                r.max(), r.median() / alone, r.replaySitesInWindow(), r.replaySitesInWindow() / r.windowSeconds());
        }
    }
}
