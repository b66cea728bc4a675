package io.phenostream.scorer.plate;

import io.phenostream.common.events.PlateRun;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.scorer.stats.RobustStatistics;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which sites of a plate run count, and which are used.
 * <ul>
 *   <li>Sites of other analyses are ignored (the caller's store may hold several analyses of one run); a site
 *       of another run is a caller bug and rejected with its key.</li>
 *   <li>One record per site key: if a site is present twice (re-delivery), the later {@code processedAt} wins
 *       (else the later one in the collection), so a site never counts twice.</li>
 *   <li>FAILED sites are seen but not used.</li>
 *   <li>Out of focus (CellProfiler's practice of a plate-relative focus cut-off): an OK site whose
 *       {@code focusScore} is below {@code outOfFocusRatio} times the median focus score of the plate's OK sites
 *       is excluded. Sites without QC are kept: there is nothing to judge them on.</li>
 * </ul>
 */
final class SiteSelection {

    final List<SiteFeatures> seen;
    final List<SiteFeatures> used;
    final int failed;
    final int excluded;
    final double medianFocus;

    private SiteSelection(final List<SiteFeatures> seen, final List<SiteFeatures> used, final int failed,
                          final int excluded, final double medianFocus) {
        this.seen = seen;
        this.used = used;
        this.failed = failed;
        this.excluded = excluded;
        this.medianFocus = medianFocus;
    }

    static SiteSelection select(final PlateRun run, final String analysisId, final double outOfFocusRatio,
                                final Collection<SiteFeatures> sites) {
        final Map<String, SiteFeatures> latest = new LinkedHashMap<>();
        for (final SiteFeatures s : sites) {
            if (s == null || !analysisId.equals(s.analysisId())) {
                continue;
            }
            if (!run.runKey().equals(s.runKey())) {
                throw new IllegalArgumentException("site " + s.siteKey() + " does not belong to plate run "
                    + run.runKey());
            }
            if (s.well() == null) {
                throw new IllegalArgumentException("site record of run " + run.runKey() + " (site " + s.site()
                    + ") has no well");
            }
            latest.merge(s.siteKey(), s, SiteSelection::later);
        }
        final List<SiteFeatures> seen = new ArrayList<>(latest.values());
        final List<SiteFeatures> ok = seen.stream().filter(s -> s.status() == SiteFeatures.Status.OK).toList();
        final double medianFocus = RobustStatistics.median(ok.stream()
            .filter(s -> s.qc() != null).mapToDouble(s -> s.qc().focusScore()).toArray());
        final double cutOff = Double.isFinite(medianFocus) ? outOfFocusRatio * medianFocus : Double.NEGATIVE_INFINITY;
        final List<SiteFeatures> used = new ArrayList<>();
        int excluded = 0;
        for (final SiteFeatures s : ok) {
            if (s.qc() != null && !(s.qc().focusScore() >= cutOff)) {
                excluded++;
            } else {
                used.add(s);
            }
        }
        return new SiteSelection(seen, used, seen.size() - ok.size(), excluded, medianFocus);
    }

    private static SiteFeatures later(final SiteFeatures a, final SiteFeatures b) {
        final Instant ta = parse(a.processedAt());
        final Instant tb = parse(b.processedAt());
        if (ta != null && tb != null && ta.isAfter(tb)) {
            return a;
        }
        return b;
    }

    private static Instant parse(final String t) {
        if (t == null) {
            return null;
        }
        try {
            return Instant.parse(t);
        } catch (final DateTimeParseException e) {
            return null;
        }
    }
}
