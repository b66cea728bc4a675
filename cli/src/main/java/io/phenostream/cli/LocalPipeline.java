package io.phenostream.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.common.s3.S3ClientFactory;
import io.phenostream.extractor.ExtractorLane;
import io.phenostream.extractor.FeatureExtractorService;
import io.phenostream.infra.LocalInfrastructure;
import io.phenostream.ingest.IngestRequest;
import io.phenostream.ingest.IngestResult;
import io.phenostream.ingest.PlateIngestor;
import io.phenostream.ingest.RunPublisher;
import io.phenostream.scorer.PhenotypeScorerService;
import io.phenostream.sink.ResultsDatabase;
import io.phenostream.sink.ResultsSinkService;
import io.phenostream.sink.ResultsStore;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode: the embedded infrastructure (for whatever the configuration does not point elsewhere) and the
 * four services in one JVM, talking to each other only through Kafka topics, S3 objects and PostgreSQL.
 */
public final class LocalPipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalPipeline.class);

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final PhenoConfig config;
    private final ResultsStore store;
    private final ObjectStore objects;
    private final Producer<String, byte[]> ingestProducer;
    private final PlateIngestor ingestor;
    private final FeatureExtractorService extractor;
    private final FeatureExtractorService replayExtractor;
    private final PhenotypeScorerService scorer;
    private final ResultsSinkService sink;

    private LocalPipeline(final PhenoConfig base, final boolean fresh) {
        try {
            final LocalInfrastructure infra = LocalInfrastructure.start(base, fresh);
            resources.push(infra);
            this.config = infra.config();
            if (infra.hasNewEmbeddedKafka()) {
                // A newly formatted broker: Streams state from an earlier cluster is stale.
                DemoCommand.deleteTree(java.nio.file.Path.of(config.require(ConfigKey.DATA_DIR)).resolve("streams"));
            }
            final DataSource dataSource = ResultsDatabase.dataSource(config);
            ResultsDatabase.migrate(dataSource);
            // Progress polling (awaitFinal) queries every half second: reuse connections.
            final HikariDataSource pool = ResultsDatabase.pooled(dataSource, "local-results", 2, false);
            resources.push(pool);
            this.store = new ResultsStore(pool);
            this.sink = new ResultsSinkService(config);
            resources.push(sink);
            final Thread sinkThread = new Thread(sink, "results-sink");
            sinkThread.start();
            this.scorer = new PhenotypeScorerService(config).start();
            resources.push(scorer);
            this.extractor = new FeatureExtractorService(config, "extractor-1").start();
            resources.push(extractor);
            // Replays have their own topic, group and thread budget: live plates never queue behind them.
            this.replayExtractor = new FeatureExtractorService(config, "extractor-replay-1", ExtractorLane.REPLAY)
                .start();
            resources.push(replayExtractor);
            this.objects = new ObjectStore(S3ClientFactory.create(config), config.require(ConfigKey.S3_BUCKET));
            resources.push(objects);
            this.ingestProducer = new KafkaProducer<>(RunPublisher.producerConfig(config));
            resources.push(ingestProducer);
            this.ingestor = new PlateIngestor(objects, ingestProducer, config);
        } catch (final RuntimeException e) {
            close();
            throw e;
        }
    }

    public static LocalPipeline start(final PhenoConfig base, final boolean fresh) {
        return new LocalPipeline(base, fresh);
    }

    public PhenoConfig config() {
        return config;
    }

    public ResultsStore store() {
        return store;
    }

    public IngestResult ingest(final IngestRequest request, final PlateIngestor.Progress progress) {
        return ingestor.ingest(request, progress);
    }

    public PlateIngestor ingestor() {
        return ingestor;
    }

    public ObjectStore objects() {
        return objects;
    }

    /**
     * Waits until the ingested run's plate QC is final for its analysis and the experiment's compound scores are
     * final, so result files include this plate (an experiment may hold plates pushed earlier).
     */
    public void awaitFinal(final IngestResult ingested, final Duration timeout, final Runnable onTick)
        throws TimeoutException, InterruptedException {
        final String experiment = ingested.run().experimentId();
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!runIsFinal(ingested)) {
            checkAlive(deadline, "Run " + ingested.run().runKey() + " (analysis " + ingested.analysisId() + ")", timeout);
            onTick.run();
            Thread.sleep(500);
        }
        awaitFinal(experiment, ingested.analysisId(), Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
            onTick);
    }

    private boolean runIsFinal(final IngestResult ingested) {
        return store.plateQc(ingested.run().experimentId(), ingested.analysisId()).stream().anyMatch(q ->
            q.plateId().equals(ingested.run().plateId()) && q.runId().equals(ingested.run().runId())
                && "FINAL".equals(q.status()));
    }

    private void checkAlive(final long deadline, final String what, final Duration timeout) throws TimeoutException {
        if (!extractor.isRunning() || !replayExtractor.isRunning()) {
            throw new IllegalStateException("The feature extractor stopped; see the log above");
        }
        if (System.nanoTime() > deadline) {
            throw new TimeoutException(what + " not final after " + timeout.toSeconds() + " s");
        }
    }

    /** Waits until every plate of the experiment is final for the analysis and its compound scores are stored. */
    public void awaitFinal(final String experimentId, final String analysisId, final Duration timeout,
                           final Runnable onTick) throws TimeoutException, InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!store.isExperimentFinal(experimentId, analysisId)) {
            checkAlive(deadline, "Results of experiment " + experimentId + " (analysis " + analysisId + ")", timeout);
            onTick.run();
            Thread.sleep(500);
        }
    }

    @Override
    public void close() {
        while (!resources.isEmpty()) {
            final AutoCloseable r = resources.pop();
            try {
                r.close();
            } catch (final Exception e) {
                LOG.warn("Error while closing {}: {}", r.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
