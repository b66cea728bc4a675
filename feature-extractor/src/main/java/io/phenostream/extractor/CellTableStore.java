package io.phenostream.extractor;

import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.extractor.analysis.SiteMasks;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Puts a site's per-cell table in object storage at {@link CellTableSite#objectKey()} and returns its
 * {@code s3://} URI for {@code SiteFeatures.cellDataUri}; its label images go beside it, nuclei and cells in one
 * object ({@link CellTableSite#maskKey}, URI for {@code SiteFeatures.masks}). The key depends on the site and analysis only and a
 * PUT replaces the object whole, so a re-delivered or replayed site overwrites its own file: never a second
 * copy, never a half-written one. Thread-safe when the {@link ObjectStore}'s client is (the AWS SDK's is).
 */
public final class CellTableStore {

    /** The media type registered for Parquet. */
    public static final String CONTENT_TYPE = "application/vnd.apache.parquet";
    /** Label images are PNG. */
    public static final String MASK_CONTENT_TYPE = "image/png";

    private final ObjectStore store;
    private final CellTableWriter writer;

    public CellTableStore(final ObjectStore store, final CellTableWriter writer) {
        this.store = Objects.requireNonNull(store, "store");
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    /** Writes and uploads the table; see {@link CellTableWriter#write(CellTableSite, List, double[][], float[][])}. */
    public String put(final CellTableSite site, final List<String> featureNames, final double[][] rows,
                      final float[][] embeddings) {
        return upload(site, writer.write(site, featureNames, rows, embeddings));
    }

    /** As {@link #put(CellTableSite, List, double[][], float[][])} with the embedding dimension given. */
    public String put(final CellTableSite site, final List<String> featureNames, final double[][] rows,
                      final float[][] embeddings, final int embeddingDim) {
        return upload(site, writer.write(site, featureNames, rows, embeddings, embeddingDim));
    }

    /** Uploads already encoded Parquet bytes of {@code site} and returns their URI. */
    public String upload(final CellTableSite site, final byte[] parquet) {
        return put(site, site.objectKey(), CONTENT_TYPE, parquet, "cell table");
    }

    /**
     * Uploads the site's label images, one object for nuclei and cells, and returns its URI by role
     * ({@link SiteFeatures#NUCLEI_OVER_CELLS_MASK}); empty for null masks.
     */
    public Map<String, String> uploadMasks(final CellTableSite site, final SiteMasks masks) {
        if (masks == null) {
            return Map.of();
        }
        return Map.of(SiteFeatures.NUCLEI_OVER_CELLS_MASK, put(site, site.maskKey(SiteFeatures.NUCLEI_OVER_CELLS_MASK),
            MASK_CONTENT_TYPE, masks.png(), "nucleus and cell labels"));
    }

    private String put(final CellTableSite site, final String key, final String contentType, final byte[] bytes,
                       final String what) {
        try {
            store.client().putObject(b -> b.bucket(store.bucket()).key(key).contentType(contentType)
                    .metadata(Map.of("analysis-id", site.analysisId(), "site-key", site.siteKey(),
                        "sha256", ObjectStore.sha256(bytes))),
                RequestBody.fromBytes(bytes));
        } catch (final SdkException e) {
            throw new IllegalStateException("Cannot store the " + what + " of site " + site.siteKey() + " at "
                + uri(store.bucket(), key) + ": " + e.getMessage(), e);
        }
        return uri(store.bucket(), key);
    }

    public static String uri(final String bucket, final String key) {
        return "s3://" + bucket + "/" + key;
    }
}
