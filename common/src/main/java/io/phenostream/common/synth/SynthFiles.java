package io.phenostream.common.synth;

import io.phenostream.common.domain.WellId;
import java.util.List;
import java.util.Locale;

/** File names of a synthetic plate (CellProfiler example naming: {@code <plate>_<well>f<site>d<channel>.tif}). */
public final class SynthFiles {

    /** Channel names in channel-index order: d0 = DNA, d1 = GFP, d2 = CellMask. */
    public static final List<String> CHANNELS = List.of("DNA", "GFP", "CellMask");
    public static final int DNA = 0;
    public static final int GFP = 1;
    public static final int CELL_MASK = 2;

    public static final String PLATE_MAP = "plate-map.csv";
    public static final String GROUND_TRUTH = "ground-truth.csv";
    public static final String GROUND_TRUTH_SITES = "ground-truth-sites.csv";
    /** Label images live in a subfolder so that ingest never mistakes them for channel images. */
    public static final String LABEL_DIR = "labels";

    private SynthFiles() {
    }

    /** e.g. {@code SYNTH-P001_A01f00d0.tif}; sites from 0, two digits. */
    public static String imageFileName(final String plateId, final WellId well, final int site, final int channelIndex) {
        return sitePrefix(plateId, well, site) + "d" + channelIndex + ".tif";
    }

    /** e.g. {@code SYNTH-P001_A01f00_nuclei-labels.tif}. */
    public static String nucleusLabelFileName(final String plateId, final WellId well, final int site) {
        return sitePrefix(plateId, well, site) + "_nuclei-labels.tif";
    }

    /** e.g. {@code SYNTH-P001_A01f00_cell-labels.tif}. */
    public static String cellLabelFileName(final String plateId, final WellId well, final int site) {
        return sitePrefix(plateId, well, site) + "_cell-labels.tif";
    }

    private static String sitePrefix(final String plateId, final WellId well, final int site) {
        return plateId + "_" + well + "f" + String.format(Locale.ROOT, "%02d", site);
    }
}
