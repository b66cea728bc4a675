package io.phenostream.common.image;

/**
 * The outline rule of a label image (row-major, 0 = background, any other value = one object): an outline pixel
 * is an object pixel with a 4-neighbour of another label (background or another object), or on the image edge.
 * Outlines are therefore one pixel wide, inside their objects, and two touching objects both show their side of
 * the border. The extractor's overlays and the results UI's thumbnails draw with this one rule.
 */
public final class LabelOutlines {

    private LabelOutlines() {
    }

    /**
     * @param labels row-major labels, {@code width * height} of them
     * @param i      pixel index ({@code y * width + x})
     * @return whether pixel {@code i} is on the outline of its object (never for background)
     */
    public static boolean isOutline(final int[] labels, final int i, final int width, final int height) {
        final int label = labels[i];
        if (label == 0) {
            return false;
        }
        final int x = i % width;
        final int y = i / width;
        return x == 0 || y == 0 || x == width - 1 || y == height - 1
            || labels[i - 1] != label || labels[i + 1] != label
            || labels[i - width] != label || labels[i + width] != label;
    }

    /** Every pixel's {@link #isOutline} at once. */
    public static boolean[] outline(final int[] labels, final int width, final int height) {
        if (width <= 0 || height <= 0 || labels.length != width * height) {
            throw new IllegalArgumentException(labels.length + " labels do not fill a " + width + "x" + height
                + " image");
        }
        final boolean[] out = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            out[i] = isOutline(labels, i, width, height);
        }
        return out;
    }
}
