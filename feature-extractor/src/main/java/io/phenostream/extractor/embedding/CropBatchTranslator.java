package io.phenostream.extractor.embedding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import java.nio.FloatBuffer;

/**
 * Turns a batch of crops (each a flat {@code float[]} in C x H x W order) into one N x C x H x W tensor, and the
 * model's N x E output back into one {@code float[]} per crop. The batch is built here rather than by a DJL
 * batchifier because {@link CropEmbedder} already groups crops from many sites into one forward pass.
 */
final class CropBatchTranslator implements NoBatchifyTranslator<float[][], float[][]> {

    private final EmbeddingModelSpec spec;

    CropBatchTranslator(final EmbeddingModelSpec spec) {
        this.spec = spec;
    }

    @Override
    public NDList processInput(final TranslatorContext ctx, final float[][] crops) {
        final int length = spec.cropLength();
        final FloatBuffer packed = FloatBuffer.allocate(crops.length * length);
        for (final float[] crop : crops) {
            packed.put(crop, 0, length);
        }
        packed.flip();
        final int size = spec.cropSize();
        // The context's manager frees the tensor after the forward pass.
        final NDArray batch = ctx.getNDManager().create(packed,
            new Shape(crops.length, spec.inputChannels().size(), size, size));
        return new NDList(batch);
    }

    @Override
    public float[][] processOutput(final TranslatorContext ctx, final NDList list) throws TranslateException {
        final NDArray out = list.singletonOrThrow();
        final Shape shape = out.getShape();
        if (shape.dimension() != 2 || shape.get(1) != spec.embeddingSize()) {
            throw new TranslateException("Model " + spec.id() + " returned shape " + shape + ", expected (N, "
                + spec.embeddingSize() + ") as model.json's embeddingSize says");
        }
        final int n = Math.toIntExact(shape.get(0));
        final int e = spec.embeddingSize();
        final float[] flat = out.toType(DataType.FLOAT32, false).toFloatArray();
        final float[][] result = new float[n][e];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * e, result[i], 0, e);
        }
        return result;
    }
}
