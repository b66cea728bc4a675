package io.phenostream.sink.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.events.ImageRef;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.image.LabelImagePng;
import io.phenostream.common.synth.TiffWriter;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class S3SiteThumbnailsTest {

    @Test
    void sixteenBitTiffIsStretchedAndDownsampled() throws Exception {
        // 200 x 100, left half 1000, right half 3000: after the percentile stretch black | white.
        final short[] px = new short[200 * 100];
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 200; x++) {
                px[y * 200 + x] = (short) (x < 100 ? 1000 : 3000);
            }
        }
        final byte[] png = S3SiteThumbnails.thumbnail(TiffWriter.encode16(200, 100, px), "test.tif", 50);
        final BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(50, img.getWidth());
        assertEquals(25, img.getHeight());
        assertEquals(0, img.getRaster().getSample(5, 5, 0));
        assertEquals(255, img.getRaster().getSample(45, 20, 0));
    }

    @Test
    void smallImagesAreNotEnlarged() throws Exception {
        final byte[] px = new byte[16 * 8];
        px[3] = (byte) 200;
        final byte[] png = S3SiteThumbnails.thumbnail(TiffWriter.encode8(16, 8, px), "small.tif", 256);
        final BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(16, img.getWidth());
        assertEquals(8, img.getHeight());
    }

    /** A 30 x 15 ramp image (grey level = 100 x column) with two touching nuclei inside two touching cells. */
    static final int W = 30;
    static final int H = 15;

    static byte[] ramp() {
        final short[] px = new short[W * H];
        for (int i = 0; i < px.length; i++) {
            px[i] = (short) (100 * (i % W));
        }
        return TiffWriter.encode16(W, H, px);
    }

    static int[] rectangles(final int[]... rects) {
        final int[] labels = new int[W * H];
        for (int r = 0; r < rects.length; r++) {
            for (int y = rects[r][1]; y <= rects[r][3]; y++) {
                for (int x = rects[r][0]; x <= rects[r][2]; x++) {
                    labels[y * W + x] = r + 1;
                }
            }
        }
        return labels;
    }

    /** Nucleus 1: x 6..11, y 3..8; nucleus 2 touching it: x 12..14, y 3..5 (its centre pixel is inside). */
    static final int[] NUCLEI = rectangles(new int[] {6, 3, 11, 8}, new int[] {12, 3, 14, 5});
    /** Cell 1: x 3..20, y 1..11; cell 2 touching it: x 21..26, y 1..11. */
    static final int[] CELLS = rectangles(new int[] {3, 1, 20, 11}, new int[] {21, 1, 26, 11});

    /**
     * At size 10 each thumbnail pixel averages a 3 x 3 block; a block holding any outline pixel is coloured. Worked
     * out by hand from the rectangles' borders (column x / 3, row y / 3): N = nucleus, C = cell, . = grey.
     */
    static final String[] EXPECTED = {
        ".CCCCCCCC.",
        ".CNNN.CCC.",
        ".CNN..CCC.",
        ".CCCCCCCC.",
        "..........",
    };

    static byte[] labelPng(final int[] labels, final int width, final int height) throws IOException {
        final BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setPixels(0, 0, width, height, labels);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    static void assertOutlines(final String[] expected, final BufferedImage img) {
        assertEquals(3, img.getRaster().getNumBands(), "an RGB thumbnail");
        for (int y = 0; y < expected.length; y++) {
            for (int x = 0; x < expected[y].length(); x++) {
                final int rgb = img.getRGB(x, y) & 0xFFFFFF;
                final String at = "pixel " + x + "," + y;
                switch (expected[y].charAt(x)) {
                    case 'N' -> assertEquals(S3SiteThumbnails.NUCLEUS_OUTLINE, rgb, at);
                    case 'C' -> assertEquals(S3SiteThumbnails.CELL_OUTLINE, rgb, at);
                    default -> assertTrue((rgb >> 16) == (rgb & 0xFF) && (rgb >> 8 & 0xFF) == (rgb & 0xFF),
                        at + " stays grey: " + Integer.toHexString(rgb));
                }
            }
        }
    }

    @Test
    void outlinesAreDrawnOnTheBlocksHoldingFullResolutionOutlinePixels() throws Exception {
        final byte[] png = S3SiteThumbnails.thumbnail(ramp(), "ramp.tif", 10,
            LabelImagePng.decode(labelPng(NUCLEI, W, H), "nuclei"), LabelImagePng.decode(labelPng(CELLS, W, H), "cells"));
        final BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(10, img.getWidth());
        assertEquals(5, img.getHeight());
        assertOutlines(EXPECTED, img);
        // grey under the outlines is the plain thumbnail's
        final BufferedImage plain = ImageIO.read(new ByteArrayInputStream(S3SiteThumbnails.thumbnail(ramp(), "r", 10)));
        assertEquals(1, plain.getRaster().getNumBands());
        assertEquals(plain.getRaster().getSample(9, 4, 0), img.getRGB(9, 4) & 0xFF);
        assertEquals(plain.getRaster().getSample(5, 1, 0), img.getRGB(5, 1) & 0xFF);
    }

    @Test
    void atFullSizeOutlinesArePixelExact() throws Exception {
        final BufferedImage img = ImageIO.read(new ByteArrayInputStream(S3SiteThumbnails.thumbnail(ramp(), "r", 256,
            LabelImagePng.decode(labelPng(NUCLEI, W, H), "nuclei"), null)));
        assertEquals(W, img.getWidth());
        int outlined = 0;
        for (int i = 0; i < W * H; i++) {
            final boolean drawn = (img.getRGB(i % W, i / W) & 0xFFFFFF) == S3SiteThumbnails.NUCLEUS_OUTLINE;
            assertEquals(io.phenostream.common.image.LabelOutlines.isOutline(NUCLEI, i, W, H), drawn, "pixel " + i);
            outlined += drawn ? 1 : 0;
        }
        assertEquals(20 + 8, outlined, "a 6 x 6 ring and a 3 x 3 ring without its centre");
    }

    @Test
    void rendersFromObjectStorageWithOrWithoutOutlines() throws Exception {
        final Map<String, byte[]> objects = new HashMap<>();
        objects.put("b/img", ramp());
        objects.put("b/m.nuclei.png", labelPng(NUCLEI, W, H));
        objects.put("b/m.cells.png", labelPng(CELLS, W, H));
        final List<String> fetched = new java.util.ArrayList<>();
        final S3SiteThumbnails thumbnails = new S3SiteThumbnails((bucket, key) -> {
            fetched.add(bucket + "/" + key);
            return objects.get(bucket + "/" + key);
        });
        final ImageRef image = new ImageRef("DNA", "b", "img", "sha-img", 1, "img.tif");
        final Map<String, String> masks = Map.of("nuclei", "s3://b/m.nuclei.png", "cells", "s3://b/m.cells.png");

        assertOutlines(EXPECTED, ImageIO.read(new ByteArrayInputStream(thumbnails.render(image, masks, 10, true))));
        final BufferedImage off = ImageIO.read(new ByteArrayInputStream(thumbnails.render(image, masks, 10, false)));
        assertEquals(1, off.getRaster().getNumBands(), "outlines off: the grey PNG");
        final BufferedImage none = ImageIO.read(new ByteArrayInputStream(thumbnails.render(image, Map.of(), 10, true)));
        assertEquals(1, none.getRaster().getNumBands(), "no masks: the grey PNG");
        assertEquals(List.of("b/img", "b/m.nuclei.png", "b/m.cells.png", "b/img"), fetched,
            "outlined and grey thumbnails are cached apart; the grey one once for both requests");
        thumbnails.render(image, masks, 10, true);
        assertEquals(4, fetched.size(), "cached");
    }

    @Test
    void rendersOutlinesFromTheOneObjectHoldingNucleiOverCells() throws Exception {
        // what the extractor writes now: one PNG of 2H rows, nucleus labels above cell labels
        final int[] stacked = new int[2 * W * H];
        System.arraycopy(NUCLEI, 0, stacked, 0, W * H);
        System.arraycopy(CELLS, 0, stacked, W * H, W * H);
        final Map<String, byte[]> objects = Map.of("b/img", ramp(), "b/m.nuclei-over-cells.png",
            labelPng(stacked, W, 2 * H));
        final List<String> fetched = new java.util.ArrayList<>();
        final S3SiteThumbnails thumbnails = new S3SiteThumbnails((bucket, key) -> {
            fetched.add(bucket + "/" + key);
            return objects.get(bucket + "/" + key);
        });
        final ImageRef image = new ImageRef("DNA", "b", "img", "sha-img", 1, "img.tif");

        assertOutlines(EXPECTED, ImageIO.read(new ByteArrayInputStream(thumbnails.render(image,
            Map.of(SiteFeatures.NUCLEI_OVER_CELLS_MASK, "s3://b/m.nuclei-over-cells.png"), 10, true))));
        assertEquals(List.of("b/img", "b/m.nuclei-over-cells.png"), fetched, "one GET for both label images");
    }

    @Test
    void refusesMasksOfAnotherSize() throws Exception {
        final LabelImagePng small = LabelImagePng.decode(labelPng(new int[4], 2, 2), "small");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> S3SiteThumbnails.thumbnail(ramp(), "ramp.tif", 10, small, null));
        assertTrue(e.getMessage().contains("2x2") && e.getMessage().contains("30x15"), e.getMessage());
    }
}
