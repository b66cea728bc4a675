package io.phenostream.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The scorer's Kafka Streams thread metrics, read from JMX (Kafka registers them there by default). The scorer has
 * no Micrometer timers of its own; these are Kafka's: windowed averages over its recent samples (about the last
 * minute), so read at the end of a burst they describe the burst's end. Averaged over the Streams threads.
 */
final class StreamsMetrics {

    /** Attribute -> what it means, in report order. */
    static final Map<String, String> ATTRIBUTES = attributes();

    private StreamsMetrics() {
    }

    private static Map<String, String> attributes() {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put("process-latency-avg", "ms per process call (records through the topology)");
        m.put("process-rate", "process calls per second");
        m.put("punctuate-latency-avg", "ms per punctuation (partial plate results recomputed)");
        m.put("commit-latency-avg", "ms per commit");
        m.put("poll-latency-avg", "ms per consumer poll");
        m.put("process-ratio", "share of the thread's time processing");
        m.put("punctuate-ratio", "share punctuating");
        m.put("commit-ratio", "share committing");
        m.put("poll-ratio", "share polling (waiting for records)");
        return m;
    }

    /** Attribute -> mean over the Streams threads; an attribute no thread has is left out. */
    static Map<String, Double> read() {
        final Map<String, Double> out = new LinkedHashMap<>();
        try {
            final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            final Set<ObjectName> names = server.queryNames(
                new ObjectName("kafka.streams:type=stream-thread-metrics,*"), null);
            for (final String attribute : ATTRIBUTES.keySet()) {
                double sum = 0;
                int n = 0;
                for (final ObjectName name : List.copyOf(names)) {
                    try {
                        final Object v = server.getAttribute(name, attribute);
                        if (v instanceof Number number && Double.isFinite(number.doubleValue())) {
                            sum += number.doubleValue();
                            n++;
                        }
                    } catch (final Exception e) {
                        // this thread has no such attribute
                    }
                }
                if (n > 0) {
                    out.put(attribute, sum / n);
                }
            }
        } catch (final Exception e) {
            // no JMX or no Streams: the report says the metrics are missing
        }
        return out;
    }
}
