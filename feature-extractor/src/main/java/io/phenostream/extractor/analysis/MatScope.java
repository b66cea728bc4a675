package io.phenostream.extractor.analysis;

import java.util.ArrayList;
import java.util.List;
import org.opencv.core.Mat;

/**
 * Owns the native Mats of one analysis and releases them all on close. The Java wrappers are tiny, so the GC
 * does not feel the native pixel buffers behind them; releasing explicitly keeps native memory flat.
 */
final class MatScope implements AutoCloseable {

    private final List<Mat> mats = new ArrayList<>();

    /** A new empty Mat owned by this scope. */
    Mat mat() {
        return track(new Mat());
    }

    <T extends Mat> T track(final T mat) {
        mats.add(mat);
        return mat;
    }

    @Override
    public void close() {
        for (final Mat mat : mats) {
            mat.release();
        }
        mats.clear();
    }
}
