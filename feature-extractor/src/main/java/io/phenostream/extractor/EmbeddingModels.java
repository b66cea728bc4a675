package io.phenostream.extractor;

import io.micrometer.core.instrument.MeterRegistry;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.events.ImageSet;
import io.phenostream.extractor.embedding.BatchingSettings;
import io.phenostream.extractor.embedding.CropEmbedder;
import io.phenostream.extractor.embedding.EmbeddingModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedding models a worker has loaded, one {@link CropEmbedder} each, loaded the first time an analysis
 * names them ({@code modelName = "<name>/<version>"} under {@link ConfigKey#MODELS_DIR}). A model whose file
 * does not have the sha256 the analysis names is refused: the analysis id promises that exact model.
 */
final class EmbeddingModels implements AutoCloseable {

    private final Path root;
    private final String device;
    private final BatchingSettings batching;
    private final MeterRegistry registry;
    private final Map<String, CropEmbedder> embedders = new HashMap<>();

    EmbeddingModels(final PhenoConfig config, final MeterRegistry registry) {
        this.root = Path.of(config.require(ConfigKey.MODELS_DIR));
        this.device = config.require(ConfigKey.EMBEDDING_DEVICE);
        final BatchingSettings d = BatchingSettings.defaults();
        this.batching = new BatchingSettings(config.getInt(ConfigKey.EMBEDDING_MAX_BATCH),
            config.getInt(ConfigKey.EMBEDDING_MAX_WAIT_MS), d.queueCapacity(), d.workers());
        this.registry = registry;
    }

    /** The embedder of the analysis' model, or null for a classical analysis. */
    synchronized CropEmbedder embedderFor(final AnalysisSpec analysis) {
        if (AnalysisSpec.NO_MODEL.equals(analysis.modelName())) {
            return null;
        }
        CropEmbedder embedder = embedders.get(analysis.modelName());
        if (embedder == null) {
            final String[] nameVersion = analysis.modelName().split("/", 2);
            if (nameVersion.length != 2) {
                throw new IllegalArgumentException("Model name '" + analysis.modelName() + "' is not <name>/<version>");
            }
            final EmbeddingModel model = EmbeddingModel.load(root, nameVersion[0], nameVersion[1], device);
            embedder = new CropEmbedder(model, batching, registry);
            embedders.put(analysis.modelName(), embedder);
        }
        if (!embedder.model().spec().sha256().equals(analysis.modelSha256())) {
            throw new IllegalArgumentException("Analysis asks for model " + analysis.modelName() + " with sha256 "
                + analysis.modelSha256() + ", but " + embedder.model().directory() + " holds "
                + embedder.model().spec().sha256());
        }
        return embedder;
    }

    /** A model input slot this plate has no channel for: the crop's channel is all zeros. */
    static final String ABSENT = "(absent)";

    /**
     * The plate's channels in the order the model stacks them. A model names plate channels literally or by
     * role, so one model serves plates with different stains: {@code nuclear} (the image-set's nuclear channel,
     * required), {@code cell} (its cell channel) and {@code other} (the next channel that is neither); a role the
     * plate lacks becomes an all-zero channel ({@link #ABSENT}), which the model saw in training (channel dropout).
     */
    static List<String> inputChannels(final EmbeddingModel model, final ImageSet set) {
        final List<String> plate = set.images().stream().map(i -> i.channel()).toList();
        final List<String> order = new ArrayList<>();
        final java.util.Set<String> used = new java.util.HashSet<>();
        for (final String wanted : model.spec().inputChannels()) {
            final String channel = switch (wanted) {
                case "nuclear" -> set.nuclearChannel();
                case "cell" -> set.cellChannel() == null ? ABSENT : set.cellChannel();
                case "other" -> plate.stream().filter(c -> !c.equals(set.nuclearChannel())
                    && !c.equals(set.cellChannel()) && !used.contains(c)).findFirst().orElse(ABSENT);
                default -> wanted;
            };
            if (!ABSENT.equals(channel) && (channel == null || !plate.contains(channel))) {
                throw new IllegalArgumentException("Model " + model.spec().id() + " expects channels "
                    + model.spec().inputChannels() + " but plate " + set.plateId() + " has " + plate
                    + " (nuclear " + set.nuclearChannel() + ", cell " + set.cellChannel() + ")");
            }
            used.add(channel);
            order.add(channel);
        }
        return order;
    }

    @Override
    public synchronized void close() {
        for (final CropEmbedder e : embedders.values()) {
            e.close();
            e.model().close();
        }
        embedders.clear();
    }
}
