package io.phenostream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.config.ConfigKey;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A few hundred bytes can declare 10^10 pixels and pass every truncation check (the strip is compressed and
 * inside the file); the edge refuses them by their declared size, naming the file and the limit.
 */
class ImageSizeLimitTest {

    private static final long LIMIT = Long.parseLong(ConfigKey.IMAGE_MAX_PIXELS.defaultValue());

    @Test
    void gigantHeadersAreWholeFilesButRefusedBySize(@TempDir final Path dir) throws Exception {
        final Path tif = Files.write(dir.resolve("huge.tif"), HostileHeaders.tiff(100_000, 100_000));
        final ImageHeader tiff = ImageHeader.read(tif);
        assertEquals(100_000, tiff.width(), "the header itself reads as a complete image");
        final ImageHeader.BadImageException e = assertThrows(ImageHeader.BadImageException.class,
            () -> tiff.requirePixelsAtMost("huge.tif", LIMIT));
        assertEquals("huge.tif: declares 100000x100000 pixels, over the limit of 100000000 "
            + "(phenostream.image.max-pixels)", e.getMessage());

        final byte[] png = HostileHeaders.png(30_000, 30_000);
        assertTrue(png.length < 200, "" + png.length);
        assertTrue(assertThrows(ImageHeader.BadImageException.class,
            () -> ImageHeader.read("huge.png", png).requirePixelsAtMost("huge.png", LIMIT)).getMessage()
            .startsWith("huge.png: declares 30000x30000 pixels"));
    }

    @Test
    void theLimitIsExact() {
        final ImageHeader h = ImageHeader.read("a.png", HostileHeaders.png(10_000, 10_000));
        assertSame(h, h.requirePixelsAtMost("a.png", 100_000_000L));
        assertThrows(ImageHeader.BadImageException.class, () -> h.requirePixelsAtMost("a.png", 99_999_999L));
    }
}
