package io.phenostream.cli;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.events.ReplayProgress;
import io.phenostream.ingest.replay.ReplayCatalogue;
import io.phenostream.ingest.replay.ReplayPlan;
import io.phenostream.ingest.replay.ReplayPublisher;
import io.phenostream.ingest.replay.ReplaySelection;
import io.phenostream.sink.ResultsDatabase;
import io.phenostream.sink.ResultsStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code screen replay}: re-analyses historical plate runs under a new analysis (another model, other
 * parameters). What existed is read from Kafka (plate-runs, image-sets); the sites go to {@code image-sets-replay}
 * under a rate limit, resumably ({@link ReplayPublisher}); results land beside the old ones in the results store.
 * In local mode (no broker configured) the command runs the pipeline itself and shows progress until the replay's
 * results are final; against a cluster it publishes and follows progress in the configured database.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Replay historical plate runs of an experiment with another model or other parameters; the",
        "results land beside the old ones (a new analysis id). Stopping (Ctrl-C) and starting again resumes it.",
        "Compare the two analyses with `screen compare`."})
final class ReplayCommand implements Callable<Integer> {

    @Mixin
    ConfigOption configOption;

    @Option(names = "--experiment", required = true, description = "Experiment whose runs to replay.")
    String experiment;

    @Option(names = "--plates", split = ",", paramLabel = "P1,P2", description = "Only these plates.")
    List<String> plates;

    @Option(names = "--since", paramLabel = "DATE", description = "Only runs created at or after DATE (2024-05-01 "
        + "or an ISO instant).")
    String since;

    @Option(names = "--model", paramLabel = "NAME/VERSION",
        description = "Embedding model under phenostream.models.dir (e.g. cellembed/2), or none.")
    String model;

    @Option(names = "--params", paramLabel = "FILE",
        description = "JSON with changed parameters, e.g. {\"scoring\": {\"fdr\": 0.1}}.")
    Path params;

    @Option(names = "--from-analysis", paramLabel = "ID",
        description = "Analysis to start from (default: the one most of the runs' sites were published with).")
    String fromAnalysis;

    @Option(names = "--rate", paramLabel = "IMAGES_PER_S",
        description = "Rate limit in images per second (default phenostream.replay.images-per-second; 0 = none).")
    Double rate;

    @Option(names = "--no-wait", description = "Return once every site is published (results keep coming).")
    boolean noWait;

    @Option(names = "--timeout", defaultValue = "3600",
        description = "Seconds to wait for final results (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        final PhenoConfig config = configOption.load();
        // Checked before anything starts: a bad model or parameter file is an error, not a replay of nothing.
        final var change = AnalysisChange.of(model, params, config);
        final ReplaySelection selection = new ReplaySelection(experiment,
            plates == null ? null : new HashSet<>(plates), ReplaySelection.parseSince(since));
        final double imagesPerSecond = rate != null ? rate : Double.parseDouble(config.require(ConfigKey.REPLAY_RATE));
        if (config.get(ConfigKey.KAFKA_BOOTSTRAP).isEmpty()) {
            System.err.println("replay: starting the local pipeline (the data of earlier local runs)...");
            try (LocalPipeline pipeline = LocalPipeline.start(config, false)) {
                return replay(pipeline.config(), pipeline.store(), selection, change, imagesPerSecond);
            }
        }
        final ResultsStore store = config.get(ConfigKey.DB_URL).isPresent()
            ? new ResultsStore(ResultsDatabase.dataSource(config)) : null;
        return replay(config, store, selection, change, imagesPerSecond);
    }

    private int replay(final PhenoConfig config, final ResultsStore store, final ReplaySelection selection,
                       final java.util.function.UnaryOperator<io.phenostream.common.events.AnalysisSpec> change,
                       final double imagesPerSecond) throws Exception {
        final Duration readTimeout = Duration.ofMinutes(5);
        final ReplayCatalogue.Contents contents = ReplayCatalogue.read(config, selection, readTimeout);
        final ReplayPlan plan = ReplayPlan.plan(contents, selection, fromAnalysis, change, Instant.now());
        final String done = plan.alreadyAnalysed(contents);
        if (done != null) {
            System.out.println(done);
            return 0;
        }
        System.err.printf(Locale.ROOT, "replay %s: %d sites (%d images) of %d run(s) of %s, analysis %s -> %s%s%n",
            plan.replayId(), plan.sites().size(), plan.images(), plan.runKeys().size(), plan.experimentId(),
            plan.sourceAnalysisId(), plan.analysisId(),
            imagesPerSecond > 0 ? String.format(Locale.ROOT, ", at most %.1f images/s", imagesPerSecond) : "");
        try (ReplayPublisher publisher = new ReplayPublisher(config, plan, imagesPerSecond)) {
            final ReplayProgress start = publisher.open(readTimeout);
            if (start.publishedSites() > 0) {
                System.err.printf("replay: resuming, %d of %d sites were published before%n", start.publishedSites(),
                    start.totalSites());
            }
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread publishing = new Thread(() -> {
                try {
                    publisher.publish(stop, p -> { });
                } catch (final Throwable t) {
                    failure.set(t);
                }
            }, "replay-publisher");
            final Thread onCtrlC = new Thread(() -> {
                stop.set(true);
                try {
                    publishing.join(15_000);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                final ReplayProgress p = publisher.progress();
                System.err.printf("%nreplay %s stopped: %d of %d sites published; run the same command to resume%n",
                    plan.replayId(), p.publishedSites(), p.totalSites());
            }, "replay-stop");
            Runtime.getRuntime().addShutdownHook(onCtrlC);
            publishing.start();
            try {
                final ReplayStatusLine line = new ReplayStatusLine(System.err, plan.sites().size());
                final long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
                while (true) {
                    if (failure.get() != null) {
                        throw new IllegalStateException(failure.get().getMessage(), failure.get());
                    }
                    final int published = publisher.progress().publishedSites();
                    final int stored = store == null ? -1 : stored(store, plan);
                    line.draw(published, stored);
                    if (noWait || store == null) {
                        if (!publishing.isAlive()) {
                            break;
                        }
                    } else if (stored >= plan.sites().size() && store.isExperimentFinal(plan.experimentId(),
                        plan.analysisId())) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Replay " + plan.replayId() + " not final after "
                            + timeoutSeconds + " s; it goes on where it is, run the command again to follow it");
                    }
                    Thread.sleep(500);
                }
                line.finish(publisher.progress().publishedSites(), store == null ? -1 : stored(store, plan));
                publishing.join();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(onCtrlC);
                } catch (final IllegalStateException shuttingDown) {
                    // Ctrl-C arrived: the hook is running and reports the state
                }
            }
        }
        if (store != null && !noWait) {
            ResultTables.printExperiment(System.out, store, plan.experimentId(), plan.analysisId(),
                plan.spec().scoring().fdr());
        }
        System.out.printf("%nReplay %s: analysis %s beside %s. Compare them with:%n  ./screen compare --experiment %s "
            + "--analysis %s --analysis %s%n", plan.replayId(), plan.analysisId(), plan.sourceAnalysisId(),
            plan.experimentId(), plan.sourceAnalysisId(), plan.analysisId());
        return 0;
    }

    /** Sites of the plan's runs the results store holds for the new analysis. */
    static int stored(final ResultsStore store, final ReplayPlan plan) {
        return store.sitesStored(plan.experimentId(), plan.analysisId(), plan.runKeys());
    }

    /** The foreground progress: published and analysed sites, the analysis rate and the time left. */
    static final class ReplayStatusLine {

        private final PrintStream out;
        private final int total;
        private final long start = System.nanoTime();
        private final boolean terminal = System.console() != null;
        private long lastDraw;
        private int firstStored = -1;

        ReplayStatusLine(final PrintStream out, final int total) {
            this.out = out;
            this.total = total;
        }

        void draw(final int published, final int stored) {
            final long now = System.nanoTime();
            if (now - lastDraw < (terminal ? 500_000_000L : 5_000_000_000L)) {
                return;
            }
            lastDraw = now;
            if (firstStored < 0 && stored >= 0) {
                firstStored = stored;
            }
            out.print((terminal ? "\r" : "") + format(published, stored, firstStored, (now - start) / 1e9, total));
            if (!terminal) {
                out.println();
            }
            out.flush();
        }

        void finish(final int published, final int stored) {
            lastDraw = 0;
            draw(published, stored);
            if (terminal) {
                out.println();
            }
        }

        /** E.g. {@code replay [#####     ] 48/96 sites analysed, 96 published, 3.2 sites/s, ETA 15 s}. */
        static String format(final int published, final int stored, final int storedAtStart, final double seconds,
                             final int total) {
            final int width = 30;
            final int shown = stored >= 0 ? stored : published;
            final int filled = total == 0 ? width : (int) ((long) width * Math.min(shown, total) / total);
            final StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "replay [%s%s] ", "#".repeat(filled),
                " ".repeat(width - filled)));
            if (stored < 0) {
                return b.append(String.format(Locale.ROOT, "%d/%d sites published", published, total)).toString();
            }
            b.append(String.format(Locale.ROOT, "%d/%d sites analysed, %d published", stored, total, published));
            final double rate = seconds > 0 ? (stored - Math.max(0, storedAtStart)) / seconds : 0;
            if (stored >= total) {
                b.append(", scoring the experiment");
            } else if (rate > 0) {
                b.append(String.format(Locale.ROOT, ", %.1f sites/s, ETA %s", rate,
                    eta((total - stored) / rate)));
            }
            return b.toString();
        }

        static String eta(final double seconds) {
            final long s = Math.round(seconds);
            return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + " s";
        }
    }
}
