package io.phenostream.common.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class LabelOutlinesTest {

    /** Two touching objects and one on the image edge, drawn by hand. */
    private static final int[] LABELS = {
        0, 0, 0, 0, 0, 0, 0, 3,
        0, 1, 1, 1, 2, 2, 0, 3,
        0, 1, 1, 1, 2, 2, 0, 3,
        0, 1, 1, 1, 2, 2, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0,
    };

    /** The outline of each object worked out by hand: 'x' = outline. Object 1's centre (2,2) is the only inner pixel. */
    private static final String EXPECTED =
          "       x"
        + " xxxxx x"
        + " x xxx x"
        + " xxxxx  "
        + "        ";

    @Test
    void outlinesAreObjectPixelsNextToAnotherLabelOrTheEdge() {
        final boolean[] outline = LabelOutlines.outline(LABELS, 8, 5);
        final StringBuilder got = new StringBuilder();
        for (final boolean b : outline) {
            got.append(b ? 'x' : ' ');
        }
        assertEquals(EXPECTED, got.toString());
        assertEquals(true, LabelOutlines.isOutline(LABELS, 12, 8, 5), "object 2 touching object 1 has its own border");
        assertEquals(false, LabelOutlines.isOutline(LABELS, 18, 8, 5), "pixel (2,2): all four neighbours are object 1");
        assertEquals(false, LabelOutlines.isOutline(LABELS, 0, 8, 5), "background is never an outline");
    }

    @Test
    void aSinglePixelObjectIsAllOutline() {
        assertArrayEquals(new boolean[] {false, false, false, false, true, false, false, false, false},
            LabelOutlines.outline(new int[] {0, 0, 0, 0, 9, 0, 0, 0, 0}, 3, 3));
        assertArrayEquals(new boolean[] {true, true, true, true}, LabelOutlines.outline(new int[] {5, 5, 5, 5}, 2, 2));
    }

    @Test
    void refusesLabelsThatDoNotFillTheImage() {
        assertThrows(IllegalArgumentException.class, () -> LabelOutlines.outline(new int[5], 2, 3));
    }

    @Test
    void readsSixteenBitLabelPngs() throws IOException {
        final BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
        final int[] labels = {0, 1, 65535, 300, 300, 0};
        img.getRaster().setPixels(0, 0, 3, 2, labels);
        final ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        final LabelImagePng back = LabelImagePng.decode(png.toByteArray(), "test.png");
        assertEquals(3, back.width());
        assertEquals(2, back.height());
        assertArrayEquals(labels, back.labels());
        assertEquals(3, back.objectCount());
        assertEquals(65535, back.maxLabel());
        final BufferedImage rgb = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        final ByteArrayOutputStream colour = new ByteArrayOutputStream();
        ImageIO.write(rgb, "png", colour);
        assertThrows(IllegalArgumentException.class, () -> LabelImagePng.decode(colour.toByteArray(), "rgb.png"));
    }

    @Test
    void splitsNucleiOverCellsIntoItsTwoHalves() throws IOException {
        // 3 x 2 nucleus labels over 3 x 2 cell labels: one 3 x 4 PNG
        final int[] stacked = {0, 1, 0, 0, 0, 0, /* cells */ 1, 1, 1, 0, 2, 2};
        final BufferedImage img = new BufferedImage(3, 4, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setPixels(0, 0, 3, 4, stacked);
        final ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        final StackedLabelImages both = StackedLabelImages.decode(png.toByteArray(), "site.png");
        assertEquals(3, both.nuclei().width());
        assertEquals(2, both.nuclei().height());
        assertArrayEquals(new int[] {0, 1, 0, 0, 0, 0}, both.nuclei().labels());
        assertArrayEquals(new int[] {1, 1, 1, 0, 2, 2}, both.cells().labels());
        final BufferedImage odd = new BufferedImage(3, 3, BufferedImage.TYPE_USHORT_GRAY);
        final ByteArrayOutputStream oddPng = new ByteArrayOutputStream();
        ImageIO.write(odd, "png", oddPng);
        assertThrows(IllegalArgumentException.class, () -> StackedLabelImages.decode(oddPng.toByteArray(), "odd"));
    }
}
