package io.phenostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.PlateMapParser;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.s3.ObjectStore;
import io.phenostream.common.s3.S3ClientFactory;
import io.phenostream.common.synth.SynthOptions;
import io.phenostream.infra.LocalInfrastructure;
import io.phenostream.ingest.IngestRequest;
import io.phenostream.ingest.IngestResult;
import io.phenostream.ingest.PlateIngestor;
import io.phenostream.ingest.RunPublisher;
import io.phenostream.sink.PlateQcRow;
import io.phenostream.sink.ResultsDatabase;
import io.phenostream.sink.ResultsStore;
import io.phenostream.sink.WellScoreRow;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services as separate JVM processes, started from configuration alone ({@code screen extractor|scorer|sink}
 * with {@code --config}), against a broker, S3 and PostgreSQL: a second extractor process joins mid-plate (the
 * group rebalances while the first is busy), then the first is SIGKILLed, and the plate still finishes with every
 * site counted once. Each process
 * serves {@code /health/live}, {@code /health/ready} and {@code /metrics}, and stops gracefully on SIGTERM.
 */
@Tag("integration")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class SeparateProcessesIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void twoExtractorsOneKilledMidPlateEverySiteOnce(@TempDir final Path tmp) throws Exception {
        final SynthOptions options = SynthCommand.options(96, 2, 160, 23, "SP-P1");
        final Path plateDir = tmp.resolve("plate");
        SynthCommand.generate(options, plateDir);
        final Map<String, Process> processes = new LinkedHashMap<>();
        final Map<String, Integer> ports = new LinkedHashMap<>();
        try (LocalInfrastructure infra = LocalInfrastructure.start(
            PhenoConfig.defaults().with(ConfigKey.DATA_DIR, tmp.resolve("infra").toString()), true)) {
            final PhenoConfig config = infra.config().with(ConfigKey.SCORER_PUNCTUATE_MS, "500")
                .with(ConfigKey.EXTRACTOR_THREADS, "1");
            final Path file = writeConfig(config, tmp.resolve("phenostream.properties"));
            // extractor-2 joins later, mid-plate: its arrival rebalances the group while extractor-1 is busy.
            for (final String name : List.of("extractor-1", "extractor-2", "scorer", "sink")) {
                ports.put(name, freePort());
            }
            for (final String name : List.of("extractor-1", "scorer", "sink")) {
                processes.put(name, start(name, args(name, file), ports.get(name), tmp));
            }
            for (final String name : List.of("extractor-1", "scorer", "sink")) {
                awaitReady(name, ports.get(name), processes.get(name), tmp);
                assertEquals(200, get(ports.get(name), "/health/live").statusCode());
            }

            final IngestResult ingested;
            try (ObjectStore objects = new ObjectStore(S3ClientFactory.create(config), config.require(ConfigKey.S3_BUCKET));
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(RunPublisher.producerConfig(config))) {
                ingested = new PlateIngestor(objects, producer, config).ingest(new IngestRequest(plateDir,
                    PlateMapParser.parse(plateDir.resolve("plate-map.csv"), options.layout()), options.experimentId(),
                    options.plateId(), null, null, null, AnalysisSpec.classicalDefaults()), (a, b, c, d) -> { });
            }
            assertEquals(192, ingested.sites());
            final ResultsStore store = new ResultsStore(ResultsDatabase.dataSource(config));

            final long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            awaitStored(store, options, ingested, 10, deadline);
            processes.put("extractor-2", start("extractor-2", args("extractor-2", file), ports.get("extractor-2"), tmp));
            awaitReady("extractor-2", ports.get("extractor-2"), processes.get("extractor-2"), tmp);
            // Mid-plate: SIGKILL the first extractor once the second works too and many sites are still to do.
            final int before = awaitStored(store, options, ingested, 40, deadline);
            assertTrue(processes.get("extractor-1").isAlive(), "extractor-1 died at the rebalance: see "
                + "target/separate-processes/extractor-1.log");
            processes.get("extractor-1").destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            assertTrue(before < 192, "the kill must land mid-plate, " + before + " sites were already in");

            while (!plateFinal(store, options, ingested)) {
                assertTrue(System.nanoTime() < deadline + Duration.ofMinutes(2).toNanos(),
                    "plate not final after the kill: " + store.plateQc(options.experimentId(), ingested.analysisId()));
                Thread.sleep(500);
            }
            final PlateQcRow qc = store.plateQc(options.experimentId(), ingested.analysisId()).get(0);
            assertEquals(192, qc.sitesSeen(), "every site once");
            assertEquals(0, qc.sitesFailed());
            assertEquals(192, stored(store, options, ingested));
            final List<WellScoreRow> wells = store.wellScores(options.experimentId(), ingested.analysisId());
            assertEquals(96, wells.size());
            final String metrics = get(ports.get("extractor-2"), "/metrics").body();
            assertTrue(metrics.contains("service=\"extractor\""), metrics.substring(0, Math.min(500, metrics.length())));

            // SIGTERM: each remaining service stops on its own, gracefully.
            for (final String name : List.of("extractor-2", "scorer", "sink")) {
                final Process p = processes.get(name);
                p.destroy();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), name + " did not stop within 60 s of SIGTERM");
                final String log = Files.readString(tmp.resolve(name + ".log"));
                assertFalse(log.contains("error while stopping"), name + ":\n" + log);
            }
        } finally {
            processes.values().forEach(Process::destroyForcibly);
            keepLogs(tmp, processes.keySet());
        }
    }

    /** The processes' logs as test artifacts: target/separate-processes/NAME.log. */
    private static void keepLogs(final Path tmp, final Iterable<String> names) throws IOException {
        final Path dir = Files.createDirectories(Path.of("target", "separate-processes"));
        for (final String name : names) {
            final Path log = tmp.resolve(name + ".log");
            if (Files.exists(log)) {
                Files.copy(log, dir.resolve(name + ".log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static List<String> args(final String name, final Path file) {
        final List<String> args = new ArrayList<>(List.of(name.startsWith("extractor") ? "extractor" : name,
            "--config", file.toString()));
        if (name.startsWith("extractor")) {
            args.addAll(List.of("--client-id", name));
        }
        return args;
    }

    private static int awaitStored(final ResultsStore store, final SynthOptions options, final IngestResult ingested,
                                   final int atLeast, final long deadline) throws InterruptedException {
        int n;
        while ((n = stored(store, options, ingested)) < atLeast) {
            assertTrue(System.nanoTime() < deadline, n + " sites processed, waiting for " + atLeast
                + ": see target/separate-processes/*.log");
            Thread.sleep(200);
        }
        return n;
    }

    private static int stored(final ResultsStore store, final SynthOptions options, final IngestResult ingested) {
        return store.sitesStored(options.experimentId(), ingested.analysisId()).values().stream()
            .mapToInt(Integer::intValue).sum();
    }

    private static boolean plateFinal(final ResultsStore store, final SynthOptions options,
                                      final IngestResult ingested) {
        return store.plateQc(options.experimentId(), ingested.analysisId()).stream()
            .anyMatch(q -> "FINAL".equals(q.status()) && q.sitesSeen() == 192)
            && store.isExperimentFinal(options.experimentId(), ingested.analysisId());
    }

    /** Every resolved key, as a deployment's properties file would hold it. */
    private static Path writeConfig(final PhenoConfig config, final Path file) throws IOException {
        final Properties p = new Properties();
        for (final ConfigKey k : ConfigKey.values()) {
            config.get(k).ifPresent(v -> p.setProperty(k.key(), v));
        }
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, "SeparateProcessesIT");
        }
        return file;
    }

    private static Process start(final String name, final List<String> args, final int port, final Path tmp)
        throws IOException {
        final List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dphenostream.management.port=" + port,
            "-Dphenostream.data.dir=" + tmp.resolve("data-" + name)));
        cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
            ScreenCli.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile())
            .start();
    }

    private static void awaitReady(final String name, final int port, final Process p, final Path tmp)
        throws Exception {
        final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError(name + " exited with " + p.exitValue() + ":\n"
                    + Files.readString(tmp.resolve(name + ".log")));
            }
            try {
                if (get(port, "/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (final IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError(name + " not ready within 120 s:\n" + Files.readString(tmp.resolve(name + ".log")));
    }

    private static HttpResponse<String> get(final int port, final String path) throws IOException,
        InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
