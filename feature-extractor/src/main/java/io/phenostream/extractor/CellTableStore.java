package io.phenostream.extractor;

import io.phenostream.common.s3.ObjectStore;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Puts a site's per-cell table in object storage at {@link CellTableSite#objectKey()} and returns its
 * {@code s3://} URI for {@code SiteFeatures.cellDataUri}. The key depends on the site and analysis only and a
 * PUT replaces the object whole, so a re-delivered or replayed site overwrites its own file: never a second
 * copy, never a half-written one. Thread-safe when the {@link ObjectStore}'s client is (the AWS SDK's is).
 */
public final class CellTableStore {

    /** The media type registered for Parquet. */
    public static final String CONTENT_TYPE = "application/vnd.apache.parquet";

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
        final String key = site.objectKey();
        try {
            store.client().putObject(b -> b.bucket(store.bucket()).key(key).contentType(CONTENT_TYPE)
                    .metadata(Map.of("analysis-id", site.analysisId(), "site-key", site.siteKey(),
                        "sha256", ObjectStore.sha256(parquet))),
                RequestBody.fromBytes(parquet));
        } catch (final SdkException e) {
            throw new IllegalStateException("Cannot store the cell table of site " + site.siteKey() + " at "
                + uri(store.bucket(), key) + ": " + e.getMessage(), e);
        }
        return uri(store.bucket(), key);
    }

    public static String uri(final String bucket, final String key) {
        return "s3://" + bucket + "/" + key;
    }
}
