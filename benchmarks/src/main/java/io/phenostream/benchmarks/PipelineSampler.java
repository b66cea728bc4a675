package io.phenostream.benchmarks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples the running pipeline every {@link #TICK_MS} ms on a thread of its own: heap used and the JVM's resident
 * set (peaks since the last {@link #resetPeaks}), the CPU of every Java thread (for {@link ThreadCpuTracker}), the
 * embedded PostgreSQL's memory, and, while recording, the live extractor's sites and cells done (for the
 * steady-state rate of a burst).
 */
final class PipelineSampler implements AutoCloseable {

    static final long TICK_MS = 100;
    static final String SITES = "phenostream.extractor.sites";
    static final String CELLS = "phenostream.extractor.cells";

    /** Peaks over an interval, bytes (-1 where unknown). */
    record Peaks(long heapUsed, long jvmRss, long postgresPss) {
    }

    /** Sites and cells the live extractor had finished at one moment. */
    record Progress(long nanos, double sites, double cells) {
    }

    /** Garbage collections and their time (summed over the collectors), cumulative. */
    record Gc(long collections, long millis) {
        Gc minus(final Gc earlier) {
            return new Gc(collections - earlier.collections, millis - earlier.millis);
        }
    }

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private final ThreadCpuTracker cpu;
    private final MeterRegistry registry;
    private final Thread thread;
    private volatile Path postgresData;
    private volatile boolean running = true;
    private long heapPeak;
    private long rssPeak;
    private long pgPeak;
    private List<Progress> recording;

    PipelineSampler(final ThreadCpuTracker cpu, final MeterRegistry registry) {
        this.cpu = cpu;
        this.registry = registry;
        this.thread = new Thread(this::run, "bench-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /** Where the running pipeline's PostgreSQL keeps its data (its processes are found by it); null = none. */
    void postgresData(final Path dataRoot) {
        this.postgresData = dataRoot;
    }

    synchronized void resetPeaks() {
        heapPeak = 0;
        rssPeak = 0;
        pgPeak = 0;
    }

    synchronized Peaks peaks() {
        return new Peaks(heapPeak, rssPeak, pgPeak);
    }

    synchronized void startRecording() {
        recording = new ArrayList<>();
        recording.add(progress());
    }

    synchronized List<Progress> stopRecording() {
        final List<Progress> out = recording;
        out.add(progress());
        recording = null;
        return out;
    }

    static Gc gc() {
        long n = 0;
        long ms = 0;
        for (final GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, b.getCollectionCount());
            ms += Math.max(0, b.getCollectionTime());
        }
        return new Gc(n, ms);
    }

    private Progress progress() {
        return new Progress(System.nanoTime(), count(SITES, true), count(CELLS, false));
    }

    private double count(final String name, final boolean ok) {
        final var search = registry.find(name).tag("lane", "live");
        final Counter c = (ok ? search.tag("status", "ok") : search).counter();
        return c == null ? 0 : c.count();
    }

    private void run() {
        long tick = 0;
        while (running) {
            try {
                sampleOnce(tick++);
                Thread.sleep(TICK_MS);
            } catch (final InterruptedException e) {
                return;
            } catch (final RuntimeException e) {
                // a sample that failed (a meter or process that went away) is skipped, not fatal
            }
        }
    }

    private void sampleOnce(final long tick) {
        final long heap = MEMORY.getHeapMemoryUsage().getUsed();
        final long rss = ProcFs.jvmRss().current();
        if (tick % 2 == 0) {
            cpu.sample();
        }
        final Path pg = postgresData;
        final long pss = pg != null && tick % 10 == 0 ? ProcFs.postgres(pg).pssBytes() : 0;
        synchronized (this) {
            heapPeak = Math.max(heapPeak, heap);
            rssPeak = Math.max(rssPeak, rss);
            pgPeak = Math.max(pgPeak, pss);
            if (recording != null) {
                recording.add(progress());
            }
        }
    }

    /**
     * The steady-state rate of a burst from its progress samples: sites (or cells) finished between the moment 10 %
     * of the burst's sites were done and the moment 90 % were, over that time, so the pipeline's fill and drain are
     * left out. Returns {sites/s, cells/s}; NaN when the samples are too few.
     */
    static double[] steadyRate(final List<Progress> samples, final long totalSites) {
        if (samples.size() < 3 || totalSites < 10) {
            return new double[] {Double.NaN, Double.NaN};
        }
        final double base = samples.get(0).sites();
        Progress from = null;
        Progress to = null;
        for (final Progress p : samples) {
            final double done = p.sites() - base;
            if (from == null && done >= 0.1 * totalSites) {
                from = p;
            }
            if (to == null && done >= 0.9 * totalSites) {
                to = p;
            }
        }
        if (from == null || to == null || to.nanos() <= from.nanos()) {
            return new double[] {Double.NaN, Double.NaN};
        }
        final double seconds = (to.nanos() - from.nanos()) / 1e9;
        return new double[] {(to.sites() - from.sites()) / seconds, (to.cells() - from.cells()) / seconds};
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
