package io.phenostream.sink.api;

import io.phenostream.common.events.ImageRef;
import java.util.Map;

/**
 * Renders the PNG thumbnail of one channel image of a site for the well page. Implementations fetch the image
 * named by the site's lineage (bucket, key) and, for outlines, the site's label images from object storage.
 */
public interface SiteThumbnails {

    /**
     * @param image    the channel image (S3 bucket and key, sha256)
     * @param masks    the site's label images, role ({@code nuclei}, {@code cells}) -> {@code s3://} URI; empty
     *                 when the analysis stored none
     * @param size     longest side of the thumbnail in pixels
     * @param outlines draw the segmentation outlines of {@code masks} (nothing to draw without masks)
     * @return PNG bytes
     */
    byte[] render(ImageRef image, Map<String, String> masks, int size, boolean outlines);
}
