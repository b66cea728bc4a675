package io.phenostream.sink.api;

import io.phenostream.common.events.ImageRef;

/**
 * Renders the PNG thumbnail of one channel image of a site for the well page. Implementations fetch the image
 * named by the site's lineage (bucket, key) from object storage.
 */
public interface SiteThumbnails {

    /**
     * @param image    the channel image (S3 bucket and key, sha256)
     * @param all      every channel image of the site (an outline renderer segments on the nuclear channel)
     * @param specJson the analysis spec (extraction parameters), null when unknown
     * @param size     longest side of the thumbnail in pixels
     * @param outlines draw segmentation outlines where the implementation can
     * @return PNG bytes
     */
    byte[] render(ImageRef image, java.util.List<ImageRef> all, String specJson, int size, boolean outlines);
}
