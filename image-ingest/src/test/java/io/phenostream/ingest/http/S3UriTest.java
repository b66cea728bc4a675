package io.phenostream.ingest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class S3UriTest {

    @Test
    void splitsBucketAndKey() {
        final S3Uri uri = S3Uri.parse("s3://lab-bucket/instrument/plate 7/A01_s0_w1.tif");
        assertEquals("lab-bucket", uri.bucket());
        assertEquals("instrument/plate 7/A01_s0_w1.tif", uri.key());
        assertEquals("A01_s0_w1.tif", uri.fileName());
        assertEquals("s3://lab-bucket/instrument/plate 7/A01_s0_w1.tif", uri.toString());
    }

    @Test
    void refusesWhatIsNotAnObjectAddress() {
        for (final String bad : new String[] {null, "", "http://x/y", "s3://", "s3://bucket", "s3://bucket/",
            "s3:///key"}) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> S3Uri.parse(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }
}
