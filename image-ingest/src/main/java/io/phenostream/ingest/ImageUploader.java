package io.phenostream.ingest;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.events.ImageRef;
import io.phenostream.common.s3.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Stores images under their content address ({@link ObjectStore#imageKey}): skipped when an object of the same
 * hash and size is already there (a re-push uploads nothing), uploaded whole with {@code Content-MD5} (S3 refuses
 * a body that does not match it; the ETag of its answer is checked too) or in parts (each with its own MD5) above
 * the multipart threshold, a multipart object then verified by a HEAD of its size. S3 errors are retried with
 * exponential backoff; after the last attempt the image fails with a message naming the file and the endpoint's
 * answer.
 */
public final class ImageUploader {

    private static final Logger LOG = LoggerFactory.getLogger(ImageUploader.class);

    /** An image in object storage and whether this call uploaded it. */
    public record Stored(ImageRef ref, boolean uploaded) {
    }

    private final ObjectStore store;
    private final IngestMetrics metrics;
    private final long multipartThreshold;
    private final long partSize;
    private final S3Retry retry;

    public ImageUploader(final ObjectStore store, final PhenoConfig config, final IngestMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
        this.multipartThreshold = config.getInt(ConfigKey.INGEST_MULTIPART_THRESHOLD);
        this.partSize = config.getInt(ConfigKey.INGEST_PART_SIZE);
        this.retry = new S3Retry(store.client(), config, metrics);
        if (partSize < 5L * 1024 * 1024) {
            throw new IllegalArgumentException(ConfigKey.INGEST_PART_SIZE.key() + " must be at least 5 MiB (S3's minimum "
                + "part size), got " + partSize);
        }
    }

    /** Digests a file (sha256 + MD5 in one read), timed as the digest stage. */
    public ContentDigest digest(final Path file) {
        return metrics.time(IngestMetrics.Stage.DIGEST, () -> {
            try {
                return ContentDigest.of(file);
            } catch (final IOException e) {
                throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
            }
        });
    }

    public Stored store(final String channel, final Path file) {
        return store(channel, file, digest(file));
    }

    /** Stores a file whose digest is already known (the ingest digests every file while validating). */
    public Stored store(final String channel, final Path file, final ContentDigest digest) {
        return store(channel, file.getFileName().toString(), digest, new Body() {
            @Override
            public RequestBody whole() {
                return RequestBody.fromFile(file);
            }

            @Override
            public RequestBody part(final long offset, final long length) {
                return RequestBody.fromBytes(readRange(file, offset, length));
            }
        });
    }

    public Stored store(final String channel, final String fileName, final byte[] bytes) {
        final ContentDigest digest = metrics.time(IngestMetrics.Stage.DIGEST, () -> ContentDigest.of(bytes));
        return store(channel, fileName, digest, new Body() {
            @Override
            public RequestBody whole() {
                return RequestBody.fromBytes(bytes);
            }

            @Override
            public RequestBody part(final long offset, final long length) {
                return RequestBody.fromByteBuffer(java.nio.ByteBuffer.wrap(bytes, (int) offset, (int) length));
            }
        });
    }

    /** Where the bytes of an upload come from (a file is streamed, never held whole in memory). */
    private interface Body {
        RequestBody whole();

        RequestBody part(long offset, long length);
    }

    private Stored store(final String channel, final String fileName, final ContentDigest digest, final Body body) {
        final String key = ObjectStore.imageKey(digest.sha256());
        final ImageRef ref = new ImageRef(channel, store.bucket(), key, digest.sha256(), digest.size(), fileName);
        final Optional<HeadObjectResponse> existing = retry.run(IngestMetrics.Stage.VERIFY, fileName,
            () -> head(key));
        if (existing.isPresent() && existing.get().contentLength() == digest.size()) {
            metrics.stored(digest.size(), false);
            return new Stored(ref, false);
        }
        if (existing.isPresent()) {
            LOG.warn("Object {} has {} bytes, expected {}: replacing it", ref.uri(), existing.get().contentLength(),
                digest.size());
        }
        final boolean multipart = digest.size() >= multipartThreshold;
        metrics.time(IngestMetrics.Stage.UPLOAD, () -> retry.run(IngestMetrics.Stage.UPLOAD, fileName, () -> {
            if (multipart) {
                putInParts(key, fileName, digest, body);
            } else {
                final PutObjectResponse put = store.client().putObject(b -> b.bucket(store.bucket()).key(key)
                    .contentMD5(digest.md5Base64()).contentLength(digest.size()).metadata(metadata(fileName)),
                    body.whole());
                checkEtag(ref, digest, fileName, put.eTag());
            }
            return null;
        }));
        if (multipart) {
            // A single PUT needs no HEAD after it: S3 checked its Content-MD5 and refuses a corrupted body (BadDigest).
            // A multipart object has no whole-object MD5 to check, so its size is read back.
            metrics.time(IngestMetrics.Stage.VERIFY, () -> retry.run(IngestMetrics.Stage.VERIFY, fileName, () -> {
                verify(ref, digest, fileName);
                return null;
            }));
        }
        metrics.stored(digest.size(), true);
        return new Stored(ref, true);
    }

    private void putInParts(final String key, final String fileName, final ContentDigest digest, final Body body) {
        final String uploadId = store.client().createMultipartUpload(b -> b.bucket(store.bucket()).key(key)
            .metadata(metadata(fileName))).uploadId();
        try {
            final List<CompletedPart> parts = new ArrayList<>();
            int number = 1;
            for (long offset = 0; offset < digest.size(); offset += partSize, number++) {
                final long length = Math.min(partSize, digest.size() - offset);
                final RequestBody part = body.part(offset, length);
                final String md5 = partMd5(part);
                final int partNumber = number;
                final String etag = store.client().uploadPart(b -> b.bucket(store.bucket()).key(key).uploadId(uploadId)
                    .partNumber(partNumber).contentLength(length).contentMD5(md5), part).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
            }
            store.client().completeMultipartUpload(b -> b.bucket(store.bucket()).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts)));
        } catch (final RuntimeException e) {
            try {
                store.client().abortMultipartUpload(b -> b.bucket(store.bucket()).key(key).uploadId(uploadId));
            } catch (final RuntimeException abort) {
                e.addSuppressed(abort);
            }
            throw e;
        }
    }

    private static String partMd5(final RequestBody part) {
        final var md5 = ContentDigest.newMd5();
        try (InputStream in = part.contentStreamProvider().newStream()) {
            final byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md5.update(buf, 0, n);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return java.util.Base64.getEncoder().encodeToString(md5.digest());
    }

    private void verify(final ImageRef ref, final ContentDigest digest, final String fileName) {
        final HeadObjectResponse head = head(ref.key()).orElseThrow(() -> new IllegalStateException(
            fileName + ": " + ref.uri() + " is missing right after its upload"));
        if (head.contentLength() != digest.size()) {
            throw new IllegalStateException(fileName + ": stored " + head.contentLength() + " bytes at " + ref.uri()
                + ", the file has " + digest.size());
        }
        checkEtag(ref, digest, fileName, head.eTag());
    }

    /** A plain (not multipart) ETag is the object's MD5: it must be the file's. Free: it comes with the answer. */
    private static void checkEtag(final ImageRef ref, final ContentDigest digest, final String fileName,
                                  final String eTag) {
        final String etag = eTag == null ? "" : eTag.replace("\"", "");
        if (!etag.contains("-") && !etag.isEmpty() && !etag.equalsIgnoreCase(digest.md5Hex())) {
            throw new IllegalStateException(fileName + ": " + ref.uri() + " has ETag " + etag + ", the file's MD5 is "
                + digest.md5Hex());
        }
    }

    private Optional<HeadObjectResponse> head(final String key) {
        try {
            return Optional.of(store.client().headObject(b -> b.bucket(store.bucket()).key(key)));
        } catch (final NoSuchKeyException e) {
            return Optional.empty();
        } catch (final S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Map<String, String> metadata(final String fileName) {
        return Map.of("file-name", fileName == null ? "" : fileName.replaceAll("[^\\x20-\\x7E]", "_"));
    }

    private static byte[] readRange(final Path file, final long offset, final long length) {
        try (var ch = java.nio.channels.FileChannel.open(file)) {
            final java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) length);
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    throw new IOException("file shrank during upload");
                }
            }
            return buf.array();
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
