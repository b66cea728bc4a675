package io.phenostream.extractor.analysis;

/** A channel image of a site could not be used: missing, undecodable, too small or of another size. */
public class ImageDecodeException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String channel;

    public ImageDecodeException(final String channel, final String reason) {
        super("channel '" + channel + "': " + reason);
        this.channel = channel;
    }

    /** The channel whose image was rejected. */
    public String channel() {
        return channel;
    }
}
