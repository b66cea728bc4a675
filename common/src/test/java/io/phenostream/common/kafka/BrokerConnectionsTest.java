package io.phenostream.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.Metrics;
import org.junit.jupiter.api.Test;

/** Connections are read from the clients' own connection-count metrics, per client if asked. */
class BrokerConnectionsTest {

    @Test
    void sumsConnectionCountsOfTheNamedClientsOnly() {
        try (Metrics metrics = new Metrics()) {
            final AtomicInteger main = new AtomicInteger(2);
            final AtomicInteger restore = new AtomicInteger(1);
            metrics.addMetric(metrics.metricName("connection-count", "consumer-metrics", "",
                Map.of("client-id", "app-StreamThread-1-consumer")), (Gauge<Integer>) (c, now) -> main.get());
            metrics.addMetric(metrics.metricName("connection-count", "consumer-metrics", "",
                Map.of("client-id", "app-StreamThread-1-restore-consumer")), (Gauge<Integer>) (c, now) -> restore.get());
            metrics.addMetric(metrics.metricName("connection-creation-total", "consumer-metrics", "",
                Map.of("client-id", "app-StreamThread-1-consumer")), (Gauge<Integer>) (c, now) -> 40);

            assertEquals(3, BrokerConnections.count(metrics.metrics()));
            assertEquals(2, BrokerConnections.count(metrics.metrics(), id -> id.endsWith("-1-consumer")));
            main.set(0);
            assertEquals(0, BrokerConnections.count(metrics.metrics(), id -> id.endsWith("-1-consumer")),
                "broker away: the polling consumer has no connection");
            assertEquals(1, BrokerConnections.count(metrics.metrics()), "the idle one still counts its dead one");
        }
    }
}
