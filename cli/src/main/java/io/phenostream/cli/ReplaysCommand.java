package io.phenostream.cli;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.events.ReplayProgress;
import io.phenostream.infra.LocalInfrastructure;
import io.phenostream.ingest.replay.ReplayCatalogue;
import io.phenostream.sink.ResultsDatabase;
import io.phenostream.sink.ResultsStore;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code screen replays}: every replay started, from the {@code replays} topic, with its progress: sites published,
 * sites analysed (from the results store), rate and time left.
 */
@Command(name = "replays", mixinStandardHelpOptions = true,
    description = "List replays with their progress (sites published / analysed, rate, ETA).")
final class ReplaysCommand implements Callable<Integer> {

    @Mixin
    ConfigOption configOption;

    @Override
    public Integer call() throws Exception {
        final PhenoConfig config = configOption.load();
        if (config.get(ConfigKey.KAFKA_BOOTSTRAP).isPresent()) {
            final ResultsStore store = config.get(ConfigKey.DB_URL).isPresent()
                ? new ResultsStore(ResultsDatabase.dataSource(config)) : null;
            print(System.out, ReplayCatalogue.replays(config, Duration.ofMinutes(2)), store, Instant.now());
            return 0;
        }
        try (LocalInfrastructure local = LocalInfrastructure.start(config, false)) {
            print(System.out, ReplayCatalogue.replays(local.config(), Duration.ofMinutes(2)),
                new ResultsStore(ResultsDatabase.dataSource(local.config())), Instant.now());
        }
        return 0;
    }

    static void print(final PrintStream out, final List<ReplayProgress> replays, final ResultsStore store,
                      final Instant now) {
        if (replays.isEmpty()) {
            out.println("No replays yet (start one with ./screen replay --experiment E ...).");
            return;
        }
        out.printf("%-23s %-12s %-20s %-20s %-10s %11s %11s %9s %9s%n", "replay", "experiment", "from analysis",
            "analysis", "state", "published", "analysed", "sites/s", "ETA");
        for (final ReplayProgress r : replays) {
            final int stored = store == null ? -1 : store.sitesStored(r.experimentId(), r.analysisId(), r.runKeys());
            final boolean done = stored >= r.totalSites();
            // The rate over the replay's life so far; a finished replay has no current rate (nothing records when
            // its last site was analysed).
            final double seconds = Math.max(1e-3, Duration.between(Instant.parse(r.startedAt()), now).toMillis() / 1e3);
            final double rate = (stored >= 0 ? stored : r.publishedSites()) / seconds;
            final String state = done ? "done" : r.state().name().toLowerCase(Locale.ROOT);
            final int left = r.totalSites() - (stored >= 0 ? stored : r.publishedSites());
            out.printf(Locale.ROOT, "%-23s %-12s %-20s %-20s %-10s %11s %11s %9s %9s%n", r.replayId(),
                r.experimentId(), r.sourceAnalysisId(), r.analysisId(), state,
                r.publishedSites() + "/" + r.totalSites(), stored < 0 ? "?" : stored + "/" + r.totalSites(),
                done ? "-" : String.format(Locale.ROOT, "%.2f", rate),
                left <= 0 ? "-" : rate > 0 ? ReplayCommand.ReplayStatusLine.eta(left / rate) : "?");
        }
    }
}
