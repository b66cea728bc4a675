package io.phenostream.cli;

import io.phenostream.common.domain.PlateMapEntry;
import io.phenostream.common.events.ExtractionParameters;
import io.phenostream.common.json.Json;
import io.phenostream.common.synth.CompoundTruth;
import io.phenostream.common.synth.SiteTruth;
import io.phenostream.common.synth.SynthFiles;
import io.phenostream.common.synth.SynthOptions;
import io.phenostream.common.synth.SyntheticPlate;
import io.phenostream.extractor.analysis.CellCropper;
import io.phenostream.extractor.analysis.CropNormalization;
import io.phenostream.extractor.analysis.SiteAnalysis;
import io.phenostream.extractor.analysis.SiteAnalyzer;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code screen crops}: single-cell crops for training and evaluating an embedding model, cut by the extractor's
 * own analysis ({@link SiteAnalyzer} segmentation + {@link CellCropper}) from synthetic plates, so a model sees
 * exactly what the extractor will feed it.
 *
 * <p>Writes into {@code --out}: {@code crops.f32} (N x C x S x S little-endian float32, CHW per crop, in the
 * extractor's channel order for the roles nuclear, cell, other), {@code cells.f32} (N x F little-endian float32,
 * the extractor's per-cell classical features of the same cells, NaN where undefined) and {@code crops.json}
 * (channels, feature names, and one row per site with its plate, well, compound, mechanism, dose, role, true
 * effect, cell count and the range of its crops).
 */
@Command(name = "crops", mixinStandardHelpOptions = true,
    description = {"Synthesize plates and cut the extractor's single-cell crops (and per-cell features) into a",
        "tensor file plus a JSON sidecar, for training and evaluating embedding models (see models/README.md)."})
final class CropsCommand implements Callable<Integer> {

    static final String CROPS_FILE = "crops.f32";
    static final String FEATURES_FILE = "cells.f32";
    static final String INDEX_FILE = "crops.json";
    /** Model input roles and the synthetic channel each resolves to, as EmbeddingModels resolves them. */
    static final Map<String, String> ROLES = rolesOfSyntheticPlate();

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--seeds", split = ",", required = true, description = "Plate seeds, one plate each (e.g. 1,2).")
    List<Long> seeds;

    @Option(names = "--wells", defaultValue = "384", description = "96, 384 or 1536 (default ${DEFAULT-VALUE}).")
    int wells;

    @Option(names = "--sites", defaultValue = "1", description = "Sites per well (default ${DEFAULT-VALUE}).")
    int sites;

    @Option(names = "--size", defaultValue = "256", description = "Image size in pixels (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--crop", defaultValue = "40", description = "Crop size in pixels (default ${DEFAULT-VALUE}).")
    int crop;

    @Option(names = "--normalization", defaultValue = "per-crop p1-p99",
        description = "How CellCropper scales each channel, as a model.json declares it: per-crop pLO-pHI, "
            + "per-site pLO-pHI, fixed LO-HI or none (default ${DEFAULT-VALUE}).")
    String normalization;

    @Option(names = "--max-per-site", defaultValue = "0",
        description = "Keep at most this many crops per site, the first by nucleus label; 0 keeps all (default ${DEFAULT-VALUE}).")
    int maxPerSite;

    @Override
    public Integer call() throws IOException {
        final long t0 = System.nanoTime();
        Files.createDirectories(out);
        final List<String> order = List.copyOf(ROLES.values());
        final SiteAnalyzer analyzer = new SiteAnalyzer(ExtractionParameters.defaults());
        final CellCropper cropper = CellCropper.forModel(crop, normalization);
        final List<Map<String, Object>> siteRows = new ArrayList<>();
        List<String> featureNames = null;
        int count = 0;
        long analysisNanos = 0;
        try (DataOutputStream crops = stream(out.resolve(CROPS_FILE));
             DataOutputStream features = stream(out.resolve(FEATURES_FILE))) {
            for (final long seed : seeds) {
                final String plateId = "SYNTH-S" + seed;
                final Path plateDir = Files.createTempDirectory("phenostream-crops-");
                try {
                    final SynthOptions options = SynthCommand.options(wells, sites, size, seed, plateId);
                    final SyntheticPlate plate = SynthCommand.generate(options, plateDir);
                    final Map<String, CompoundTruth> truth = new LinkedHashMap<>();
                    plate.compounds().forEach(c -> truth.put(c.compound(), c));
                    for (final SiteTruth site : plate.sites()) {
                        final long a0 = System.nanoTime();
                        final SiteAnalysis analysis = analyzer.analyze(images(plate, site), ROLES.get("nuclear"),
                            ROLES.get("cell"), null, new SiteAnalyzer.Crops(cropper, order));
                        analysisNanos += System.nanoTime() - a0;
                        if (featureNames == null) {
                            featureNames = analysis.featureNames();
                        } else if (!featureNames.equals(analysis.featureNames())) {
                            throw new IllegalStateException("feature columns changed at " + plateId + " " + site.well());
                        }
                        final int keep = maxPerSite > 0 ? Math.min(maxPerSite, analysis.cellCount()) : analysis.cellCount();
                        for (int i = 0; i < keep; i++) {
                            write(crops, analysis.crops().crops()[i]);
                            write(features, analysis.cellFeatures()[i]);
                        }
                        siteRows.add(siteRow(plate, site, truth, analysis.cellCount(), count, keep));
                        count += keep;
                    }
                } finally {
                    DemoCommand.deleteTree(plateDir);
                }
                System.err.printf("crops: plate %s done, %d crops so far%n", plateId, count);
            }
        }
        final Map<String, Object> index = new LinkedHashMap<>();
        index.put("format", "crops.f32: count x channels x cropSize x cropSize float32 little-endian (CHW per crop); "
            + "cells.f32: count x features float32 little-endian; site rows give each crop's labels");
        index.put("count", count);
        index.put("cropSize", crop);
        index.put("roles", List.copyOf(ROLES.keySet()));
        index.put("channels", order);
        index.put("normalization", cropper.normalization().equals(CropNormalization.PER_CROP_DEFAULT)
            ? "CellCropper: per crop and channel, (v - p1) / (p99 - p1) clipped to [0,1]" // cellembed/1's wording
            : cropper.normalization().id() + ": " + describe(cropper.normalization()));
        index.put("featureNames", featureNames == null ? List.of() : featureNames);
        index.put("synth", Map.of("wells", wells, "sitesPerWell", sites, "imageSize", size, "seeds", seeds,
            "maxPerSite", maxPerSite));
        index.put("sites", siteRows);
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.resolve(INDEX_FILE).toFile(), index);
        final int sitesDone = siteRows.size();
        System.out.printf("Wrote %d crops of %s x %d x %d from %d sites to %s in %.1f s (analysis + crops %.1f ms/site)%n",
            count, order, crop, crop, sitesDone, out, (System.nanoTime() - t0) / 1e9,
            sitesDone == 0 ? 0 : analysisNanos / 1e6 / sitesDone);
        return 0;
    }

    /** The method in words, for model.json (train.py copies it there). */
    static String describe(final CropNormalization n) {
        return switch (n.scope()) {
            case CROP -> "CellCropper, per crop and channel, (v - lo) / (hi - lo) clipped to [0,1], lo and hi the crop's "
                + n.id().substring("per-crop ".length()).replace("-", " and ") + " percentiles";
            case SITE -> "CellCropper, per site and channel, (v - lo) / (hi - lo) clipped to [0,1], lo and hi the whole "
                + "site image's " + n.id().substring("per-site ".length()).replace("-", " and ") + " percentiles";
            case FIXED -> "CellCropper, every crop and channel, (v - lo) / (hi - lo) clipped to [0,1] with fixed lo "
                + n.id().substring("fixed ".length()).replace("-", " and hi ") + " (fractions of the image bit depth's full scale)";
            case NONE -> "raw pixel values";
        };
    }

    private static Map<String, String> rolesOfSyntheticPlate() {
        final Map<String, String> roles = new LinkedHashMap<>();
        roles.put("nuclear", SynthFiles.CHANNELS.get(SynthFiles.DNA));
        roles.put("cell", SynthFiles.CHANNELS.get(SynthFiles.CELL_MASK));
        roles.put("other", SynthFiles.CHANNELS.get(SynthFiles.GFP));
        return roles;
    }

    private static Map<String, byte[]> images(final SyntheticPlate plate, final SiteTruth site) throws IOException {
        final Map<String, byte[]> images = new LinkedHashMap<>();
        for (int c = 0; c < plate.channels().size(); c++) {
            images.put(plate.channels().get(c), Files.readAllBytes(plate.imagePath(site.well(), site.site(), c)));
        }
        return images;
    }

    private static Map<String, Object> siteRow(final SyntheticPlate plate, final SiteTruth site,
                                               final Map<String, CompoundTruth> truth, final int cells,
                                               final int first, final int kept) {
        final PlateMapEntry entry = plate.plateMap().entry(site.well()).orElseThrow();
        final CompoundTruth compound = truth.get(entry.compound());
        final double dose = entry.concentration() == null ? 0 : entry.concentration();
        final Map<String, Object> row = new LinkedHashMap<>();
        row.put("plate", plate.options().plateId());
        row.put("well", site.well().toString());
        row.put("site", site.site());
        row.put("compound", entry.compound());
        row.put("role", entry.role().label());
        row.put("dose", dose);
        row.put("mechanism", compound == null ? "none" : compound.mechanism().label());
        row.put("effect", compound == null ? 0.0 : compound.effect(dose));
        row.put("inFocus", site.inFocus());
        row.put("cellCount", cells);
        row.put("firstCrop", first);
        row.put("crops", kept);
        return row;
    }

    private static DataOutputStream stream(final Path file) throws IOException {
        final OutputStream raw = Files.newOutputStream(file);
        return new DataOutputStream(new BufferedOutputStream(raw, 1 << 20));
    }

    private static void write(final DataOutputStream out, final float[] values) throws IOException {
        final ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        out.write(buffer.array());
    }

    private static void write(final DataOutputStream out, final double[] values) throws IOException {
        final ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (final double v : values) {
            buffer.putFloat((float) v);
        }
        out.write(buffer.array());
    }
}
