package io.phenostream.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.function.Supplier;

/**
 * Micrometer meters of the ingest: files and bytes (uploaded or already stored), failures and retries by stage,
 * sites published, and the latency of each stage (validate, digest, upload, verify, publish).
 */
public final class IngestMetrics {

    public enum Stage { VALIDATE, DIGEST, UPLOAD, VERIFY, PUBLISH }

    private final MeterRegistry registry;

    public IngestMetrics(final MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void stored(final long bytes, final boolean uploaded) {
        final String outcome = uploaded ? "uploaded" : "skipped";
        Counter.builder("phenostream.ingest.files").description("images stored, or skipped as already present")
            .tag("outcome", outcome).register(registry).increment();
        Counter.builder("phenostream.ingest.bytes").description("image bytes stored, or skipped as already present")
            .baseUnit("bytes").tag("outcome", outcome).register(registry).increment(bytes);
    }

    public void sitePublished() {
        Counter.builder("phenostream.ingest.sites.published").register(registry).increment();
    }

    public void failure(final Stage stage) {
        Counter.builder("phenostream.ingest.failures").description("operations that failed after all retries")
            .tag("stage", stage.name().toLowerCase()).register(registry).increment();
    }

    public void retry(final Stage stage) {
        Counter.builder("phenostream.ingest.retries").tag("stage", stage.name().toLowerCase()).register(registry)
            .increment();
    }

    public <T> T time(final Stage stage, final Supplier<T> work) {
        return timer(stage).record(work);
    }

    public Timer timer(final Stage stage) {
        return Timer.builder("phenostream.ingest.stage").description("latency of one ingest stage per image or site")
            .tag("stage", stage.name().toLowerCase()).register(registry);
    }

    /** Count of a counter, 0 when never incremented (reports and tests). */
    public double count(final String name, final String tag, final String value) {
        final Counter c = registry.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }
}
