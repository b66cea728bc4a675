package io.phenostream.extractor.embedding;

/** A forward pass failed; the message names the model and the batch it was running. */
public class EmbeddingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EmbeddingException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
