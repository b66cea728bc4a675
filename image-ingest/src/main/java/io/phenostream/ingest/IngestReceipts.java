package io.phenostream.ingest;

import io.phenostream.common.s3.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * What this ingest has already published, as empty marker objects in S3, so a re-push publishes nothing again
 * and a run interrupted half-way resumes where it stopped.
 *
 * <p>A marker is written only after Kafka acknowledged the record, and its name carries a digest of what was
 * published (the site's image hashes, the plate run's content), so changed content is published again. Markers
 * live under an epoch derived from the topics' ids: records published to a topic that was since deleted, or to
 * another cluster (e.g. a wiped embedded broker), do not count.
 */
public final class IngestReceipts {

    private static final String ROOT = "ingest-receipts/";

    private final ObjectStore store;
    private final String epoch;
    private final S3Retry retry;

    IngestReceipts(final ObjectStore store, final String epoch, final S3Retry retry) {
        this.store = store;
        this.epoch = epoch;
        this.retry = retry;
    }

    /** The markers under a run (for one analysis), listed once per session. */
    public Set<String> list(final String runKey) {
        final String prefix = prefix(runKey);
        return retry.run(IngestMetrics.Stage.PUBLISH, "receipts of " + runKey, () -> {
            final Set<String> names = new HashSet<>();
            for (final S3Object o : store.client().listObjectsV2Paginator(ListObjectsV2Request.builder()
                .bucket(store.bucket()).prefix(prefix).build()).contents()) {
                names.add(o.key().substring(prefix.length()));
            }
            return names;
        });
    }

    public void mark(final String runKey, final String name) {
        retry.run(IngestMetrics.Stage.PUBLISH, "receipt " + name + " of " + runKey, () ->
            store.client().putObject(b -> b.bucket(store.bucket()).key(prefix(runKey) + name), RequestBody.empty()));
    }

    private String prefix(final String runKey) {
        return ROOT + epoch + "/" + runKey + "/";
    }

    public static String digest(final String... parts) {
        try {
            final MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (final String p : parts) {
                md.update(p.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
