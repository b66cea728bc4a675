package io.phenostream.cli;

import io.phenostream.sink.ResultsStore;
import io.phenostream.sink.HitRow;
import io.phenostream.sink.PlateQcRow;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Prints the hit list and plate QC as aligned text tables. */
final class ResultTables {

    private ResultTables() {
    }

    static void printHits(final PrintStream out, final List<HitRow> hits, final double fdr) {
        // mAP: replicate agreement of the compound's wells against the negative controls; mAP q its BH q-value.
        out.printf(Locale.ROOT, "%-5s %-14s %9s %10s %10s %-4s %9s %6s %7s %6s %10s%n", "rank", "compound", "score",
            "p", "q", "hit", "EC50", "hill", "wells", "mAP", "mAP q");
        for (final HitRow h : hits) {
            out.printf(Locale.ROOT, "%-5d %-14s %9s %10s %10s %-4s %9s %6s %7d %6s %10s%n", h.rank(), h.compound(),
                num(h.score()), num(h.pValue()), num(h.qValue()), h.hit() ? "yes" : "", num(h.ec50()), num(h.hill()),
                h.nWells(), fixed(h.replicateMap()), num(h.replicateMapQValue()));
        }
        final long nHits = hits.stream().filter(HitRow::hit).count();
        out.printf(Locale.ROOT, "%d of %d compounds are hits at q < %s%n", nHits, hits.size(), fdr);
    }

    static void printPlateQc(final PrintStream out, final List<PlateQcRow> plates) {
        out.printf(Locale.ROOT, "%-14s %8s %8s %7s %8s %11s %-8s %s%n", "plate", "Z'", "SSMD", "wells", "cells", "sites",
            "status", "flags");
        for (final PlateQcRow p : plates) {
            out.printf(Locale.ROOT, "%-14s %8s %8s %7d %8d %11s %-8s %s%n", p.plateId(), num(p.zPrime()), num(p.ssmd()),
                p.nWells(), p.nCells(), p.sitesSeen() + "/" + p.sitesExpected(), p.status(), p.flags());
        }
    }

    /** Plate QC and the ranked hit list of an experiment, as {@code demo} and {@code run} print them. */
    static void printExperiment(final PrintStream out, final ResultsStore store, final String experiment,
                                final String analysisId, final double fdr) {
        out.printf("%nPlate QC (analysis %s)%n", analysisId);
        printPlateQc(out, store.plateQc(experiment, analysisId));
        out.printf("%nRanked compound hit list, experiment %s%n", experiment);
        printHits(out, store.hitList(experiment, analysisId, null, 10_000, 0), fdr);
    }

    private static String fixed(final Double v) {
        return v == null || v.isNaN() ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    static String num(final Double v) {
        return v == null || v.isNaN() ? "-" : String.format(Locale.ROOT, "%.3g", v);
    }
}
