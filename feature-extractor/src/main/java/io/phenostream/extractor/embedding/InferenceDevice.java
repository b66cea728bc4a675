package io.phenostream.extractor.embedding;

import ai.djl.Device;
import java.util.Locale;

/**
 * Picks the device an embedding model runs on, once at start: the configured "cpu" or "gpu", or, when the
 * setting is empty or "auto", the GPU if the engine sees one and the CPU otherwise.
 */
public final class InferenceDevice {

    public static final String AUTO = "auto";

    private InferenceDevice() {
    }

    /**
     * @param setting  "cpu", "gpu", "auto", or null/blank for auto
     * @param gpuCount GPUs the engine can use (0 with a CPU-only libtorch even on a GPU host)
     */
    public static Device choose(final String setting, final int gpuCount) {
        final String s = setting == null || setting.isBlank() ? AUTO : setting.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "cpu":
                return Device.cpu();
            case "gpu":
                if (gpuCount < 1) {
                    throw new IllegalArgumentException("Embedding device 'gpu' was requested but the PyTorch engine"
                        + " sees no GPU (a CPU-only libtorch, or no CUDA driver); use 'cpu' or 'auto'");
                }
                return Device.gpu();
            case AUTO:
                return gpuCount > 0 ? Device.gpu() : Device.cpu();
            default:
                throw new IllegalArgumentException("Embedding device must be 'cpu', 'gpu' or 'auto', got '" + setting
                    + "'");
        }
    }
}
