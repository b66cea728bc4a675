package io.phenostream.extractor;

import java.util.Map;

/**
 * Where a site's per-cell data went: the cell table's URI ({@code SiteFeatures.cellDataUri}) and its label
 * images' URIs by role ({@code SiteFeatures.masks}).
 *
 * @param cellDataUri the per-cell table, or null when none was stored
 * @param masks       role -> URI of the label images; empty when none were stored
 */
public record StoredCellData(String cellDataUri, Map<String, String> masks) {

    /** Nothing stored. */
    public static final StoredCellData NOTHING = new StoredCellData(null, Map.of());

    public StoredCellData {
        masks = masks == null ? Map.of() : Map.copyOf(masks);
    }
}
