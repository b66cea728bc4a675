package io.phenostream.common.kafka;

import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Whether a Kafka client is connected to any broker, read from the client's own metrics ({@code connection-count}
 * of its network layer), so a readiness check can say "Kafka unreachable" without a request of its own. A consumer
 * that polls keeps a connection to its partitions' leaders and its group coordinator, so none at all means the
 * brokers are away. Reading metrics is safe from any thread, also while another thread is in {@code poll}.
 *
 * <p>A connection attempt in progress counts as a connection: where attempts fail at once (broker process down,
 * connection refused) the count drops to 0 within the client's reconnect backoff; where they hang (host gone,
 * packets dropped) it drops only after {@code socket.connection.setup.timeout.ms}.
 */
public final class BrokerConnections {

    static final String CONNECTION_COUNT = "connection-count";

    private BrokerConnections() {
    }

    /** Open (or opening) connections of the clients whose metrics these are; metrics of other kinds are ignored. */
    public static int count(final Map<MetricName, ? extends Metric> metrics) {
        return count(metrics, clientId -> true);
    }

    /**
     * As {@link #count(Map)}, over the clients whose {@code client-id} passes {@code clients}. Only a client that
     * polls notices that a broker closed its connections: an idle one (e.g. a Kafka Streams restore consumer)
     * still counts its dead connections, so a caller holding several clients names the ones that poll.
     */
    public static int count(final Map<MetricName, ? extends Metric> metrics, final Predicate<String> clients) {
        int n = 0;
        for (final Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            final MetricName name = e.getKey();
            // consumer-metrics, producer-metrics, admin-client-metrics: one per client, summed over its nodes
            if (CONNECTION_COUNT.equals(name.name()) && name.group().endsWith("-metrics")
                && clients.test(name.tags().getOrDefault("client-id", ""))
                && e.getValue().metricValue() instanceof Number v) {
                n += v.intValue();
            }
        }
        return n;
    }
}
