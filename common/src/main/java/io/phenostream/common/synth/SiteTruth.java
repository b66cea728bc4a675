package io.phenostream.common.synth;

import io.phenostream.common.domain.WellId;

/**
 * What is really in one synthetic site (field): its nucleus count (= the labels 1..nNuclei of its nuclei label
 * image) and whether it was rendered out of focus. {@code site} is numbered from 0, as in the file names.
 */
public record SiteTruth(WellId well, int site, int nNuclei, boolean inFocus) {
}
