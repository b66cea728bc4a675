package io.phenostream.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of this process, split by the Java threads that spent it (grouped by thread-name prefix), at one
 * moment; {@link #since} says where a pass's CPU went. Time not on any Java thread (GC, JIT, libtorch's
 * own native worker threads) is the process total minus the threads'.
 */
record CpuTimes(Map<String, Long> byGroup, long processNanos, Map<Long, Long> byThread) {

    static final String ANALYSIS = "worker analysis pool";
    static final String IO = "worker I/O pool (S3 GET, Parquet PUT)";
    static final String EMBEDDER = "worker embedder thread";
    static final String BARE = "bare loop threads";
    static final String OTHER = "other Java threads (S3Proxy, Kafka broker + clients, harness)";
    static final String NATIVE = "not on a Java thread (GC, JIT, libtorch threads)";
    static final List<String> GROUPS = List.of(ANALYSIS, IO, EMBEDDER, BARE, OTHER, NATIVE);

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The process's CPU time and each live thread's; {@code byGroup} is empty until {@link #since}. */
    static CpuTimes take() {
        final Map<Long, Long> threads = new HashMap<>();
        for (final long id : THREADS.getAllThreadIds()) {
            final long cpu = THREADS.getThreadCpuTime(id);
            if (cpu >= 0) {
                threads.put(id, cpu);
            }
        }
        final long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
        return new CpuTimes(Map.of(), process, threads);
    }

    /**
     * CPU spent between {@code earlier} and now, by thread group. A thread that started meanwhile counts from
     * zero; one that ended meanwhile is lost to its group and shows up under {@link #NATIVE} (keep pools alive
     * across a measurement).
     */
    static CpuTimes since(final CpuTimes earlier) {
        final CpuTimes now = take();
        final Map<String, Long> groups = new LinkedHashMap<>();
        GROUPS.forEach(g -> groups.put(g, 0L));
        long threads = 0;
        for (final Map.Entry<Long, Long> t : now.byThread.entrySet()) {
            final ThreadInfo info = THREADS.getThreadInfo(t.getKey());
            if (info == null) {
                continue;
            }
            final long cpu = t.getValue() - earlier.byThread.getOrDefault(t.getKey(), 0L);
            groups.merge(group(info.getThreadName()), cpu, Long::sum);
            threads += cpu;
        }
        final long process = now.processNanos - earlier.processNanos;
        groups.put(NATIVE, process - threads);
        return new CpuTimes(groups, process, Map.of());
    }

    private static String group(final String thread) {
        if (thread.startsWith("extractor-cpu-")) {
            return ANALYSIS;
        }
        if (thread.startsWith("extractor-io-")) {
            return IO;
        }
        if (thread.startsWith("embedder-")) {
            return EMBEDDER;
        }
        if (thread.startsWith("bare-site-loop")) {
            return BARE;
        }
        return OTHER;
    }

    /** Sum of two measured intervals (results of {@code since}). */
    CpuTimes plus(final CpuTimes other) {
        final Map<String, Long> sum = new LinkedHashMap<>();
        GROUPS.forEach(g -> sum.put(g, byGroup.getOrDefault(g, 0L) + other.byGroup.getOrDefault(g, 0L)));
        return new CpuTimes(sum, processNanos + other.processNanos, Map.of());
    }

    static CpuTimes zero() {
        final Map<String, Long> groups = new LinkedHashMap<>();
        GROUPS.forEach(g -> groups.put(g, 0L));
        return new CpuTimes(groups, 0, Map.of());
    }
}
