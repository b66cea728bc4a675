package io.phenostream.extractor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.ExtractionParameters;
import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.ImageSet;
import io.phenostream.common.json.Json;
import io.phenostream.common.synth.SynthOptions;
import io.phenostream.common.synth.SyntheticPlate;
import io.phenostream.common.synth.SyntheticPlateGenerator;
import io.phenostream.extractor.analysis.CellCropper;
import io.phenostream.extractor.analysis.CellCrops;
import io.phenostream.extractor.analysis.CropNormalization;
import io.phenostream.extractor.analysis.SiteAnalyzer;
import io.phenostream.extractor.embedding.BatchingSettings;
import io.phenostream.extractor.embedding.CropEmbedder;
import io.phenostream.extractor.embedding.EmbeddingModel;
import io.phenostream.extractor.embedding.ModelLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed models ({@code models/cellembed/1} and the default {@code models/cellembed/2}) in the extractor: each
 * loads offline through DJL with the sha256 its model.json promises, and the crops the extractor cuts from a
 * synthetic site, with the crop size and normalization the model declares, embed to the numbers python computed from
 * the crops {@code ./screen crops} wrote for the same site ({@code default-model/expected-embeddings*.json}, see
 * models/java_fixture.py), so both sides agree on crop size, normalisation, channel order and tensor layout.
 */
@Timeout(180)
class DefaultModelTest {

    /** The default model, what ./screen and the docs name. */
    static final String DEFAULT = "2";
    /** Version -> python's embeddings of the fixture site for it. */
    private static final Map<String, String> FIXTURES = Map.of(
        "1", "/default-model/expected-embeddings.json",
        "2", "/default-model/expected-embeddings-cellembed-2.json");
    private static final List<String> SYNTH_CHANNELS = List.of("DNA", "GFP", "CellMask");

    @TempDir
    static Path tmp;

    private static final Map<String, EmbeddingModel> MODELS = new LinkedHashMap<>();
    private static final Map<String, JsonNode> EXPECTED = new LinkedHashMap<>();
    private static SyntheticPlate plate;
    private static JsonNode synth;

    @BeforeAll
    static void load() throws IOException {
        for (final Map.Entry<String, String> fixture : FIXTURES.entrySet()) {
            MODELS.put(fixture.getKey(), EmbeddingModel.load(modelDir(fixture.getKey()), "cpu"));
            EXPECTED.put(fixture.getKey(), Json.MAPPER.readTree(DefaultModelTest.class.getResource(fixture.getValue())));
        }
        // one fixture site for every model: the fixtures must name the same synthetic plate
        synth = EXPECTED.get(DEFAULT).path("synth");
        for (final JsonNode e : EXPECTED.values()) {
            assertEquals(synth, e.path("synth"), "fixtures made from different synthetic plates");
        }
        plate = new SyntheticPlateGenerator().generate(SynthOptions.defaults()
            .withLayout(PlateLayout.parse(synth.path("wells").asText()))
            .withSitesPerWell(synth.path("sitesPerWell").asInt())
            .withImageSize(synth.path("imageSize").asInt())
            .withSeed(synth.path("seed").asLong())
            .withPlateId(synth.path("plate").asText()), tmp.resolve("plate"));
    }

    @AfterAll
    static void close() {
        MODELS.values().forEach(EmbeddingModel::close);
        MODELS.clear();
    }

    private static Path modelDir(final String version) {
        return Path.of("..", "models", "cellembed", version);
    }

    @ParameterizedTest(name = "cellembed/{0}")
    @ValueSource(strings = {"1", "2"})
    void committedModelIsTheOneThePythonFiguresCameFrom(final String version) {
        final EmbeddingModel model = MODELS.get(version);
        final JsonNode expected = EXPECTED.get(version);
        assertEquals(EmbeddingModel.sha256(modelDir(version).resolve(EmbeddingModel.MODEL_FILE)), model.spec().sha256());
        assertEquals(expected.path("modelSha256").asText(), model.spec().sha256(),
            FIXTURES.get(version) + " was computed with another model.pt: rerun models/java_fixture.py");
        assertEquals(List.of("nuclear", "cell", "other"), model.spec().inputChannels());
        assertEquals(expected.path("cropSize").asInt(), model.spec().cropSize());
    }

    @Test
    void modelsDeclareTheCropsTheyWereTrainedOn() {
        assertEquals(40, MODELS.get("1").spec().cropSize());
        assertEquals(CropNormalization.PER_CROP_DEFAULT, CropNormalization.parse(MODELS.get("1").spec().normalization()));
        assertEquals(64, MODELS.get("2").spec().cropSize());
        assertEquals(new CropNormalization(CropNormalization.Scope.FIXED, 0, 0.125),
            CropNormalization.parse(MODELS.get("2").spec().normalization()));
    }

    @ParameterizedTest(name = "cellembed/{0}")
    @ValueSource(strings = {"1", "2"})
    void extractorCropsEmbedAsInPython(final String version) throws Exception {
        final EmbeddingModel model = MODELS.get(version);
        final JsonNode expected = EXPECTED.get(version);
        final ImageSet set = imageSet(SYNTH_CHANNELS);
        final List<String> order = EmbeddingModels.inputChannels(model, set);
        assertEquals(List.of("DNA", "CellMask", "GFP"), order, "roles nuclear, cell, other on the synthetic plate");
        final CellCrops crops = cropSite(model, set, order);
        assertEquals(expected.path("cellCount").asInt(), crops.count());

        final int size = model.spec().cropSize();
        final JsonNode want = expected.path("crops");
        final List<float[]> first = new ArrayList<>();
        for (final JsonNode c : want) {
            final float[] crop = crops.crops()[c.path("index").asInt()];
            for (int ch = 0; ch < order.size(); ch++) {
                double sum = 0;
                for (int i = ch * size * size; i < (ch + 1) * size * size; i++) {
                    sum += crop[i];
                }
                assertEquals(c.path("channelSums").get(ch).asDouble(), sum, 1e-3, "crop " + c.path("index")
                    + " channel " + order.get(ch) + ": the extractor cut a different crop than ./screen crops");
            }
            first.add(crop);
        }
        final float[][] embeddings = embed(model, first);
        for (int k = 0; k < want.size(); k++) {
            final JsonNode python = want.get(k).path("embedding");
            assertEquals(model.spec().embeddingSize(), python.size());
            for (int d = 0; d < python.size(); d++) {
                final double p = python.get(d).asDouble();
                assertEquals(p, embeddings[k][d], 2e-4 + 1e-4 * Math.abs(p), "crop " + k + " dimension " + d);
            }
        }
    }

    @ParameterizedTest(name = "cellembed/{0}")
    @ValueSource(strings = {"1", "2"})
    void twoChannelPlateGetsAZeroBlockForTheMissingRole(final String version) throws Exception {
        final EmbeddingModel model = MODELS.get(version);
        final List<String> three = EmbeddingModels.inputChannels(model, imageSet(SYNTH_CHANNELS));
        final ImageSet twoChannels = imageSet(List.of("DNA", "CellMask"));
        final List<String> two = EmbeddingModels.inputChannels(model, twoChannels);
        assertEquals(List.of("DNA", "CellMask", EmbeddingModels.ABSENT), two);

        final float[][] withGfp = embed(model,
            Arrays.asList(cropSite(model, imageSet(SYNTH_CHANNELS), three).crops()).subList(0, 3));
        final float[][] withoutGfp = embed(model, Arrays.asList(cropSite(model, twoChannels, two).crops()).subList(0, 3));
        final int block = model.spec().embeddingSize() / 3;
        for (int k = 0; k < 3; k++) {
            double other = 0;
            for (int d = 0; d < model.spec().embeddingSize(); d++) {
                if (d < 2 * block) {
                    // the shared encoder sees each channel alone: DNA and CellMask blocks do not change
                    assertEquals(withGfp[k][d], withoutGfp[k][d], 1e-5, "crop " + k + " dimension " + d);
                } else {
                    other += Math.abs(withoutGfp[k][d]);
                }
            }
            assertEquals(0, other, "the absent role's block is all zero");
        }
    }

    @Test
    void modelNamingChannelsThePlateLacksIsRefused() throws Exception {
        final Path modelDir = modelDir(DEFAULT);
        final Path copy = Files.createDirectories(tmp.resolve("literal/1"));
        Files.copy(modelDir.resolve(EmbeddingModel.MODEL_FILE), copy.resolve(EmbeddingModel.MODEL_FILE));
        Files.writeString(copy.resolve(EmbeddingModel.SPEC_FILE), Files.readString(modelDir.resolve(EmbeddingModel.SPEC_FILE))
            .replaceFirst("\"inputChannels\"\\s*:\\s*\\[[^\\]]*\\]", "\"inputChannels\": [\"DNA\", \"Actin\", \"Mito\"]"));
        try (EmbeddingModel literal = EmbeddingModel.load(copy, "cpu")) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingModels.inputChannels(literal, imageSet(SYNTH_CHANNELS)));
            assertTrue(e.getMessage().contains("expects channels [DNA, Actin, Mito]")
                && e.getMessage().contains("has [DNA, GFP, CellMask]"), e.getMessage());
        }
    }

    @Test
    void modelWithAnUnknownNormalizationIsRefused() throws Exception {
        final Path modelDir = modelDir(DEFAULT);
        final Path copy = Files.createDirectories(tmp.resolve("zscore/1"));
        Files.copy(modelDir.resolve(EmbeddingModel.MODEL_FILE), copy.resolve(EmbeddingModel.MODEL_FILE));
        Files.writeString(copy.resolve(EmbeddingModel.SPEC_FILE), Files.readString(modelDir.resolve(EmbeddingModel.SPEC_FILE))
            .replaceFirst("\"normalization\"\\s*:\\s*\"[^\"]*\"", "\"normalization\": \"z-score per plate: mean 0, sd 1\""));
        final ModelLoadException e = assertThrows(ModelLoadException.class, () -> EmbeddingModel.load(copy, "cpu"));
        assertTrue(e.getMessage().contains("field normalization")
            && e.getMessage().contains("Unknown crop normalization 'z-score per plate'"), e.getMessage());
    }

    @ParameterizedTest(name = "cellembed/{0}")
    @ValueSource(strings = {"1", "2"})
    void inferenceCostPerCrop(final String version) throws Exception {
        final EmbeddingModel model = MODELS.get(version);
        final List<String> order = EmbeddingModels.inputChannels(model, imageSet(SYNTH_CHANNELS));
        final float[][] site = cropSite(model, imageSet(SYNTH_CHANNELS), order).crops();
        final List<float[]> crops = new ArrayList<>();
        for (int i = 0; i < 512; i++) {
            crops.add(site[i % site.length]);
        }
        embed(model, crops.subList(0, 64)); // warm-up
        final long t0 = System.nanoTime();
        final float[][] out = embed(model, crops);
        final double ms = (System.nanoTime() - t0) / 1e6 / crops.size();
        assertEquals(crops.size(), out.length);
        System.out.printf("DefaultModelTest: %s embeds %d crops in batches of 64 at %.3f ms per crop (CPU, %d cores)%n",
            model.spec().id(), crops.size(), ms, Runtime.getRuntime().availableProcessors());
    }

    private static float[][] embed(final EmbeddingModel model, final List<float[]> crops) throws Exception {
        try (CropEmbedder embedder = new CropEmbedder(model, new BatchingSettings(64, 20, 2048, 1),
            new SimpleMeterRegistry())) {
            return embedder.submitSite(crops).get();
        }
    }

    /**
     * The extractor's crops of the fixture site, from those of its channels {@code set} names, cut as the model's
     * description asks (size, normalization).
     */
    private static CellCrops cropSite(final EmbeddingModel model, final ImageSet set, final List<String> order)
        throws IOException {
        final WellId well = set.well();
        final Map<String, byte[]> images = new LinkedHashMap<>();
        for (final ImageRef ref : set.images()) {
            images.put(ref.channel(), Files.readAllBytes(plate.imagePath(well, set.site(),
                SYNTH_CHANNELS.indexOf(ref.channel()))));
        }
        final CellCropper cropper = CellCropper.forModel(model.spec().cropSize(), model.spec().normalization());
        return new SiteAnalyzer(ExtractionParameters.defaults())
            .analyze(images, set.nuclearChannel(), set.cellChannel(), null, new SiteAnalyzer.Crops(cropper, order))
            .crops();
    }

    private static ImageSet imageSet(final List<String> channels) {
        final List<ImageRef> refs = channels.stream()
            .map(c -> new ImageRef(c, "bucket", "key/" + c, "0".repeat(64), 0, c + ".tif")).toList();
        final AnalysisSpec analysis = AnalysisSpec.classicalDefaults();
        return new ImageSet(ImageSet.SCHEMA_VERSION, analysis.analysisId(), analysis, "E-DEFAULT-MODEL",
            synth.path("plate").asText(), "r1", WellId.parse(EXPECTED.get(DEFAULT).path("well").asText()),
            EXPECTED.get(DEFAULT).path("site").asInt(), refs, "DNA", "CellMask", Instant.now().toString());
    }
}
