package io.phenostream.common.synth;

import io.phenostream.common.domain.PlateMap;
import io.phenostream.common.domain.WellId;
import java.nio.file.Path;
import java.util.List;

/**
 * A generated plate on disk and its ground truth. {@code channels} are in channel-index order
 * (DNA, GFP, CellMask); {@code compounds} holds the treatment compounds and POS-CTRL; {@code sites} is in
 * plate-map (row-major) well order, then site order.
 */
public record SyntheticPlate(Path outDir, PlateMap plateMap, List<CompoundTruth> compounds, List<SiteTruth> sites,
                             List<String> channels, SynthOptions options) {

    public SyntheticPlate {
        compounds = List.copyOf(compounds);
        sites = List.copyOf(sites);
        channels = List.copyOf(channels);
    }

    /** The channel image of one site, e.g. {@code SYNTH-P001_A01f00d0.tif}. */
    public Path imagePath(final WellId well, final int site, final int channelIndex) {
        return outDir.resolve(SynthFiles.imageFileName(options.plateId(), well, site, channelIndex));
    }

    /** The 16-bit nuclei label image of one site (0 background, k = k-th nucleus). */
    public Path nucleusLabelPath(final WellId well, final int site) {
        return outDir.resolve(SynthFiles.LABEL_DIR).resolve(SynthFiles.nucleusLabelFileName(options.plateId(), well, site));
    }

    /** The 16-bit cell label image of one site (cell k holds nucleus k). */
    public Path cellLabelPath(final WellId well, final int site) {
        return outDir.resolve(SynthFiles.LABEL_DIR).resolve(SynthFiles.cellLabelFileName(options.plateId(), well, site));
    }
}
