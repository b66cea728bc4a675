package io.phenostream.extractor;

import io.phenostream.common.events.ImageSet;
import io.phenostream.extractor.embedding.EmbeddingModel;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the worker benchmark needs from the extractor's package-private classes: the stage tags of
 * {@link ExtractorMetrics} and the model's input channel mapping of {@link EmbeddingModels}, so the bare loop cuts
 * exactly the crops the worker cuts. Lives in the benchmarks module under the worker's package so that both stay
 * package-private.
 */
public final class WorkerAccess {

    /** Meter name of the worker's per-stage timers (tag {@code stage}). */
    public static final String STAGE_TIMER = "phenostream.extractor.stage";
    /** Meter name of the worker's cell counter. */
    public static final String CELLS_COUNTER = "phenostream.extractor.cells";

    private WorkerAccess() {
    }

    /** Values of the {@code stage} tag, in pipeline order. */
    public static List<String> stages() {
        return Arrays.stream(ExtractorMetrics.Stage.values()).map(s -> s.name().toLowerCase(Locale.ROOT)).toList();
    }

    /** The plate channels (or the absent marker) in the order the model stacks them, as the worker maps them. */
    public static List<String> inputChannels(final EmbeddingModel model, final ImageSet set) {
        return EmbeddingModels.inputChannels(model, set);
    }
}
