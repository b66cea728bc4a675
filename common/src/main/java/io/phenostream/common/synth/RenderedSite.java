package io.phenostream.common.synth;

/** One rendered site: 16-bit channel images (DNA, GFP, CellMask) and its label images, all row-major. */
record RenderedSite(short[][] channels, short[] nucleusLabels, short[] cellLabels, int nucleusCount) {
}
