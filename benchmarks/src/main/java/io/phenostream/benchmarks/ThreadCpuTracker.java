package io.phenostream.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of this process by pipeline stage, from the names of the Java threads that spent it. Threads are
 * sampled periodically and remembered after they end, so short-lived pools (the ingest's upload threads live for
 * one plate) keep their CPU up to their last sample. The JVM's own garbage collector and JIT compiler threads are
 * not Java threads; they are read from {@code /proc/self/task} by their names. What is left of the process total
 * (OpenCV's and libtorch's native thread pools, the VM thread) is {@link #NATIVE}.
 */
final class ThreadCpuTracker {

    static final String INGEST = "ingest (caller: validate, digest, publish; upload threads)";
    static final String ANALYSIS = "extractor analysis pool (decode, segment, features, QC, crops)";
    static final String IO = "extractor I/O pool (S3 GET + sha256, Parquet + masks PUT)";
    static final String EMBED = "extractor embedder (hand-off, batching, inference)";
    static final String POLL = "extractor poll loop (Kafka consume, commit)";
    static final String SCORER = "scorer (Kafka Streams threads)";
    static final String SINK = "results sink thread (decode, PostgreSQL writes)";
    static final String BROKER = "embedded Kafka broker";
    static final String CLIENTS = "Kafka client network threads";
    static final String S3 = "embedded S3 server (Jetty) and S3 client threads";
    static final String HARNESS = "harness (samplers, result polling)";
    static final String OTHER = "other Java threads";
    static final String GC = "JVM garbage collector threads";
    static final String JIT = "JVM JIT compiler threads";
    static final String NATIVE = "other native threads (OpenCV, libtorch, JVM internals)";
    static final List<String> GROUPS = List.of(INGEST, ANALYSIS, IO, EMBED, POLL, SCORER, SINK, BROKER, CLIENTS, S3,
        HARNESS, OTHER, GC, JIT, NATIVE);
    private static final Path TASKS = Path.of("/proc/self/task");
    /** Clock ticks per second of /proc's CPU fields; 100 on every mainstream Linux build. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    /** CPU by group, cumulative since the tracker started; {@link #minus} gives an interval's. */
    record Totals(Map<String, Long> byGroup, long processNanos, Map<String, Long> otherByName) {

        Totals minus(final Totals earlier) {
            final Map<String, Long> diff = new LinkedHashMap<>();
            byGroup.forEach((g, v) -> diff.put(g, v - earlier.byGroup.getOrDefault(g, 0L)));
            final Map<String, Long> others = new HashMap<>();
            otherByName.forEach((n, v) -> others.put(n, v - earlier.otherByName.getOrDefault(n, 0L)));
            return new Totals(diff, processNanos - earlier.processNanos, others);
        }

        long nanos(final String group) {
            return byGroup.getOrDefault(group, 0L);
        }
    }

    private record Seen(String group, String name, long cpuNanos) {
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Map<Long, Seen> threads = new HashMap<>();
    /** OS thread id -> the JVM-internal threads' CPU (GC and JIT groups only). */
    private final Map<Integer, Seen> jvmThreads = new HashMap<>();

    /** Reads every live thread's CPU time; call it often enough that short-lived threads are seen. */
    synchronized void sample() {
        final long[] ids = THREADS.getAllThreadIds();
        final ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            final long cpu = THREADS.getThreadCpuTime(ids[i]);
            if (infos[i] == null || cpu < 0) {
                continue;
            }
            final Seen before = threads.get(ids[i]);
            threads.put(ids[i], new Seen(before != null ? before.group : group(infos[i].getThreadName()),
                infos[i].getThreadName(), cpu));
        }
        sampleJvmThreads();
    }

    /** GC and JIT threads from /proc/self/task/TID/stat: "(name)" and utime + stime. */
    private void sampleJvmThreads() {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (final Path task : tasks) {
                try {
                    final String stat = Files.readString(task.resolve("stat"), StandardCharsets.ISO_8859_1);
                    final String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    final String group = jvmGroup(name);
                    if (group == null) {
                        continue;
                    }
                    final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    final long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    jvmThreads.put(Integer.parseInt(task.getFileName().toString()), new Seen(group, name,
                        ticks * NANOS_PER_TICK));
                } catch (final IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (final IOException | RuntimeException e) {
            // no /proc: GC and JIT stay inside NATIVE
        }
    }

    /** GC or JIT by HotSpot's OS thread names (truncated to 15 characters by Linux), else null. */
    static String jvmGroup(final String osName) {
        if (osName.startsWith("GC Thread") || osName.startsWith("G1 ") || osName.startsWith("GC ")) {
            return GC;
        }
        if (osName.startsWith("C1 CompilerThre") || osName.startsWith("C2 CompilerThre")) {
            return JIT;
        }
        return null;
    }

    /** Samples, then sums every thread ever seen by group; NATIVE is the process's CPU minus all of those. */
    synchronized Totals totals() {
        sample();
        final long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
        final Map<String, Long> groups = new LinkedHashMap<>();
        GROUPS.forEach(g -> groups.put(g, 0L));
        final Map<String, Long> others = new HashMap<>();
        long all = 0;
        for (final Seen s : jvmThreads.values()) {
            groups.merge(s.group, s.cpuNanos, Long::sum);
            all += s.cpuNanos;
        }
        for (final Seen s : threads.values()) {
            groups.merge(s.group, s.cpuNanos, Long::sum);
            all += s.cpuNanos;
            if (OTHER.equals(s.group)) {
                // pool threads differ only by a number: group them by name without digits
                others.merge(s.name.replaceAll("[0-9]+", "#"), s.cpuNanos, Long::sum);
            }
        }
        groups.put(NATIVE, process - all);
        return new Totals(groups, process, others);
    }

    /** The stage a thread works for, from the names the services and servers give their threads. */
    static String group(final String name) {
        if (name.equals("main") || name.startsWith("ingest-")) {
            return INGEST;
        }
        if (name.startsWith("extractor-cpu-")) {
            return ANALYSIS;
        }
        if (name.startsWith("extractor-io-")) {
            return IO;
        }
        if (name.startsWith("extractor-embed-") || name.startsWith("embedder-")) {
            return EMBED;
        }
        if (name.startsWith("feature-extractor-poll")) {
            return POLL;
        }
        if (name.contains("StreamThread") || name.contains("-StateUpdater-") || name.startsWith("phenostream-scorer")) {
            return SCORER;
        }
        if (name.startsWith("results-sink")) {
            return SINK;
        }
        if (name.startsWith("kafka-producer-network-thread") || name.startsWith("kafka-coordinator-heartbeat")
            || name.startsWith("consumer_background_thread") || name.contains("kafka-admin-client")) {
            return CLIENTS;
        }
        if (name.startsWith("qtp") || name.startsWith("sdk-") || name.startsWith("aws-")
            || name.contains("idle-connection-reaper") || name.contains("S3Proxy")) {
            return S3;
        }
        if (name.startsWith("bench-")) {
            return HARNESS;
        }
        if (name.contains("kafka") || name.contains("raft") || name.contains("controller")
            || name.contains("broker") || name.contains("ExpirationReaper") || name.contains("group-coordinator")
            || name.contains("ReplicaFetcher") || name.contains("LogDirFailureHandler") || name.contains("data-plane")
            || name.contains("quorum") || name.contains("metadata") || name.contains("share-coordinator")
            || name.contains("transaction")) {
            return BROKER;
        }
        return OTHER;
    }
}
