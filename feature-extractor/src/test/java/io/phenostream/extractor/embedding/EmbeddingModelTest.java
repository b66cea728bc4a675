package io.phenostream.extractor.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class EmbeddingModelTest {

    private static EmbeddingModel model;

    @BeforeAll
    static void load() {
        model = EmbeddingModel.load(FixtureModel.dir(), "cpu");
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void readsTheModelDescription() {
        final EmbeddingModelSpec spec = model.spec();
        assertEquals("fixture-tiny/1", spec.id());
        assertEquals(List.of("DNA", "Actin", "Mito"), spec.inputChannels());
        assertEquals(24, spec.cropSize());
        assertEquals(8, spec.embeddingSize());
        assertEquals(3 * 24 * 24, spec.cropLength());
        assertEquals(Device.cpu(), model.device());
        assertEquals("true", System.getProperty("ai.djl.offline"));
    }

    @Test
    void batchOutputMatchesPython() throws Exception {
        final Map<Integer, float[]> expected = FixtureModel.pythonOutputs();
        assertEquals(3, expected.size());
        final List<Integer> ks = List.of(0, 1, 7);
        final float[][] out;
        try (Predictor<float[][], float[][]> p = model.newPredictor()) {
            out = p.predict(ks.stream().map(FixtureModel::crop).toArray(float[][]::new));
        }
        assertEquals(3, out.length);
        for (int i = 0; i < ks.size(); i++) {
            assertArrayEquals(expected.get(ks.get(i)), out[i], 1e-5f, "crop " + ks.get(i));
        }
    }

    @Test
    void singleCropOutputMatchesPython() throws Exception {
        final float[] expected = FixtureModel.pythonOutputs().get(7);
        try (Predictor<float[][], float[][]> p = model.newPredictor()) {
            assertArrayEquals(expected, p.predict(new float[][] {FixtureModel.crop(7)})[0], 1e-5f);
        }
    }

    @Test
    void refusesPlateWithOtherChannelOrder() {
        assertDoesNotThrow(() -> model.checkChannels("PL-0001", List.of("DNA", "Actin", "Mito")));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> model.checkChannels("PL-0001", List.of("DNA", "Mito", "Actin")));
        assertTrue(e.getMessage().contains("fixture-tiny/1"), e.getMessage());
        assertTrue(e.getMessage().contains("[DNA, Actin, Mito]"), e.getMessage());
        assertTrue(e.getMessage().contains("PL-0001 provides [DNA, Mito, Actin]"), e.getMessage());
        final IllegalArgumentException fewer = assertThrows(IllegalArgumentException.class,
            () -> model.checkChannels("PL-0002", List.of("DNA", "Actin")));
        assertTrue(fewer.getMessage().contains("[DNA, Actin]"), fewer.getMessage());
    }

    @Test
    void refusesModelFileWhoseHashDiffers(@TempDir final Path tmp) throws Exception {
        final Path dir = FixtureModel.copyWithSpec(tmp.resolve("m"), s -> s);
        Files.write(dir.resolve("model.pt"), new byte[] {0}, StandardOpenOption.APPEND);
        final String actual = EmbeddingModel.sha256(dir.resolve("model.pt"));
        final ModelLoadException e = assertThrows(ModelLoadException.class, () -> EmbeddingModel.load(dir, "cpu"));
        assertTrue(e.getMessage().contains("sha256 of " + dir.resolve("model.pt") + " is " + actual), e.getMessage());
        assertTrue(e.getMessage().contains(model.spec().sha256()), e.getMessage());
        assertTrue(e.getMessage().contains("fixture-tiny/1"), e.getMessage());
    }

    @Test
    void refusesDescriptionWithoutHash(@TempDir final Path tmp) throws Exception {
        final Path dir = FixtureModel.copyWithSpec(tmp.resolve("m"),
            s -> s.replaceAll("\"sha256\": \"[0-9a-f]+\"", "\"sha256\": \"\""));
        final ModelLoadException e = assertThrows(ModelLoadException.class, () -> EmbeddingModel.load(dir, "cpu"));
        assertTrue(e.getMessage().contains("field sha256"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.resolve("model.json").toString()), e.getMessage());
    }

    @Test
    void reportsMissingModelDirectory(@TempDir final Path tmp) {
        final ModelLoadException e = assertThrows(ModelLoadException.class,
            () -> EmbeddingModel.load(tmp, "cellnet", "9", "cpu"));
        assertTrue(e.getMessage().contains(tmp.resolve("cellnet").resolve("9").toString()), e.getMessage());
    }

    @Test
    void loadsFromModelsRootByNameAndVersion(@TempDir final Path tmp) throws Exception {
        FixtureModel.copyWithSpec(tmp.resolve("fixture-tiny").resolve("1"), s -> s);
        try (EmbeddingModel m = EmbeddingModel.load(tmp, "fixture-tiny", "1", null)) {
            assertEquals("fixture-tiny/1", m.spec().id());
        }
    }

    @Test
    void hashesFiles(@TempDir final Path tmp) throws Exception {
        final Path f = Files.writeString(tmp.resolve("abc"), "abc", StandardCharsets.US_ASCII);
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", EmbeddingModel.sha256(f));
    }
}
