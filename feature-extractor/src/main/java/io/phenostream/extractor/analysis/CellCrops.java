package io.phenostream.extractor.analysis;

import java.util.List;

/**
 * Per-cell crops ready for a model: crop {@code i} is {@code crops[i]}, {@code channels x size x size} floats in
 * CHW order (channel-major, then rows, then columns), values in [0,1] (raw values for {@link CropNormalization#NONE}).
 *
 * @param channelNames channel of each plane, in the order they appear in every crop
 * @param size         crop height and width in pixels
 * @param crops        one CHW array per cell, in nucleus label order (crop i is nucleus label i + 1)
 * @param padded       whether crop i crossed the image border (its outside part is zero)
 */
public record CellCrops(List<String> channelNames, int size, float[][] crops, boolean[] padded) {

    public CellCrops {
        channelNames = List.copyOf(channelNames);
    }

    public int count() {
        return crops.length;
    }

    public int channels() {
        return channelNames.size();
    }

    /** Number of crops that crossed the image border. */
    public int paddedCount() {
        int n = 0;
        for (final boolean p : padded) {
            n += p ? 1 : 0;
        }
        return n;
    }

    /** {N, C, H, W}, the shape of {@link #batch()}. */
    public long[] shape() {
        return new long[] {count(), channels(), size, size};
    }

    /** All crops in one N x C x H x W array (e.g. for DJL's {@code NDManager.create(float[], Shape)}). */
    public float[] batch() {
        final int each = channels() * size * size;
        final float[] all = new float[count() * each];
        for (int i = 0; i < crops.length; i++) {
            System.arraycopy(crops[i], 0, all, i * each, each);
        }
        return all;
    }

    /** Value of crop {@code cell}, channel {@code channel}, row {@code y}, column {@code x}. */
    public float at(final int cell, final int channel, final int y, final int x) {
        return crops[cell][(channel * size + y) * size + x];
    }
}
