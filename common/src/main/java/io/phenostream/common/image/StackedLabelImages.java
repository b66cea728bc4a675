package io.phenostream.common.image;

/**
 * A site's nucleus and cell label images as the extractor stores them since one object per site replaced two: one
 * lossless single-channel PNG (16-bit), twice the image's height, the nucleus labels in the top half and the cell
 * labels in the bottom half (role {@code nuclei-over-cells} of {@code SiteFeatures.masks}). Pixel value = object
 * label, the same number in both halves and in the cell table's {@code cell} column; 0 = background. Fiji,
 * scikit-image and ImageIO open it as one image; {@link #decode} splits it.
 *
 * @param nuclei the top half
 * @param cells  the bottom half
 */
public record StackedLabelImages(LabelImagePng nuclei, LabelImagePng cells) {

    /** @throws IllegalArgumentException when the bytes are not a single-channel PNG of even height */
    public static StackedLabelImages decode(final byte[] png, final String source) {
        final LabelImagePng both = LabelImagePng.decode(png, source);
        if (both.height() % 2 != 0) {
            throw new IllegalArgumentException("Label image " + source + " has " + both.height() + " rows; nuclei "
                + "over cells needs an even number");
        }
        final int half = both.height() / 2;
        return new StackedLabelImages(both.rows(0, half), both.rows(half, both.height()));
    }
}
