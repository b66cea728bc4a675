package io.phenostream.extractor.analysis;

import java.util.Arrays;

/**
 * Seeded watershed by flooding (Meyer): seeds grow over a relief, lowest pixels first, each pixel taking the
 * label of the neighbour that reached it; growth is limited to the {@code allowed} pixels.
 *
 * <p>Not OpenCV's {@code watershed}: that one orders pixels by the colour difference to their neighbour (an edge
 * map), not by the relief's height, so on a distance map it degenerates to near-breadth-first growth and puts
 * the split between touching nuclei anywhere. This is a bucket queue over 8-connected pixels, O(pixels).
 */
final class MarkerWatershed {

    private static final int LEVELS = 1024;
    private static final int[] DX = {-1, 0, 1, -1, 1, -1, 0, 1};
    private static final int[] DY = {-1, -1, -1, 0, 0, 1, 1, 1};

    private MarkerWatershed() {
    }

    /**
     * @param relief  height of each pixel (row-major); basins are low
     * @param labels  seeds (> 0) on input, seeds grown over {@code allowed} pixels on output; others left 0
     * @param allowed nonzero where growth may go
     */
    static void flood(final float[] relief, final int[] labels, final byte[] allowed, final int width,
                      final int height) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < relief.length; i++) {
            if (allowed[i] != 0) {
                min = Math.min(min, relief[i]);
                max = Math.max(max, relief[i]);
            }
        }
        if (min > max) {
            return;
        }
        final double scale = max > min ? (LEVELS - 1) / (double) (max - min) : 0;
        final BucketQueue queue = new BucketQueue(LEVELS);
        final boolean[] queued = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] > 0) {
                queued[i] = true;
                queue.push(0, i);
            }
        }
        while (!queue.isEmpty()) {
            final int level = queue.level();
            final int p = queue.pop();
            final int x = p % width;
            final int y = p / width;
            for (int k = 0; k < 8; k++) {
                final int xx = x + DX[k];
                final int yy = y + DY[k];
                if (xx < 0 || yy < 0 || xx >= width || yy >= height) {
                    continue;
                }
                final int q = yy * width + xx;
                if (queued[q] || allowed[q] == 0) {
                    continue;
                }
                queued[q] = true;
                labels[q] = labels[p];
                // Never below the level being flooded: a pixel reached downhill joins the current level.
                queue.push(Math.max(level, (int) ((relief[q] - min) * scale)), q);
            }
        }
    }

    /** FIFO per level, levels served lowest first; pushes below the current level are not expected. */
    private static final class BucketQueue {
        private final int[][] items;
        private final int[] head;
        private final int[] tail;
        private int current;
        private int size;

        BucketQueue(final int levels) {
            items = new int[levels][];
            head = new int[levels];
            tail = new int[levels];
        }

        void push(final int level, final int item) {
            int[] bucket = items[level];
            if (bucket == null) {
                bucket = new int[64];
                items[level] = bucket;
            } else if (tail[level] == bucket.length) {
                bucket = Arrays.copyOf(bucket, bucket.length * 2);
                items[level] = bucket;
            }
            bucket[tail[level]++] = item;
            size++;
            current = Math.min(current, level);
        }

        boolean isEmpty() {
            return size == 0;
        }

        /** Level of the next item; call only when not empty. */
        int level() {
            while (head[current] == tail[current]) {
                current++;
            }
            return current;
        }

        int pop() {
            final int level = level();
            size--;
            return items[level][head[level]++];
        }
    }
}
