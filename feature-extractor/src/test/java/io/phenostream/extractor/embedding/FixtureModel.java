package io.phenostream.extractor.embedding;

import com.fasterxml.jackson.databind.JsonNode;
import io.phenostream.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The tiny TorchScript fixture of src/test/resources/fixture-model (see make-fixture.py there). */
final class FixtureModel {

    static final int CHANNELS = 3;
    static final int CROP = 24;
    static final int EMBED = 8;

    private FixtureModel() {
    }

    static Path dir() {
        try {
            return Path.of(FixtureModel.class.getResource("/fixture-model/model.json").toURI()).getParent();
        } catch (final URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Crop k exactly as make-fixture.py builds it: sin(0.05 * flatIndex + 0.7 * k), in double, stored as float. */
    static float[] crop(final int k) {
        final float[] x = new float[CHANNELS * CROP * CROP];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(0.05 * i + 0.7 * k);
        }
        return x;
    }

    /** The embeddings python computed, by crop index. */
    static Map<Integer, float[]> pythonOutputs() {
        try {
            final JsonNode outputs = Json.MAPPER.readTree(dir().resolve("model.json").toFile())
                .path("expected").path("outputs");
            final Map<Integer, float[]> result = new HashMap<>();
            outputs.fields().forEachRemaining(e -> {
                final float[] v = new float[e.getValue().size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) e.getValue().get(i).asDouble();
                }
                result.put(Integer.parseInt(e.getKey()), v);
            });
            return result;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the fixture in {@code target} whose model.json is edited by {@code edit}. */
    static Path copyWithSpec(final Path target, final java.util.function.UnaryOperator<String> edit)
        throws IOException {
        Files.createDirectories(target);
        Files.copy(dir().resolve("model.pt"), target.resolve("model.pt"));
        Files.writeString(target.resolve("model.json"), edit.apply(Files.readString(dir().resolve("model.json"))));
        return target;
    }
}
