package io.phenostream.scorer.query;

/**
 * A scorer store cannot answer yet: the Streams client is starting or rebalancing, or the store is restoring from
 * its changelog, so its contents would be missing or stale. Retrying shortly is the right response (an HTTP layer
 * maps it to 503 with Retry-After).
 */
public class ScorerNotReadyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String store;

    public ScorerNotReadyException(final String store, final String reason) {
        super("Store " + store + " is not queryable yet: " + reason);
        this.store = store;
    }

    public ScorerNotReadyException(final String store, final String reason, final Throwable cause) {
        super("Store " + store + " is not queryable yet: " + reason, cause);
        this.store = store;
    }

    /** The store that could not be read. */
    public String store() {
        return store;
    }
}
