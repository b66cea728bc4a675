package io.phenostream.common.synth;

/** A decoded grayscale TIFF: unsigned pixel values, row-major. */
public record TiffImage(int width, int height, int bitsPerSample, int[] pixels) {

    public int pixel(final int x, final int y) {
        return pixels[y * width + x];
    }
}
