package io.phenostream.common.synth;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.PlateMap;
import io.phenostream.common.domain.PlateMapEntry;
import io.phenostream.common.domain.PlateMapParser;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.domain.WellRole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Generates a synthetic Cell Painting-like screening plate with known answers: three-channel 16-bit TIFFs per
 * site (DNA, GFP reporter, CellMask), a plate map with controls and dose series, the compounds' true mechanisms
 * and dose-responses, per-site nucleus counts and focus, and nucleus/cell label images. See SYNTH.md.
 *
 * <p>Deterministic: the same options give byte-identical files, whatever the number of threads, because every
 * well and site draws from its own seed derived from the plate seed.
 */
public final class SyntheticPlateGenerator {

    /** Fraction of sites rendered out of focus. */
    static final double OUT_OF_FOCUS_FRACTION = 0.03;
    /** Illumination falloff from the optical centre to the image corners. */
    static final double VIGNETTE_FALLOFF = 0.3;

    private final int threads;

    public SyntheticPlateGenerator() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public SyntheticPlateGenerator(final int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
    }

    /** Writes the plate into {@code outDir} (created if needed; files of the same names are overwritten). */
    public SyntheticPlate generate(final SynthOptions o, final Path outDir) {
        final Path labels = outDir.resolve(SynthFiles.LABEL_DIR);
        try {
            Files.createDirectories(labels);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot create output folder " + labels + ": " + e.getMessage(), e);
        }
        final PlateLayout layout = o.layout();
        final PlateMap map = SynthPlateDesign.plateMap(layout);
        final List<CompoundTruth> compounds = SynthPlateDesign.compoundTruth(layout, o.seed());
        final Map<String, CompoundTruth> byName = new HashMap<>();
        compounds.forEach(c -> byName.put(c.compound(), c));
        writeText(outDir.resolve(SynthFiles.PLATE_MAP), PlateMapParser.toCsv(map));
        writeText(outDir.resolve(SynthFiles.GROUND_TRUTH), compoundCsv(compounds));

        final SplittableRandom plateRng = new SplittableRandom(SeedMixer.mix(o.seed(), 1));
        final SiteRenderer renderer = new SiteRenderer(o.imageSize(),
            ImageFields.vignette(o.imageSize(), VIGNETTE_FALLOFF, plateRng), o.cellDensity());
        final List<WellId> wells = layout.wells();
        final boolean[] outOfFocus = pickOutOfFocus(wells.size() * o.sitesPerWell(), plateRng);

        final List<WellCondition> conditions = new ArrayList<>(wells.size());
        for (int i = 0; i < wells.size(); i++) {
            final PlateMapEntry entry = map.entry(wells.get(i)).orElseThrow();
            final boolean dosed = entry.role() == WellRole.TREATMENT || entry.role() == WellRole.POSITIVE_CONTROL;
            conditions.add(WellCondition.of(entry, dosed ? byName.get(entry.compound()) : null,
                new SplittableRandom(SeedMixer.mix(o.seed(), 2, i))));
        }

        final ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            final Thread t = new Thread(r, "synth-plate-" + o.plateId());
            t.setDaemon(true);
            return t;
        });
        final List<SiteTruth> sites = new ArrayList<>();
        try {
            final List<Future<SiteTruth>> futures = new ArrayList<>();
            for (int i = 0; i < wells.size(); i++) {
                for (int s = 0; s < o.sitesPerWell(); s++) {
                    final int wellIndex = i;
                    final int site = s;
                    final boolean inFocus = !outOfFocus[i * o.sitesPerWell() + s];
                    futures.add(pool.submit(() -> renderSite(renderer, o, outDir, wells.get(wellIndex), site,
                        conditions.get(wellIndex), SeedMixer.mix(o.seed(), 3, wellIndex, site), inFocus)));
                }
            }
            for (final Future<SiteTruth> f : futures) {
                sites.add(f.get());
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while generating plate " + o.plateId(), e);
        } catch (final ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("Generating plate " + o.plateId() + " failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        writeText(outDir.resolve(SynthFiles.GROUND_TRUTH_SITES), siteCsv(sites));
        return new SyntheticPlate(outDir, map, compounds, sites, SynthFiles.CHANNELS, o);
    }

    private static SiteTruth renderSite(final SiteRenderer renderer, final SynthOptions o, final Path outDir,
                                        final WellId well, final int site, final WellCondition condition,
                                        final long seed, final boolean inFocus) {
        final RenderedSite r = renderer.render(condition, seed, inFocus);
        final int size = o.imageSize();
        for (int ch = 0; ch < r.channels().length; ch++) {
            TiffWriter.write16(outDir.resolve(SynthFiles.imageFileName(o.plateId(), well, site, ch)), size, size,
                r.channels()[ch]);
        }
        final Path labels = outDir.resolve(SynthFiles.LABEL_DIR);
        TiffWriter.write16(labels.resolve(SynthFiles.nucleusLabelFileName(o.plateId(), well, site)), size, size,
            r.nucleusLabels());
        TiffWriter.write16(labels.resolve(SynthFiles.cellLabelFileName(o.plateId(), well, site)), size, size,
            r.cellLabels());
        return new SiteTruth(well, site, r.nucleusCount(), inFocus);
    }

    /** Exactly round(3%) of the sites, at least one, chosen by a partial shuffle. */
    private static boolean[] pickOutOfFocus(final int sites, final SplittableRandom rng) {
        final int count = Math.max(1, (int) Math.round(OUT_OF_FOCUS_FRACTION * sites));
        final int[] order = new int[sites];
        for (int i = 0; i < sites; i++) {
            order[i] = i;
        }
        final boolean[] out = new boolean[sites];
        for (int i = 0; i < count; i++) {
            final int j = i + rng.nextInt(sites - i);
            final int t = order[i];
            order[i] = order[j];
            order[j] = t;
            out[order[i]] = true;
        }
        return out;
    }

    static String compoundCsv(final List<CompoundTruth> compounds) {
        final StringBuilder sb = new StringBuilder("compound,mechanism,ec50,hill,max_effect\n");
        for (final CompoundTruth c : compounds) {
            sb.append(c.compound()).append(',').append(c.mechanism().label()).append(',')
                .append(number(c.ec50())).append(',').append(number(c.hill())).append(',')
                .append(number(c.maxEffect())).append('\n');
        }
        return sb.toString();
    }

    static String siteCsv(final List<SiteTruth> sites) {
        final StringBuilder sb = new StringBuilder("well,site,n_nuclei,in_focus\n");
        for (final SiteTruth s : sites) {
            sb.append(s.well()).append(',').append(s.site()).append(',').append(s.nNuclei()).append(',')
                .append(s.inFocus()).append('\n');
        }
        return sb.toString();
    }

    /** Empty for NaN (no EC50 for an inactive compound); integers without ".0". */
    private static String number(final double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static void writeText(final Path file, final String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code SyntheticPlateGenerator OUT_DIR [layout 96|384|1536] [sites] [imageSize] [seed] [plateId]}. */
    public static void main(final String[] args) {
        if (args.length < 1) {
            System.err.println("usage: SyntheticPlateGenerator OUT_DIR [layout] [sitesPerWell] [imageSize] [seed] [plateId]");
            System.exit(2);
        }
        SynthOptions o = SynthOptions.defaults();
        if (args.length > 1) {
            o = o.withLayout(PlateLayout.parse(args[1]));
        }
        if (args.length > 2) {
            o = o.withSitesPerWell(Integer.parseInt(args[2]));
        }
        if (args.length > 3) {
            o = o.withImageSize(Integer.parseInt(args[3]));
        }
        if (args.length > 4) {
            o = o.withSeed(Long.parseLong(args[4]));
        }
        if (args.length > 5) {
            o = o.withPlateId(args[5]);
        }
        final long start = System.nanoTime();
        final SyntheticPlate plate = new SyntheticPlateGenerator().generate(o, Path.of(args[0]));
        System.out.printf("%s: %d sites x %d channels in %s in %d ms%n", o.plateId(), plate.sites().size(),
            plate.channels().size(), plate.outDir(), (System.nanoTime() - start) / 1_000_000);
    }
}
