package io.phenostream.cli;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.json.Json;
import io.phenostream.infra.EmbeddedPostgresServer;
import io.phenostream.infra.LocalInfrastructure;
import io.phenostream.sink.ResultsDatabase;
import io.phenostream.sink.ResultsStore;
import io.phenostream.sink.api.AnalysisComparison;
import io.phenostream.sink.api.ApiException;
import io.phenostream.sink.api.ComparisonCsv;
import io.phenostream.sink.api.ComparisonReport;
import io.phenostream.sink.api.ComparisonSummary;
import io.phenostream.sink.api.CompoundChange;
import io.phenostream.sink.api.CompoundComparison;
import io.phenostream.sink.api.PlateComparison;
import io.phenostream.sink.api.ResultsQueries;
import io.phenostream.sink.api.SpecDifference;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code screen compare --experiment E --analysis A --analysis B}: how analysis B (a replay with a new model or
 * parameters) differs from A on the same experiment: rank correlation of the compound scores, hits gained and
 * lost, per-plate Z' and SSMD. The same report as the API's {@code /api/experiments/{e}/compare}.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = "Compare two analyses of an experiment: rank correlation, hits gained and lost, plate Z'.")
final class CompareCommand implements Callable<Integer> {

    enum Format { table, csv, json }

    /** Rows of each compound list in the table output; csv and json have them all. */
    static final int TABLE_ROWS = 50;

    @Mixin
    ConfigOption configOption;

    @Option(names = "--experiment", description = "Experiment id (default: the most recent one).")
    String experiment;

    @Option(names = "--analysis", required = true, arity = "1",
        description = "Analysis id, given twice: first the baseline A, then B (e.g. the replay).")
    List<String> analyses;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        if (analyses.size() != 2) {
            System.err.println("screen compare: give --analysis exactly twice (A, then B), got " + analyses.size());
            return 2;
        }
        final PhenoConfig config = configOption.load();
        EmbeddedPostgresServer local = null;
        try {
            final DataSource dataSource;
            if (config.get(ConfigKey.DB_URL).isPresent()) {
                dataSource = ResultsDatabase.dataSource(config);
            } else {
                final Path dir = Path.of(config.require(ConfigKey.DATA_DIR)).resolve(LocalInfrastructure.POSTGRES_DIR);
                if (!Files.isDirectory(dir)) {
                    System.err.println("screen compare: no results store: set phenostream.db.url, or run "
                        + "`./screen demo` first (local mode keeps its database under " + dir + ")");
                    return 2;
                }
                local = new EmbeddedPostgresServer(dir);
                local.start();
                dataSource = ResultsDatabase.dataSource(local.jdbcUrl(), local.user(), local.password());
            }
            final String exp = experiment != null ? experiment : new ResultsStore(dataSource).latestExperiment()
                .map(e -> e.experimentId()).orElse(null);
            if (exp == null) {
                System.err.println("screen compare: the results store has no experiments yet");
                return 2;
            }
            final ComparisonReport report;
            try {
                report = new AnalysisComparison(new ResultsQueries(dataSource)).compare(exp, analyses.get(0),
                    analyses.get(1));
            } catch (final ApiException e) {
                System.err.println("screen compare: " + e.getMessage());
                return 2;
            }
            switch (format) {
                case json -> System.out.println(Json.write(report));
                case csv -> System.out.print(ComparisonCsv.compounds(report));
                default -> print(System.out, report);
            }
            return 0;
        } finally {
            if (local != null) {
                local.close();
            }
        }
    }

    static void print(final PrintStream out, final ComparisonReport r) {
        final ComparisonSummary s = r.summary();
        out.printf("Experiment %s: analysis B %s against A %s%n", r.experimentId(), r.analysisB(), r.analysisA());
        if (!r.specDifferences().isEmpty()) {
            out.printf("%nWhat differs%n");
            for (final SpecDifference d : r.specDifferences()) {
                out.printf("  %-40s %s -> %s%n", d.setting(), d.a() == null ? "-" : d.a(), d.b() == null ? "-" : d.b());
            }
        }
        out.printf(Locale.ROOT, "%nCompounds: %d in A, %d in B, %d in both (%d with a score in both)%n",
            s.compoundsA(), s.compoundsB(), s.compoundsInBoth(), s.n());
        out.printf(Locale.ROOT, "Spearman rho %s, Kendall tau-b %s (n = %d)%n", fixed(s.spearman()),
            fixed(s.kendallTauB()), s.n());
        out.printf(Locale.ROOT, "Hits: %d in A, %d in B; kept %d, gained %d, lost %d; scored only in A %d, only in B "
            + "%d%n", s.hitsA(), s.hitsB(), s.kept(), s.gained(), s.lost(), s.onlyA(), s.onlyB());
        compounds(out, "Hits gained (hit in B, not in A)", r.gained());
        compounds(out, "Hits lost (hit in A, not in B)", r.lost());
        compounds(out, "Scored only in A", r.withChange(CompoundChange.ONLY_A));
        compounds(out, "Scored only in B", r.withChange(CompoundChange.ONLY_B));
        out.printf("%nPlate QC%n%-14s %-12s %8s %8s %8s %8s %8s %8s %-8s %-8s%n", "plate", "run", "Z' A", "Z' B",
            "dZ'", "SSMD A", "SSMD B", "dSSMD", "status A", "status B");
        for (final PlateComparison p : r.plates()) {
            out.printf(Locale.ROOT, "%-14s %-12s %8s %8s %8s %8s %8s %8s %-8s %-8s%n", p.plateId(), p.runId(),
                ResultTables.num(p.zPrimeA()), ResultTables.num(p.zPrimeB()), ResultTables.num(p.zPrimeDelta()),
                ResultTables.num(p.ssmdA()), ResultTables.num(p.ssmdB()), ResultTables.num(p.ssmdDelta()),
                p.statusA() == null ? "-" : p.statusA(), p.statusB() == null ? "-" : p.statusB());
        }
    }

    private static void compounds(final PrintStream out, final String title, final List<CompoundComparison> rows) {
        out.printf("%n%s: %d%n", title, rows.size());
        if (rows.isEmpty()) {
            return;
        }
        out.printf("  %-24s %7s %7s %9s %9s %10s %10s%n", "compound", "rank A", "rank B", "score A", "score B", "q A",
            "q B");
        for (final CompoundComparison c : rows.subList(0, Math.min(TABLE_ROWS, rows.size()))) {
            out.printf(Locale.ROOT, "  %-24s %7s %7s %9s %9s %10s %10s%n", c.compound(), rank(c.rankA()),
                rank(c.rankB()), ResultTables.num(c.scoreA()), ResultTables.num(c.scoreB()), ResultTables.num(c.qA()),
                ResultTables.num(c.qB()));
        }
        if (rows.size() > TABLE_ROWS) {
            out.printf("  ... %d more (--format csv lists every compound)%n", rows.size() - TABLE_ROWS);
        }
    }

    private static String rank(final Integer rank) {
        return rank == null ? "-" : rank.toString();
    }

    private static String fixed(final Double v) {
        return v == null || v.isNaN() ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }
}
