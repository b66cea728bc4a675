package io.phenostream.sink.api;

import io.phenostream.common.events.ImageRef;
import java.util.List;
import java.util.Map;

/**
 * What a thumbnail of one site is drawn from: its channel images and its label images by role (empty when the
 * analysis stored none).
 */
public record SiteImagery(List<ImageRef> images, Map<String, String> masks) {

    public SiteImagery {
        images = images == null ? List.of() : List.copyOf(images);
        masks = masks == null ? Map.of() : Map.copyOf(masks);
    }
}
