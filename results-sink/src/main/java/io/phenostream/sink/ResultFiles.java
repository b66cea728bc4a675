package io.phenostream.sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Writes an experiment's results from the store as CSV files a scientist opens in pandas, R or a spreadsheet:
 * {@value #HITS} (ranked compounds), {@value #PLATE_QC}, {@value #WELL_SCORES} and {@value #WELL_PROFILES}
 * (one column per normalized feature). Each file appears whole or not at all (written aside, then moved).
 */
public final class ResultFiles {

    public static final String HITS = "hits.csv";
    public static final String PLATE_QC = "plate-qc.csv";
    public static final String WELL_SCORES = "well-scores.csv";
    public static final String WELL_PROFILES = "well-profiles.csv";

    static final List<String> HITS_HEADER = List.of("compound", "rank", "score", "p_value", "q_value", "hit", "ec50",
        "hill", "max_effect", "n_wells", "replicate_map", "replicate_map_q_value");
    static final List<String> PLATE_QC_HEADER = List.of("plate", "z_prime", "ssmd", "n_wells", "n_cells", "status");
    static final List<String> WELL_SCORES_HEADER = List.of("plate", "well", "compound", "concentration", "role",
        "n_cells", "score", "control_axis_score");
    static final List<String> WELL_PROFILES_FIXED = List.of("plate", "well", "compound", "concentration", "role");

    private final ResultsStore store;

    public ResultFiles(final ResultsStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Writes the four files into {@code dir} (created if missing) and returns their paths.
     *
     * @param analysisId null = the experiment's most recently updated analysis
     * @throws IllegalArgumentException when the experiment has no scored results
     */
    public List<Path> write(final Path dir, final String experimentId, final String analysisId) {
        Objects.requireNonNull(experimentId, "experimentId");
        // Resolve once so all four files describe the same analysis even if a newer one lands meanwhile.
        final String analysis = analysisId != null ? analysisId : store.latestAnalysis(experimentId)
            .orElseThrow(() -> new IllegalArgumentException("Experiment '" + experimentId
                + "' has no scored results in the results database"));
        try {
            Files.createDirectories(dir);
            return List.of(
                writeFile(dir.resolve(HITS), hits(experimentId, analysis)),
                writeFile(dir.resolve(PLATE_QC), plateQc(experimentId, analysis)),
                writeFile(dir.resolve(WELL_SCORES), wellScores(experimentId, analysis)),
                writeFile(dir.resolve(WELL_PROFILES), wellProfiles(experimentId, analysis)));
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot write result files of " + experimentId + " to " + dir + ": "
                + e.getMessage(), e);
        }
    }

    private List<String> hits(final String experimentId, final String analysis) {
        final List<String> lines = new ArrayList<>();
        lines.add(Csv.line(HITS_HEADER));
        for (final HitRow h : store.hitList(experimentId, analysis, null, 0, 0)) {
            lines.add(Csv.line(List.of(Csv.text(h.compound()), Integer.toString(h.rank()), Csv.number(h.score()),
                Csv.number(h.pValue()), Csv.number(h.qValue()), Boolean.toString(h.hit()), Csv.number(h.ec50()),
                Csv.number(h.hill()), Csv.number(h.maxEffect()), Integer.toString(h.nWells()),
                Csv.number(h.replicateMap()), Csv.number(h.replicateMapQValue()))));
        }
        return lines;
    }

    private List<String> plateQc(final String experimentId, final String analysis) {
        final List<String> lines = new ArrayList<>();
        lines.add(Csv.line(PLATE_QC_HEADER));
        for (final PlateQcRow q : store.plateQc(experimentId, analysis)) {
            lines.add(Csv.line(List.of(Csv.text(q.plateId()), Csv.number(q.zPrime()), Csv.number(q.ssmd()),
                Integer.toString(q.nWells()), Long.toString(q.nCells()), Csv.text(q.status()))));
        }
        return lines;
    }

    private List<String> wellScores(final String experimentId, final String analysis) {
        final List<String> lines = new ArrayList<>();
        lines.add(Csv.line(WELL_SCORES_HEADER));
        for (final WellScoreRow w : store.wellScores(experimentId, analysis)) {
            lines.add(Csv.line(List.of(Csv.text(w.plateId()), Csv.text(w.well()), Csv.text(w.compound()),
                Csv.number(w.concentration()), Csv.text(w.role()), Csv.number(w.cellCount()), Csv.number(w.score()),
                Csv.number(w.controlAxisScore()))));
        }
        return lines;
    }

    private List<String> wellProfiles(final String experimentId, final String analysis) {
        final List<WellProfileRow> rows = store.wellProfiles(experimentId, analysis);
        final TreeSet<String> features = new TreeSet<>();
        rows.forEach(r -> features.addAll(r.normalized().keySet()));
        final List<String> header = new ArrayList<>(WELL_PROFILES_FIXED);
        features.forEach(f -> header.add(Csv.text(f)));
        final List<String> lines = new ArrayList<>();
        lines.add(Csv.line(header));
        for (final WellProfileRow w : rows) {
            final List<String> fields = new ArrayList<>(header.size());
            fields.add(Csv.text(w.plateId()));
            fields.add(Csv.text(w.well()));
            fields.add(Csv.text(w.compound()));
            fields.add(Csv.number(w.concentration()));
            fields.add(Csv.text(w.role()));
            for (final String f : features) {
                fields.add(Csv.number(w.normalized().get(f)));
            }
            lines.add(Csv.line(fields));
        }
        return lines;
    }

    private static Path writeFile(final Path target, final List<String> lines) throws IOException {
        final Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (final String line : lines) {
                w.write(line);
            }
        }
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (final AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }
}
