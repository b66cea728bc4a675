package io.phenostream.common.events;

/**
 * One channel image of a site in object storage. Keys are content-addressed, so {@code sha256} both names and
 * verifies the bytes; {@code fileName} is the name the instrument gave it (lineage).
 */
public record ImageRef(String channel, String bucket, String key, String sha256, long sizeBytes, String fileName) {

    public String uri() {
        return "s3://" + bucket + "/" + key;
    }
}
