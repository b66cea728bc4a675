package io.phenostream.extractor.embedding;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import io.phenostream.common.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A TorchScript cell-embedding model loaded once per process from {@code models/<name>/<version>/}
 * ({@code model.pt} + {@code model.json}). The file's sha256 must match the description, so results are
 * always traceable to the exact weights. Each inference thread takes its own {@link #newPredictor()}.
 *
 * <p>DJL runs offline: nothing is ever downloaded; libtorch comes from the {@code pytorch-native-cpu} jar (or a
 * libtorch baked into the image, via {@code PYTORCH_LIBRARY_PATH}).
 */
public final class EmbeddingModel implements AutoCloseable {

    public static final String ENGINE = "PyTorch";
    public static final String MODEL_FILE = "model.pt";
    public static final String SPEC_FILE = "model.json";

    static {
        // Must be set before the first DJL engine lookup; an explicit DJL_OFFLINE / -Dai.djl.offline still wins.
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    private final EmbeddingModelSpec spec;
    private final Path directory;
    private final Device device;
    private final ZooModel<float[][], float[][]> model;

    private EmbeddingModel(final EmbeddingModelSpec spec, final Path directory, final Device device,
                           final ZooModel<float[][], float[][]> model) {
        this.spec = spec;
        this.directory = directory;
        this.device = device;
        this.model = model;
    }

    /** Loads {@code modelsRoot/<name>/<version>/}. */
    public static EmbeddingModel load(final Path modelsRoot, final String name, final String version,
                                      final String deviceSetting) {
        return load(modelsRoot.resolve(name).resolve(version), deviceSetting);
    }

    /**
     * Loads a model directory, verifying {@code model.pt} against the sha256 in {@code model.json}.
     *
     * @param deviceSetting "cpu", "gpu", or "auto"/null (GPU when the engine sees one)
     * @throws ModelLoadException for a missing file, an invalid description, a hash mismatch or a model the
     *                            engine cannot load
     */
    public static EmbeddingModel load(final Path directory, final String deviceSetting) {
        final EmbeddingModelSpec spec = readSpec(directory);
        final Path modelFile = directory.resolve(MODEL_FILE);
        if (!Files.isRegularFile(modelFile)) {
            throw new ModelLoadException("Model " + spec.id() + ": " + modelFile + " does not exist");
        }
        final String actual = sha256(modelFile);
        if (!actual.equals(spec.sha256())) {
            throw new ModelLoadException("Model " + spec.id() + ": sha256 of " + modelFile + " is " + actual
                + " but " + directory.resolve(SPEC_FILE) + " says " + spec.sha256()
                + " (wrong or corrupted model file)");
        }
        final Device device = InferenceDevice.choose(deviceSetting, Engine.getEngine(ENGINE).getGpuCount());
        final Criteria<float[][], float[][]> criteria = Criteria.builder()
            .setTypes(float[][].class, float[][].class)
            .optEngine(ENGINE)
            .optModelPath(directory)
            .optModelName("model")
            .optDevice(device)
            // Models are traced on CPU; let them load onto whichever device was chosen.
            .optOption("mapLocation", "true")
            .optTranslator(new CropBatchTranslator(spec))
            .build();
        try {
            return new EmbeddingModel(spec, directory, device, criteria.loadModel());
        } catch (final IOException | ModelNotFoundException | MalformedModelException | RuntimeException e) {
            throw new ModelLoadException("Model " + spec.id() + ": cannot load " + modelFile + " on " + device
                + ": " + e.getMessage(), e);
        }
    }

    static EmbeddingModelSpec readSpec(final Path directory) {
        final Path specFile = directory.resolve(SPEC_FILE);
        if (!Files.isRegularFile(specFile)) {
            throw new ModelLoadException("Model directory " + directory + " has no " + SPEC_FILE);
        }
        try {
            return Json.MAPPER.readValue(specFile.toFile(), EmbeddingModelSpec.class).validated(specFile);
        } catch (final IOException e) {
            throw new ModelLoadException("Cannot read model description " + specFile + ": " + e.getMessage(), e);
        }
    }

    /** Lowercase hex sha256 of a file. */
    public static String sha256(final Path file) {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file),
            MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (final IOException e) {
            throw new ModelLoadException("Cannot read " + file + " to hash it: " + e.getMessage(), e);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Refuses a plate whose channels (in the order its crops are stacked) are not exactly the model's.
     *
     * @param plate         plate id (or any label) for the error message
     * @param plateChannels channel names in the order crops will be built
     * @throws IllegalArgumentException naming the model's channels and the plate's
     */
    public void checkChannels(final String plate, final List<String> plateChannels) {
        if (!spec.inputChannels().equals(plateChannels)) {
            throw new IllegalArgumentException("Model " + spec.id() + " expects channels " + spec.inputChannels()
                + " in that order, but plate " + plate + " provides " + plateChannels);
        }
    }

    /** A new predictor: not thread-safe, one per inference thread; close it when the thread ends. */
    public Predictor<float[][], float[][]> newPredictor() {
        return model.newPredictor();
    }

    public EmbeddingModelSpec spec() {
        return spec;
    }

    public Path directory() {
        return directory;
    }

    public Device device() {
        return device;
    }

    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "EmbeddingModel{" + spec.id() + " on " + device + " from " + directory + "}";
    }
}
