package io.phenostream.sink;

/** Writes one poll's result events atomically (the seam between the Kafka loop and the database). */
@FunctionalInterface
public interface BatchWriter {

    /**
     * Writes every event of the batch, or none.
     *
     * @throws ResultsStoreException when nothing was written
     */
    void write(Batch batch);
}
