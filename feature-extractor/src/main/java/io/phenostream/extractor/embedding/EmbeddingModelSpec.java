package io.phenostream.extractor.embedding;

import io.phenostream.extractor.analysis.CropNormalization;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The contract of an embedding model, read from the {@code model.json} next to its {@code model.pt}: which
 * channels it expects and in which order, the square crop size, the embedding length and the sha256 of the
 * TorchScript file. Unknown fields (training data, model card links) are ignored.
 *
 * @param name          model name, the folder under {@code models/}
 * @param version       model version, the folder under {@code models/<name>/}
 * @param inputChannels channel names in the order the model's input tensor stacks them
 * @param cropSize      crops are {@code cropSize x cropSize} pixels per channel
 * @param embeddingSize length of one crop's embedding
 * @param sha256        lowercase hex sha256 of {@code model.pt}
 * @param normalization how crops must be normalized before they reach the model: a method {@link CropNormalization}
 *                      knows (the text before the first ':'), then prose; null means per crop, 1st..99th percentile
 */
public record EmbeddingModelSpec(String name, String version, List<String> inputChannels, int cropSize,
                                 int embeddingSize, String sha256, String normalization) {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public EmbeddingModelSpec {
        inputChannels = inputChannels == null ? null : List.copyOf(inputChannels);
    }

    /** Floats in one crop: channels x cropSize x cropSize. */
    public int cropLength() {
        return inputChannels.size() * cropSize * cropSize;
    }

    /** "name/version", how logs, metrics and errors name the model. */
    public String id() {
        return name + "/" + version;
    }

    /** Rejects a spec with missing or impossible fields, naming the file and the field. */
    EmbeddingModelSpec validated(final Path source) {
        require(name != null && !name.isBlank(), source, "name", name);
        require(version != null && !version.isBlank(), source, "version", version);
        require(inputChannels != null && !inputChannels.isEmpty(), source, "inputChannels", inputChannels);
        require(cropSize > 0, source, "cropSize", cropSize);
        require(embeddingSize > 0, source, "embeddingSize", embeddingSize);
        require(sha256 != null && SHA256_HEX.matcher(sha256).matches(), source,
            "sha256 (64 lowercase hex digits)", sha256);
        try {
            CropNormalization.parse(normalization);
        } catch (final IllegalArgumentException e) {
            throw new ModelLoadException("Model description " + source + ": field normalization: " + e.getMessage());
        }
        return this;
    }

    private static void require(final boolean ok, final Path source, final String field, final Object value) {
        if (!ok) {
            throw new ModelLoadException("Model description " + source + ": field " + field + " is missing or invalid: "
                + value);
        }
    }
}
