package io.phenostream.cli;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.json.Json;
import io.phenostream.infra.EmbeddedPostgresServer;
import io.phenostream.infra.LocalInfrastructure;
import io.phenostream.sink.HitRow;
import io.phenostream.sink.ResultsDatabase;
import io.phenostream.sink.ResultsStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code screen hits}: the ranked hit list of an experiment from the results store (the configured
 * PostgreSQL, or the local-mode database left by {@code demo}/{@code run} under the data directory).
 */
@Command(name = "hits", mixinStandardHelpOptions = true,
    description = "Print the ranked compound hit list of an experiment from the results store.")
final class HitsCommand implements Callable<Integer> {

    enum Format { table, csv, json }

    @Mixin
    ConfigOption configOption;

    @Option(names = "--experiment", description = "Experiment id (default: the most recent one).")
    String experiment;

    @Option(names = "--analysis", description = "Analysis id (default: the most recently updated one).")
    String analysis;

    @Option(names = "--fdr", description = "Only compounds with q below this value.")
    Double fdr;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        final PhenoConfig config = configOption.load();
        EmbeddedPostgresServer local = null;
        try {
            final ResultsStore store;
            if (config.get(ConfigKey.DB_URL).isPresent()) {
                store = new ResultsStore(ResultsDatabase.dataSource(config));
            } else {
                final Path dir = Path.of(config.require(ConfigKey.DATA_DIR)).resolve(LocalInfrastructure.POSTGRES_DIR);
                if (!Files.isDirectory(dir)) {
                    System.err.println("screen hits: no results store: set phenostream.db.url, or run `./screen demo` "
                        + "first (local mode keeps its database under " + dir + ")");
                    return 2;
                }
                local = new EmbeddedPostgresServer(dir);
                local.start();
                store = new ResultsStore(ResultsDatabase.dataSource(local.jdbcUrl(), local.user(), local.password()));
            }
            final String exp = experiment != null ? experiment : store.latestExperiment()
                .map(e -> e.experimentId()).orElse(null);
            if (exp == null) {
                System.err.println("screen hits: the results store has no experiments yet");
                return 2;
            }
            final List<HitRow> hits = store.hitList(exp, analysis, fdr, 0, 0);
            switch (format) {
                case json -> System.out.println(Json.write(hits));
                case csv -> {
                    System.out.println("compound,rank,score,p_value,q_value,hit,ec50,hill,max_effect,n_wells,"
                        + "analysis_id,replicate_map,replicate_map_p_value,replicate_map_q_value");
                    for (final HitRow h : hits) {
                        System.out.println(String.join(",", quote(h.compound()), Integer.toString(h.rank()),
                            str(h.score()), str(h.pValue()), str(h.qValue()), Boolean.toString(h.hit()), str(h.ec50()),
                            str(h.hill()), str(h.maxEffect()), Integer.toString(h.nWells()), h.analysisId(),
                            str(h.replicateMap()), str(h.replicateMapPValue()), str(h.replicateMapQValue())));
                    }
                }
                default -> {
                    System.out.printf("Experiment %s, analysis %s%n", exp,
                        hits.isEmpty() ? "-" : hits.get(0).analysisId());
                    ResultTables.printHits(System.out, hits, fdr != null ? fdr : 0.05);
                }
            }
            return 0;
        } finally {
            if (local != null) {
                local.close();
            }
        }
    }

    private static String quote(final String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String str(final Double v) {
        return v == null || v.isNaN() ? "" : Double.toString(v);
    }
}
