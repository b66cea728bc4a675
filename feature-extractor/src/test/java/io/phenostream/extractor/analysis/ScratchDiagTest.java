package io.phenostream.extractor.analysis;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.events.ExtractionParameters;
import io.phenostream.common.synth.SiteTruth;
import io.phenostream.common.synth.SynthFiles;
import io.phenostream.common.synth.SynthOptions;
import io.phenostream.common.synth.SyntheticPlate;
import io.phenostream.common.synth.SyntheticPlateGenerator;
import io.phenostream.common.synth.TiffImage;
import io.phenostream.common.synth.TiffReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

class ScratchDiagTest {
    @Test
    void diag() throws Exception {
        final Path dir = Path.of("/tmp/diag/plate" + System.getProperty("diag.seed", "11"));
        final SyntheticPlate plate = new SyntheticPlateGenerator().generate(SynthOptions.defaults().withLayout(PlateLayout.WELLS_96)
            .withSitesPerWell(1).withImageSize(Integer.getInteger("diag.size", 192)).withSeed(Long.getLong("diag.seed", 11L)), dir);
        OpenCvLoader.ensureLoaded();
        final ExtractionParameters params = ExtractionParameters.defaults();
        final NucleusSegmenter seg = new NucleusSegmenter(params);
        int merged = 0, missed = 0, split = 0, falsePos = 0, truthTot = 0, predTot = 0, missedFg = 0;
        final List<Double> errs = new ArrayList<>();
        final List<Double> signed = new ArrayList<>();
        long nanos = 0;
        for (final SiteTruth site : plate.sites()) {
            if (!site.inFocus()) continue;
            final TiffImage truth = TiffReader.read(plate.nucleusLabelPath(site.well(), site.site()));
            try (MatScope scope = new MatScope()) {
                final Mat dna = ChannelDecoder.decode("DNA", Files.readAllBytes(plate.imagePath(site.well(), site.site(), 0)), scope);
                long t0 = System.nanoTime();
                final LabelImage pred = seg.segment(dna, scope);
                nanos += System.nanoTime() - t0;
                final int w = truth.width(), h = truth.height();
                final int[] tl = truth.pixels();
                final int nt = Arrays.stream(tl).max().orElse(0);
                final boolean[] border = new boolean[nt + 1];
                final int[] tArea = new int[nt + 1];
                final int[] pArea = new int[pred.count() + 1];
                final Map<Long, Integer> ov = new HashMap<>();
                for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
                    final int i = y * w + x; final int t = tl[i]; final int p = pred.pixels()[i];
                    if (t > 0) { tArea[t]++; if (x == 0 || y == 0 || x == w - 1 || y == h - 1) border[t] = true; }
                    if (p > 0) pArea[p]++;
                    if (t > 0 && p > 0) ov.merge(((long) t << 32) | p, 1, Integer::sum);
                }
                final int[] bestP = new int[nt + 1]; final int[] bestOv = new int[nt + 1];
                final int[] predTruths = new int[pred.count() + 1];
                final int[] truthPreds = new int[nt + 1];
                final int[] predCovered = new int[pred.count() + 1];
                for (var e : ov.entrySet()) {
                    int t = (int) (e.getKey() >> 32), p = (int) (long) e.getKey().longValue();
                    p = (int) (e.getKey() & 0xffffffffL);
                    if (e.getValue() > bestOv[t]) { bestOv[t] = e.getValue(); bestP[t] = p; }
                    if (e.getValue() >= 0.3 * tArea[t]) predTruths[p]++;
                    if (e.getValue() >= 0.25 * pArea[p]) truthPreds[t]++;
                    predCovered[p] = Math.max(predCovered[p], e.getValue());
                }
                int interior = 0, sMerged = 0, sMissed = 0, sSplit = 0, sFalse = 0;
                StringBuilder missInfo = new StringBuilder();
                for (int t = 1; t <= nt; t++) {
                    if (border[t] || tArea[t] == 0) continue;
                    interior++;
                    if (bestOv[t] < 0.3 * tArea[t]) { sMissed++; missInfo.append(" miss(a=").append(tArea[t]).append(")"); }
                    if (truthPreds[t] >= 2) sSplit++;
                }
                for (int p = 1; p <= pred.count(); p++) {
                    if (predTruths[p] >= 2) sMerged += predTruths[p] - 1;
                    if (predCovered[p] < 0.3 * pArea[p]) sFalse++;
                }
                merged += sMerged; missed += sMissed; split += sSplit; falsePos += sFalse; truthTot += interior; predTot += pred.count();
                if (interior >= 10) { errs.add(Math.abs(pred.count() - interior) / (double) interior); signed.add((pred.count() - interior) / (double) interior); }
                if (Boolean.getBoolean("diag.verbose"))
                System.out.printf("%s truth=%d pred=%d merged=%d missed=%d split=%d false=%d %s%n", site.well(), interior, pred.count(), sMerged, sMissed, sSplit, sFalse, missInfo);
            }
        }
        Collections.sort(errs); Collections.sort(signed);
        System.out.printf("TOTAL truth=%d pred=%d merged=%d missed=%d split=%d false=%d%n", truthTot, predTot, merged, missed, split, falsePos);
        System.out.printf("median=%.4f p90=%.4f signedMedian=%.4f n=%d segMs=%.2f%n", errs.get(errs.size() / 2), errs.get((int) (errs.size() * 0.9)), signed.get(signed.size() / 2), errs.size(), nanos / 1e6 / plate.sites().size());
    }
}
