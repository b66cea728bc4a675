package io.phenostream.scorer;

import io.phenostream.scorer.query.ScorerQueries;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;

/**
 * Answers IQv2 requests from a {@link TopologyTestDriver}'s stores (the driver runs one task, partition 0): the
 * same {@code StateStore.query} path, serdes included, that {@code KafkaStreams.query} takes per partition.
 */
final class DriverQueryRunner implements ScorerQueries.QueryRunner {

    private final TopologyTestDriver driver;

    DriverQueryRunner(final TopologyTestDriver driver) {
        this.driver = driver;
    }

    @Override
    public <R> StateQueryResult<R> run(final StateQueryRequest<R> request) {
        final StateStore store = driver.getKeyValueStore(request.getStoreName()); // the scorer's are key-value
        final QueryResult<R> result = store.query(request.getQuery(), PositionBound.unbounded(), new QueryConfig(false));
        final StateQueryResult<R> out = new StateQueryResult<>();
        out.addResult(0, result);
        return out;
    }
}
