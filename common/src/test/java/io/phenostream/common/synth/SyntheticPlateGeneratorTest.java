package io.phenostream.common.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.PlateMap;
import io.phenostream.common.domain.PlateMapEntry;
import io.phenostream.common.domain.PlateMapParser;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.domain.WellRole;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticPlateGeneratorTest {

    /** Small plates keep the suite fast: 96 wells x 1 site x 128 px. */
    private static final SynthOptions SMALL = SynthOptions.defaults().withSitesPerWell(1).withImageSize(128);

    @TempDir
    static Path tmp;
    private static SyntheticPlate plate;
    private static Map<WellId, SiteTruth> siteByWell;

    @BeforeAll
    static void generate() {
        plate = new SyntheticPlateGenerator(2).generate(SMALL, tmp.resolve("seed42"));
        siteByWell = plate.sites().stream().collect(Collectors.toMap(SiteTruth::well, s -> s));
    }

    @Test
    void sameSeedGivesIdenticalBytesWhateverTheThreadCount() throws Exception {
        final SyntheticPlate again = new SyntheticPlateGenerator(1).generate(SMALL, tmp.resolve("seed42-again"));
        assertEquals(plate.sites(), again.sites());
        final Map<String, String> first = fileHashes(plate.outDir());
        assertEquals(96 * 3 + 96 * 2 + 3, first.size(), "channel images, label images and three CSVs");
        assertEquals(first, fileHashes(again.outDir()));
    }

    @Test
    void cellDensityScalesTheNucleiPerSite() {
        final SyntheticPlate dense = new SyntheticPlateGenerator(2).generate(SMALL.withCellDensity(2),
            tmp.resolve("dense"));
        final double base = plate.sites().stream().mapToInt(SiteTruth::nNuclei).sum();
        final double doubled = dense.sites().stream().mapToInt(SiteTruth::nNuclei).sum();
        // Poisson draws around twice the mean over 96 sites (about 800 nuclei at density 1): within 10 %.
        assertEquals(2.0, doubled / base, 0.2, base + " vs " + doubled + " nuclei");
        assertThrows(IllegalArgumentException.class, () -> SMALL.withCellDensity(0));
    }

    @Test
    void differentSeedGivesDifferentImagesButTheSameLayout() throws Exception {
        final SyntheticPlate other = new SyntheticPlateGenerator(2).generate(SMALL.withSeed(43), tmp.resolve("seed43"));
        final Map<String, String> a = fileHashes(plate.outDir());
        final Map<String, String> b = fileHashes(other.outDir());
        assertEquals(a.keySet(), b.keySet());
        assertNotEquals(a.get("SYNTH-P001_A01f00d0.tif"), b.get("SYNTH-P001_A01f00d0.tif"));
        assertNotEquals(a.get("ground-truth.csv"), b.get("ground-truth.csv"));
        assertEquals(a.get("plate-map.csv"), b.get("plate-map.csv"), "the layout does not depend on the seed");
    }

    @Test
    void plateMapOf96WellsParsesWithControlsAndDoseSeries() {
        final PlateMap map = PlateMapParser.parse(plate.outDir().resolve("plate-map.csv"), PlateLayout.WELLS_96);
        assertEquals(96, map.entries().size());
        assertEquals(16, map.count(WellRole.NEGATIVE_CONTROL));
        assertEquals(8, map.count(WellRole.POSITIVE_CONTROL));
        assertEquals(72, map.count(WellRole.TREATMENT));
        assertEquals(0, map.count(WellRole.EMPTY));
        assertEntry(map, "A01", "DMSO", 0.0, WellRole.NEGATIVE_CONTROL);
        assertEntry(map, "H12", "DMSO", 0.0, WellRole.NEGATIVE_CONTROL);
        assertEntry(map, "C02", "POS-CTRL", 10.0, WellRole.POSITIVE_CONTROL);
        // Packed down the columns, 12 wells per compound: CPD-001 fills A03..H03 then A04..D04, duplicates adjacent.
        assertEntry(map, "A03", "CPD-001", 30.0, WellRole.TREATMENT);
        assertEntry(map, "B03", "CPD-001", 30.0, WellRole.TREATMENT);
        assertEntry(map, "C03", "CPD-001", 10.0, WellRole.TREATMENT);
        assertEntry(map, "D04", "CPD-001", 0.123, WellRole.TREATMENT);
        assertEntry(map, "E04", "CPD-002", 30.0, WellRole.TREATMENT);
        assertEntry(map, "H11", "CPD-006", 0.123, WellRole.TREATMENT);
        assertEquals("uM", map.entry(WellId.parse("E07")).orElseThrow().unit());
    }

    @Test
    void plateOf384WellsHasTheExpectedCountsAndRenders() throws IOException {
        final SyntheticPlate p384 = new SyntheticPlateGenerator(2).generate(
            SMALL.withLayout(PlateLayout.WELLS_384).withImageSize(64), tmp.resolve("p384"));
        final PlateMap map = PlateMapParser.parse(p384.outDir().resolve("plate-map.csv"), PlateLayout.WELLS_384);
        assertEquals(384, map.entries().size());
        assertEquals(32, map.count(WellRole.NEGATIVE_CONTROL));
        assertEquals(16, map.count(WellRole.POSITIVE_CONTROL));
        assertEquals(336, map.count(WellRole.TREATMENT));
        final Map<String, List<PlateMapEntry>> byCompound = map.entries().stream()
            .filter(e -> e.role() == WellRole.TREATMENT).collect(Collectors.groupingBy(PlateMapEntry::compound));
        assertEquals(28, byCompound.size());
        for (final List<PlateMapEntry> wells : byCompound.values()) {
            assertEquals(12, wells.size());
            final Map<Double, Long> perDose = wells.stream()
                .collect(Collectors.groupingBy(PlateMapEntry::concentration, Collectors.counting()));
            assertEquals(Map.of(30.0, 2L, 10.0, 2L, 3.333, 2L, 1.111, 2L, 0.37, 2L, 0.123, 2L), perDose);
        }
        assertEquals(29, p384.compounds().size(), "28 compounds and POS-CTRL");
        assertEquals(29, Files.readAllLines(p384.outDir().resolve("ground-truth.csv")).size() - 1);
        assertEquals(384, p384.sites().size());
        final TiffImage img = TiffReader.read(p384.imagePath(WellId.parse("P24"), 0, 2));
        assertEquals(64, img.width());
    }

    @Test
    void groundTruthHasEveryMechanismInRange() throws IOException {
        final List<CompoundTruth> compounds = plate.compounds();
        assertEquals(7, compounds.size());
        assertTrue(count(compounds, Mechanism.TRANSLOCATION) >= 3, "2 compounds + POS-CTRL");
        assertTrue(count(compounds, Mechanism.NUCLEAR_ENLARGEMENT) >= 1);
        assertTrue(count(compounds, Mechanism.CYTOTOXIC) >= 1);
        assertTrue(count(compounds, Mechanism.INACTIVE) >= 2);
        for (final CompoundTruth c : compounds) {
            if (c.mechanism() == Mechanism.INACTIVE) {
                assertEquals(0.0, c.maxEffect());
                assertEquals(0.0, c.effect(30));
            } else {
                assertTrue(c.ec50() >= 0.3 && c.ec50() <= 5, c.toString());
                assertTrue(c.hill() >= 0.8 && c.hill() <= 2.5, c.toString());
                assertTrue(c.maxEffect() >= 0.6 && c.maxEffect() <= 1.0, c.toString());
                // Hill curve: half the max effect at the EC50.
                assertEquals(c.maxEffect() / 2, c.effect(c.ec50()), 1e-12);
            }
        }
        final CompoundTruth pos = compounds.get(compounds.size() - 1);
        assertEquals(new CompoundTruth("POS-CTRL", Mechanism.TRANSLOCATION, 1.0, 2.0, 1.0), pos);
        assertEquals(100.0 / 101.0, pos.effect(10.0), 1e-12);

        final List<String> csv = Files.readAllLines(plate.outDir().resolve("ground-truth.csv"));
        assertEquals("compound,mechanism,ec50,hill,max_effect", csv.get(0));
        assertEquals(compounds.size(), csv.size() - 1);
        for (int i = 0; i < compounds.size(); i++) {
            final String[] f = csv.get(i + 1).split(",", -1);
            final CompoundTruth c = compounds.get(i);
            assertEquals(c.compound(), f[0]);
            assertEquals(c.mechanism(), Mechanism.parse(f[1]));
            assertEquals(c.maxEffect(), Double.parseDouble(f[4]));
            assertEquals(c.mechanism() == Mechanism.INACTIVE ? "" : Double.toString(c.ec50()).replaceAll("\\.0$", ""), f[2]);
        }
    }

    @Test
    void tiffRoundTripKeepsSizeDepthAndPixels() {
        final short[] px16 = {0, 1, 100, 255, 256, (short) 40000, (short) 65535, 12345, 7, 8, 9, 10};
        final byte[] bytes = TiffWriter.encode16(4, 3, px16);
        final ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals('I', bytes[0]);
        assertEquals('I', bytes[1]);
        assertEquals(42, b.getShort(2));
        final TiffImage img = TiffReader.decode("px16", bytes);
        assertEquals(4, img.width());
        assertEquals(3, img.height());
        assertEquals(16, img.bitsPerSample());
        assertArrayEquals(new int[] {0, 1, 100, 255, 256, 40000, 65535, 12345, 7, 8, 9, 10}, img.pixels());
        assertEquals(40000, img.pixel(1, 1));
        assertEquals(bytes.length, 174 + 24, "header + IFD + resolutions, then 12 pixels of 2 bytes");

        final byte[] px8 = {0, 17, (byte) 200, (byte) 255, 3, 4};
        final TiffImage img8 = TiffReader.decode("px8", TiffWriter.encode8(2, 3, px8));
        assertEquals(2, img8.width());
        assertEquals(3, img8.height());
        assertEquals(8, img8.bitsPerSample());
        assertArrayEquals(new int[] {0, 17, 200, 255, 3, 4}, img8.pixels());

        assertThrows(IllegalArgumentException.class, () -> TiffWriter.encode16(4, 4, px16));
        final IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
            () -> TiffReader.decode("junk.tif", new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
        assertTrue(bad.getMessage().contains("junk.tif"), bad.getMessage());
    }

    @Test
    void generatedImagesAre16BitWithACameraOffsetBackground() {
        final TiffImage dna = TiffReader.read(plate.imagePath(WellId.parse("A01"), 0, SynthFiles.DNA));
        assertEquals(128, dna.width());
        assertEquals(128, dna.height());
        assertEquals(16, dna.bitsPerSample());
        final int[] sorted = dna.pixels().clone();
        Arrays.sort(sorted);
        final int median = sorted[sorted.length / 2];
        assertTrue(median > 95 && median < 130, "background near the 100-count offset, got " + median);
        assertTrue(sorted[sorted.length - 1] > 1500, "nuclei a few thousand counts, max " + sorted[sorted.length - 1]);
        assertTrue(Files.exists(plate.outDir().resolve("SYNTH-P001_H12f00d2.tif")));
        assertFalse(Files.exists(plate.outDir().resolve("SYNTH-P001_A01f00_nuclei-labels.tif")), "labels live in labels/");
    }

    @Test
    void labelImagesHoldExactlyTheTrueNucleusCount() throws IOException {
        final List<String> csv = Files.readAllLines(plate.outDir().resolve("ground-truth-sites.csv"));
        assertEquals("well,site,n_nuclei,in_focus", csv.get(0));
        assertEquals(96, csv.size() - 1);
        for (final String line : csv.subList(1, csv.size())) {
            final String[] f = line.split(",");
            final SiteTruth truth = siteByWell.get(WellId.parse(f[0]));
            assertEquals(new SiteTruth(WellId.parse(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                Boolean.parseBoolean(f[3])), truth);
            final TiffImage labels = TiffReader.read(plate.nucleusLabelPath(truth.well(), truth.site()));
            final Set<Integer> distinct = new HashSet<>();
            for (final int v : labels.pixels()) {
                if (v > 0) {
                    distinct.add(v);
                }
            }
            assertEquals(truth.nNuclei(), distinct.size(), "labels in " + truth.well());
            assertEquals(truth.nNuclei(), distinct.stream().mapToInt(i -> i).max().orElse(0), "labels 1..n in " + truth.well());
        }
        final double meanDmso = mean(wells(e -> e.role() == WellRole.NEGATIVE_CONTROL), w -> siteByWell.get(w).nNuclei());
        // 35 cells per 256^2 site -> ~8.75 per 128^2 site.
        assertTrue(meanDmso > 6 && meanDmso < 12, "DMSO nuclei per site " + meanDmso);
    }

    @Test
    void exactlyThreePercentOfSitesAreOutOfFocusAndBlurred() {
        final List<SiteTruth> blurred = plate.sites().stream().filter(s -> !s.inFocus()).toList();
        assertEquals(3, blurred.size(), "round(0.03 * 96)");
        final List<Double> sharp = plate.sites().stream().filter(SiteTruth::inFocus).filter(s -> s.nNuclei() > 0)
            .map(s -> laplacianVariance(s.well())).sorted().toList();
        for (final SiteTruth s : blurred) {
            final double focus = laplacianVariance(s.well());
            assertTrue(focus < sharp.get(0), s.well() + " focus " + focus + " vs sharpest-blurred in-focus " + sharp.get(0));
            assertTrue(focus < sharp.get(sharp.size() / 2) / 3, s.well() + " focus " + focus + " vs in-focus median");
        }
    }

    @Test
    void illuminationFallsOffTowardsTheCorners() {
        // Average the CellMask channel over the plate: cells average out, the vignetting stays.
        final int n = 128;
        final double[] sum = new double[n * n];
        for (final SiteTruth s : plate.sites()) {
            final int[] px = TiffReader.read(plate.imagePath(s.well(), s.site(), SynthFiles.CELL_MASK)).pixels();
            for (int i = 0; i < px.length; i++) {
                sum[i] += px[i] - 100;
            }
        }
        final double centre = block(sum, n, n / 2 - 16, n / 2 - 16, 32);
        final double corners = (block(sum, n, 0, 0, 16) + block(sum, n, n - 16, 0, 16) + block(sum, n, 0, n - 16, 16)
            + block(sum, n, n - 16, n - 16, 16)) / 4;
        assertTrue(corners / centre < 0.85 && corners / centre > 0.5, "corner/centre " + corners / centre);
    }

    @Test
    void translocationRaisesTheNuclearToCytoplasmicReporterRatio() {
        final List<WellId> dmso = wells(e -> e.role() == WellRole.NEGATIVE_CONTROL);
        final double dmsoRatio = mean(dmso, this::ncRatio);
        assertTrue(dmsoRatio > 0.35 && dmsoRatio < 0.75, "DMSO n/c " + dmsoRatio);
        final double posRatio = mean(wells(e -> e.role() == WellRole.POSITIVE_CONTROL), this::ncRatio);
        assertTrue(posRatio > 2.0, "POS-CTRL n/c " + posRatio);
        for (final CompoundTruth c : plate.compounds()) {
            if (c.mechanism() == Mechanism.TRANSLOCATION && c.compound().startsWith("CPD")) {
                final double top = mean(topDose(c.compound()), this::ncRatio);
                // Expected: 0.5 + 2.5 * effect(30 uM); measured blur and noise take a little off.
                final double expected = 0.5 + 2.5 * c.effect(30);
                assertTrue(top > dmsoRatio * 1.8, c.compound() + " top-dose n/c " + top + " vs DMSO " + dmsoRatio);
                assertEquals(expected, top, 0.35 * expected, c.compound() + " top-dose n/c");
            }
        }
        final CompoundTruth inactive = only(Mechanism.INACTIVE);
        assertEquals(dmsoRatio, mean(topDose(inactive.compound()), this::ncRatio), 0.15);
    }

    @Test
    void cytotoxicCompoundLeavesFewerNucleiAtTopDose() {
        final double dmso = mean(wells(e -> e.role() == WellRole.NEGATIVE_CONTROL), w -> siteByWell.get(w).nNuclei());
        final CompoundTruth tox = only(Mechanism.CYTOTOXIC);
        final double top = mean(topDose(tox.compound()), w -> siteByWell.get(w).nNuclei());
        assertTrue(top < dmso * 0.75, tox + ": " + top + " nuclei/site at 30 uM vs DMSO " + dmso);
    }

    @Test
    void nuclearEnlargementGrowsNucleiAtTopDose() {
        final double dmso = mean(wells(e -> e.role() == WellRole.NEGATIVE_CONTROL), this::meanNucleusArea);
        final CompoundTruth big = only(Mechanism.NUCLEAR_ENLARGEMENT);
        final double top = mean(topDose(big.compound()), this::meanNucleusArea);
        final double radius = 1 + 0.6 * big.effect(30);
        assertEquals(radius * radius, top / dmso, 0.25 * radius * radius, big + ": area " + top + " vs DMSO " + dmso);
    }

    @Test
    void badOptionsAreRejectedWithTheValue() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SMALL.withSitesPerWell(0));
        assertTrue(e.getMessage().contains("sitesPerWell") && e.getMessage().contains("0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SMALL.withImageSize(16));
        final IllegalArgumentException id = assertThrows(IllegalArgumentException.class, () -> SMALL.withPlateId("a/b"));
        assertTrue(id.getMessage().contains("a/b"), id.getMessage());
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static void assertEntry(final PlateMap map, final String well, final String compound, final double conc,
                                    final WellRole role) {
        final PlateMapEntry e = map.entry(WellId.parse(well)).orElseThrow();
        assertEquals(compound, e.compound(), well);
        assertEquals(conc, e.concentration(), 1e-9, well);
        assertEquals(role, e.role(), well);
    }

    private static long count(final List<CompoundTruth> compounds, final Mechanism m) {
        return compounds.stream().filter(c -> c.mechanism() == m).count();
    }

    private static CompoundTruth only(final Mechanism m) {
        return plate.compounds().stream().filter(c -> c.mechanism() == m).findFirst().orElseThrow();
    }

    private static List<WellId> wells(final Predicate<PlateMapEntry> filter) {
        return plate.plateMap().entries().stream().filter(filter).map(PlateMapEntry::well)
            .filter(w -> siteByWell.get(w).inFocus()).toList();
    }

    private static List<WellId> topDose(final String compound) {
        final List<WellId> w = wells(e -> compound.equals(e.compound()) && e.concentration() == 30.0);
        assertFalse(w.isEmpty(), "no in-focus top-dose well of " + compound);
        return w;
    }

    private static double mean(final List<WellId> wells, final java.util.function.ToDoubleFunction<WellId> f) {
        return wells.stream().mapToDouble(f).filter(Double::isFinite).average().orElse(Double.NaN);
    }

    /** Mean nuclear over mean cytoplasmic GFP above the out-of-cell background, over the whole site. */
    private double ncRatio(final WellId well) {
        final int[] gfp = TiffReader.read(plate.imagePath(well, 0, SynthFiles.GFP)).pixels();
        final int[] nuc = TiffReader.read(plate.nucleusLabelPath(well, 0)).pixels();
        final int[] cell = TiffReader.read(plate.cellLabelPath(well, 0)).pixels();
        double bg = 0;
        double n = 0;
        double c = 0;
        int nb = 0;
        int nn = 0;
        int nc = 0;
        for (int i = 0; i < gfp.length; i++) {
            if (cell[i] == 0) {
                bg += gfp[i];
                nb++;
            } else if (nuc[i] > 0) {
                n += gfp[i];
                nn++;
            } else {
                c += gfp[i];
                nc++;
            }
        }
        if (nn == 0 || nc == 0 || nb == 0) {
            return Double.NaN;
        }
        bg /= nb;
        return (n / nn - bg) / (c / nc - bg);
    }

    private double meanNucleusArea(final WellId well) {
        final int n = siteByWell.get(well).nNuclei();
        if (n == 0) {
            return Double.NaN;
        }
        final long pixels = Arrays.stream(TiffReader.read(plate.nucleusLabelPath(well, 0)).pixels()).filter(v -> v > 0).count();
        return (double) pixels / n;
    }

    /** Variance of the Laplacian of the 2x2-binned DNA image (binning keeps edges, halves the camera noise). */
    private static double laplacianVariance(final WellId well) {
        final TiffImage img = TiffReader.read(plate.imagePath(well, 0, SynthFiles.DNA));
        final int n = img.width() / 2;
        final double[] bin = new double[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                bin[y * n + x] = img.pixel(2 * x, 2 * y) + img.pixel(2 * x + 1, 2 * y) + img.pixel(2 * x, 2 * y + 1)
                    + img.pixel(2 * x + 1, 2 * y + 1);
            }
        }
        double sum = 0;
        double sum2 = 0;
        int count = 0;
        for (int y = 1; y < n - 1; y++) {
            for (int x = 1; x < n - 1; x++) {
                final int i = y * n + x;
                final double lap = bin[i - 1] + bin[i + 1] + bin[i - n] + bin[i + n] - 4 * bin[i];
                sum += lap;
                sum2 += lap * lap;
                count++;
            }
        }
        final double m = sum / count;
        return sum2 / count - m * m;
    }

    private static double block(final double[] img, final int n, final int x0, final int y0, final int w) {
        double s = 0;
        for (int y = y0; y < y0 + w; y++) {
            for (int x = x0; x < x0 + w; x++) {
                s += img[y * n + x];
            }
        }
        return s / (w * w);
    }

    private static Map<String, String> fileHashes(final Path dir) throws Exception {
        final Map<String, String> out = new HashMap<>();
        final MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> files = Files.walk(dir)) {
            for (final Path f : files.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(f).toString(), HexFormat.of().formatHex(md.digest(Files.readAllBytes(f))));
            }
        }
        return out;
    }
}
