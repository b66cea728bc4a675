package io.phenostream.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The sha256 (content address) and MD5 (what S3 checks a PUT against, {@code Content-MD5}) of an image, computed
 * in one pass so a file is read once before its upload.
 */
public record ContentDigest(String sha256, byte[] md5, long size) {

    public static ContentDigest of(final Path file) throws IOException {
        final MessageDigest sha = newSha256();
        final MessageDigest md5 = newMd5();
        long size = 0;
        final byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
                md5.update(buf, 0, n);
                size += n;
            }
        }
        return new ContentDigest(HexFormat.of().formatHex(sha.digest()), md5.digest(), size);
    }

    public static ContentDigest of(final byte[] bytes) {
        return new ContentDigest(HexFormat.of().formatHex(newSha256().digest(bytes)), newMd5().digest(bytes), bytes.length);
    }

    public String md5Base64() {
        return Base64.getEncoder().encodeToString(md5);
    }

    public String md5Hex() {
        return HexFormat.of().formatHex(md5);
    }

    static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
