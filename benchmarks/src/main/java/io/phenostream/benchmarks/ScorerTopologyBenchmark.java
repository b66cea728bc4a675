package io.phenostream.benchmarks;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.kafka.Topics;
import io.phenostream.scorer.PhenotypeScorerTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The real scorer topology ({@link PhenotypeScorerTopology}, persistent RocksDB stores, JSON serdes, the
 * repartition to the experiment processor) driven by {@link TopologyTestDriver}: no broker, so this is the
 * topology's own CPU cost per record. Input: one synthetic plate ({@link SyntheticScreenRecords}, 2 sites per well,
 * 53 features), serialized once in setup; the outputs are drained (as bytes) after every operation.
 * <ul>
 *   <li>{@code sites}: every site record of the plate piped in, no punctuation (per record: JSON decode, two
 *       store puts; the driver commits after each record);</li>
 *   <li>{@code punctuation}: one re-delivered site, then two wall-clock ticks: the plate punctuation (prefix scan
 *       of the plate's sites, {@code PlateScorer}, well profiles, QC, repartition) and the experiment punctuation
 *       ({@code ExperimentScorer}); what each interval costs while a plate streams in;</li>
 *   <li>{@code wholePlate}: the plate run, every site and both punctuations: a plate's total topology cost.</li>
 * </ul>
 * Every operation re-sends the same keys, so the stores keep one plate (a re-delivered site replaces itself).
 * Run: {@code java -jar benchmarks/target/benchmarks.jar ScorerTopology}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ScorerTopologyBenchmark {

    private static final Duration TICK = Duration.ofSeconds(1);
    /** Parent folder of the RocksDB state (default: the system temp folder), e.g. a tmpfs to take the disk out. */
    static final String STATE_PARENT_PROPERTY = "phenostream.bench.state-parent";

    @Param({"96", "384"})
    int wells;

    Path stateDir;
    TopologyTestDriver driver;
    TestInputTopic<String, byte[]> runTopic;
    TestInputTopic<String, byte[]> siteTopic;
    final List<TestOutputTopic<String, byte[]>> outputs = new ArrayList<>();
    String runKey;
    byte[] runBytes;
    final List<byte[]> siteBytes = new ArrayList<>();

    @Setup
    public void setUp() throws IOException {
        final SyntheticScreenRecords plate = SyntheticScreenRecords.plate(PlateLayout.parse(Integer.toString(wells)),
            2, 0, "BENCH", "P1", 42);
        runKey = plate.run.runKey();
        runBytes = EventSerdes.plateRun().serializer().serialize(Topics.PLATE_RUNS, plate.run);
        for (final SiteFeatures s : plate.sites) {
            siteBytes.add(EventSerdes.siteFeatures().serializer().serialize(Topics.SITE_FEATURES, s));
        }
        final String parent = System.getProperty(STATE_PARENT_PROPERTY);
        stateDir = parent == null ? Files.createTempDirectory("scorer-topology-bench-")
            : Files.createTempDirectory(Path.of(parent), "scorer-topology-bench-");
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scorer-bench");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(PhenotypeScorerTopology.createTopology("", TICK), props);
        runTopic = driver.createInputTopic(Topics.PLATE_RUNS, new StringSerializer(), new ByteArraySerializer());
        siteTopic = driver.createInputTopic(Topics.SITE_FEATURES, new StringSerializer(), new ByteArraySerializer());
        for (final String topic : List.of(Topics.WELL_PROFILES, Topics.PLATE_QC, Topics.COMPOUND_SCORES,
            Topics.DEAD_LETTERS)) {
            outputs.add(driver.createOutputTopic(topic, new StringDeserializer(), new ByteArrayDeserializer()));
        }
        final int out = wholePlate();
        System.out.printf("%n[ScorerTopology] %d wells: %d site records of %d bytes on average -> %d output records%n",
            wells, siteBytes.size(), siteBytes.stream().mapToInt(b -> b.length).sum() / siteBytes.size(), out);
        if (out < siteBytes.size() / 2) {
            throw new IllegalStateException("the topology emitted only " + out + " records for a whole plate");
        }
    }

    @TearDown
    public void tearDown() {
        if (driver != null) {
            driver.close();
        }
        if (stateDir != null) {
            IngestThroughputHarness.deleteRecursively(stateDir);
        }
    }

    @Benchmark
    public int sites() {
        for (final byte[] s : siteBytes) {
            siteTopic.pipeInput(runKey, s);
        }
        return drain();
    }

    @Benchmark
    public int punctuation() {
        siteTopic.pipeInput(runKey, siteBytes.get(0));
        driver.advanceWallClockTime(TICK); // plate punctuation: forwards the plate's scores to the repartition
        driver.advanceWallClockTime(TICK); // experiment punctuation
        return drain();
    }

    @Benchmark
    public int wholePlate() {
        runTopic.pipeInput(runKey, runBytes);
        for (final byte[] s : siteBytes) {
            siteTopic.pipeInput(runKey, s);
        }
        driver.advanceWallClockTime(TICK);
        driver.advanceWallClockTime(TICK);
        return drain();
    }

    private int drain() {
        int n = 0;
        for (final TestOutputTopic<String, byte[]> topic : outputs) {
            n += topic.readRecordsToList().size();
        }
        return n;
    }
}
