package io.phenostream.cli;

import io.phenostream.scorer.stats.MeanAveragePrecision;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * What this JVM holds at one moment, for leak checks: heap used after a full GC, live threads (counted by name,
 * digits folded, so a diff names what grew), open file descriptors, and a class histogram of the live heap.
 */
final class JvmFootprint {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final Path FDS = Path.of("/proc/self/fd");
    private static final double MB = 1024.0 * 1024.0;
    /** Two full GCs in a row that agree to within this are taken as the live heap. */
    private static final long STABLE_BYTES = 256 * 1024;
    /** Size of Yammer's default (exponentially decaying) histogram reservoir. */
    static final int YAMMER_RESERVOIR = 1028;
    private static final Pattern HISTOGRAM_ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    private JvmFootprint() {
    }

    /**
     * A footprint sample; {@code fds} is -1 where {@code /proc} is absent (not Linux). {@code boundedCacheBytes}:
     * what bounded caches held at the sample (included in {@code heapAfterGcBytes}).
     */
    record Sample(long heapAfterGcBytes, long boundedCacheBytes, int threads, int fds,
                  Map<String, Integer> threadsByName) {
        double heapMb() {
            return heapAfterGcBytes / MB;
        }

        /** Heap after GC less the bounded caches: what must not grow. */
        double netHeapMb() {
            return (heapAfterGcBytes - boundedCacheBytes) / MB;
        }
    }

    /**
     * Samples the JVM. The broker's metric reservoirs are emptied first and the scorer's cache of mAP null
     * distributions is reported as a bounded cache: both are bounded by design (1028 samples per broker histogram,
     * 128 nulls of 80 KB) and fill over the first tens of plates, which would hide a real leak of the same size.
     */
    static Sample take() throws InterruptedException {
        clearBrokerHistograms();
        final long heap = heapAfterFullGc();
        return new Sample(heap, MeanAveragePrecision.cachedNullBytes(), liveThreads(),
            openFileDescriptors(), threadsByName());
    }

    /**
     * Heap used after a full GC: {@code System.gc()} (a full, stop-the-world collection with G1 unless
     * {@code -XX:+ExplicitGCInvokesConcurrent}) repeated until two readings agree, as finalizers and reference
     * processing can free more on the second pass. At most 8 passes.
     */
    static long heapAfterFullGc() throws InterruptedException {
        long previous = Long.MAX_VALUE;
        long used = 0;
        for (int i = 0; i < 8; i++) {
            System.gc();
            Thread.sleep(50);
            used = MEMORY.getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < STABLE_BYTES) {
                break;
            }
            previous = used;
        }
        return used;
    }

    static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Live threads per name with runs of digits replaced by {@code #}: "kafka-producer-network-thread | #". */
    static Map<String, Integer> threadsByName() {
        final Map<String, Integer> out = new TreeMap<>();
        for (final Thread t : Thread.getAllStackTraces().keySet()) {
            out.merge(t.getName().replaceAll("\\d+", "#"), 1, Integer::sum);
        }
        return out;
    }

    /** Entries of {@code /proc/self/fd}; -1 off Linux. */
    static int openFileDescriptors() {
        if (!Files.isDirectory(FDS)) {
            return -1;
        }
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(FDS)) {
            for (final Path ignored : fds) {
                n++;
            }
        } catch (final IOException e) {
            return -1;
        }
        return n - 1; // the directory stream's own descriptor
    }

    /**
     * Live-object histogram (HotSpot's {@code GC.class_histogram}, which runs a full GC first): class name to
     * {instances, bytes}. Empty where the diagnostic command is unavailable.
     */
    static Map<String, long[]> classHistogram() {
        final Map<String, long[]> out = new HashMap<>();
        try {
            final String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
            for (final String line : text.split("\n")) {
                final Matcher m = HISTOGRAM_ROW.matcher(line);
                if (m.find()) {
                    out.merge(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))},
                        (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
                }
            }
        } catch (final Exception | LinkageError e) {
            return Map.of();
        }
        return out;
    }

    /**
     * Empties the embedded broker's Yammer histograms and timers (see {@link #brokerHistogramSamples()}): the
     * broker's own bounded metrics, which in production live in the broker's JVM, not the services'.
     */
    static void clearBrokerHistograms() {
        for (final com.yammer.metrics.core.Metric m
            : org.apache.kafka.server.metrics.KafkaYammerMetrics.defaultRegistry().allMetrics().values()) {
            if (m instanceof com.yammer.metrics.core.Histogram h) {
                h.clear();
            } else if (m instanceof com.yammer.metrics.core.Timer t) {
                t.clear();
            }
        }
    }

    /**
     * Samples held by the embedded broker's Yammer histograms and timers (request and log-flush timings): each keeps an
     * exponentially decaying reservoir of up to {@value #YAMMER_RESERVOIR} samples in a {@code ConcurrentSkipListMap}
     * keyed by {@code Double}, so the live heap rises until every histogram in use is full, then stays.
     */
    static long brokerHistogramSamples() {
        long n = 0;
        for (final com.yammer.metrics.core.Metric m
            : org.apache.kafka.server.metrics.KafkaYammerMetrics.defaultRegistry().allMetrics().values()) {
            if (m instanceof com.yammer.metrics.core.Histogram h) {
                n += Math.min(h.count(), YAMMER_RESERVOIR);
            } else if (m instanceof com.yammer.metrics.core.Timer t) {
                n += Math.min(t.count(), YAMMER_RESERVOIR);
            }
        }
        return n;
    }

    /** The {@code n} classes whose live bytes grew most from {@code before} to {@code after}, one per line. */
    static String histogramGrowth(final Map<String, long[]> before, final Map<String, long[]> after, final int n) {
        final StringBuilder sb = new StringBuilder();
        after.entrySet().stream()
            .map(e -> {
                final long[] b = before.getOrDefault(e.getKey(), new long[2]);
                return Map.entry(e.getKey(), new long[] {e.getValue()[0] - b[0], e.getValue()[1] - b[1]});
            })
            .sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]))
            .limit(n)
            .forEach(e -> sb.append(String.format(Locale.ROOT, "  %+10d B %+8d instances  %s%n",
                e.getValue()[1], e.getValue()[0], e.getKey())));
        return sb.toString();
    }
}
