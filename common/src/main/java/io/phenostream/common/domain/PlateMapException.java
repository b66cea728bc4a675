package io.phenostream.common.domain;

/** A plate map that cannot be used; the message names the file, the line and the offending value. */
public class PlateMapException extends RuntimeException {

    private final String source;
    private final int line;

    public PlateMapException(final String source, final int line, final String message) {
        super(source + (line > 0 ? ":" + line : "") + ": " + message);
        this.source = source;
        this.line = line;
    }

    public String source() {
        return source;
    }

    /** 1-based line number in the file, or 0 when the problem concerns the whole file. */
    public int line() {
        return line;
    }
}
