package io.phenostream.ingest;

import io.phenostream.common.s3.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
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
 *
 * <p>Several records acknowledged together share one marker ({@link #markAll}): an object named
 * {@code batch-<digest>} whose body lists their names, one per line, so a folder push writes a receipt per chunk
 * of sites instead of one per site. Single markers (every receipt written before batches existed, and plate runs)
 * still count.
 */
public final class IngestReceipts {

    private static final String ROOT = "ingest-receipts/";
    /** Name prefix of a marker that lists several receipts in its body. */
    static final String BATCH = "batch-";

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
                final String name = o.key().substring(prefix.length());
                if (name.startsWith(BATCH)) {
                    new String(store.get(store.bucket(), o.key()), StandardCharsets.UTF_8).lines()
                        .filter(l -> !l.isBlank()).forEach(names::add);
                } else {
                    names.add(name);
                }
            }
            return names;
        });
    }

    public void mark(final String runKey, final String name) {
        retry.run(IngestMetrics.Stage.PUBLISH, "receipt " + name + " of " + runKey, () ->
            store.client().putObject(b -> b.bucket(store.bucket()).key(prefix(runKey) + name), RequestBody.empty()));
    }

    /**
     * One marker for several records of a run, all already acknowledged by Kafka: a single name is a plain marker,
     * more go into the body of a {@code batch-} marker (named by their digest, so writing it again is harmless).
     */
    public void markAll(final String runKey, final List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        if (names.size() == 1) {
            mark(runKey, names.get(0));
            return;
        }
        final String name = BATCH + digest(names.toArray(String[]::new));
        final byte[] body = (String.join("\n", names) + "\n").getBytes(StandardCharsets.UTF_8);
        retry.run(IngestMetrics.Stage.PUBLISH, "receipt " + name + " of " + runKey + " (" + names.size() + " records)",
            () -> store.client().putObject(b -> b.bucket(store.bucket()).key(prefix(runKey) + name)
                .contentLength((long) body.length), RequestBody.fromBytes(body)));
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
