package io.phenostream.extractor.embedding;

/** An embedding model could not be loaded: missing files, a bad {@code model.json}, or a sha256 mismatch. */
public class ModelLoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ModelLoadException(final String message) {
        super(message);
    }

    public ModelLoadException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
