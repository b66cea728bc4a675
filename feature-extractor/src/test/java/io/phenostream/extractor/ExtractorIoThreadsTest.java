package io.phenostream.extractor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import org.junit.jupiter.api.Test;

/** {@code phenostream.extractor.io-threads}: the size of the fetch pool and of the store pool. */
class ExtractorIoThreadsTest {

    @Test
    void defaultsToTheAnalysisThreadsButAtLeastTwo() {
        final PhenoConfig defaults = PhenoConfig.defaults();
        assertEquals(2, FeatureExtractorService.ioThreads(defaults, 1));
        assertEquals(2, FeatureExtractorService.ioThreads(defaults, 2));
        assertEquals(6, FeatureExtractorService.ioThreads(defaults, 6));
    }

    @Test
    void aConfiguredSizeWinsAndANegativeOneIsRefused() {
        assertEquals(5, FeatureExtractorService.ioThreads(PhenoConfig.defaults()
            .with(ConfigKey.EXTRACTOR_IO_THREADS, "5"), 1));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
            FeatureExtractorService.ioThreads(PhenoConfig.defaults().with(ConfigKey.EXTRACTOR_IO_THREADS, "-1"), 2));
        assertEquals("phenostream.extractor.io-threads must be >= 0, got -1", e.getMessage());
    }
}
