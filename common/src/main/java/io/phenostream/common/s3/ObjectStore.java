package io.phenostream.common.s3;

import io.phenostream.common.events.ImageRef;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Content-addressed image storage on S3: an object's key is derived from the sha256 of its bytes, so pushing
 * the same image twice writes it once, and a reference's hash proves what was analysed.
 */
public final class ObjectStore implements AutoCloseable {

    private final S3Client s3;
    private final String bucket;

    public ObjectStore(final S3Client s3, final String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    public String bucket() {
        return bucket;
    }

    public S3Client client() {
        return s3;
    }

    public void ensureBucket() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (final S3Exception notThere) {
            try {
                s3.createBucket(b -> b.bucket(bucket));
            } catch (final BucketAlreadyOwnedByYouException raced) {
                // another service created it first
            }
        }
    }

    public static String sha256(final byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String imageKey(final String sha256) {
        return "images/sha256/" + sha256.substring(0, 2) + "/" + sha256;
    }

    /** Stores an image unless an object with the same content already exists. */
    public ImageRef putImage(final String channel, final String fileName, final byte[] bytes) {
        final String sha = sha256(bytes);
        final String key = imageKey(sha);
        if (!exists(key)) {
            s3.putObject(b -> b.bucket(bucket).key(key).metadata(Map.of("file-name", safeMetadata(fileName))),
                RequestBody.fromBytes(bytes));
        }
        return new ImageRef(channel, bucket, key, sha, bytes.length, fileName);
    }

    public boolean exists(final String key) {
        try {
            s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(key).build());
            return true;
        } catch (final NoSuchKeyException e) {
            return false;
        } catch (final S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    public byte[] get(final String bucketName, final String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucketName).key(key)).asByteArray();
    }

    /** Fetches an image and checks it is the one the reference names. */
    public byte[] getVerified(final ImageRef ref) {
        final byte[] bytes = get(ref.bucket(), ref.key());
        final String sha = sha256(bytes);
        if (!sha.equals(ref.sha256())) {
            throw new IllegalStateException("Object " + ref.uri() + " has sha256 " + sha + ", expected " + ref.sha256());
        }
        return bytes;
    }

    private static String safeMetadata(final String s) {
        return s == null ? "" : s.replaceAll("[^\\x20-\\x7E]", "_");
    }

    @Override
    public void close() {
        s3.close();
    }
}
