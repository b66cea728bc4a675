package io.phenostream.scorer;

import static io.phenostream.scorer.PhenotypeScorerTopologyTest.AID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.json.Json;
import io.phenostream.common.kafka.KafkaClientConfigs;
import io.phenostream.common.kafka.TopicSpec;
import io.phenostream.common.kafka.Topics;
import io.phenostream.infra.EmbeddedKafka;
import io.phenostream.scorer.query.PlateProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorer killed mid-plate (SIGKILL of its JVM: no close, no commit, a transaction left open) and started again
 * on the same state folder: exactly_once_v2 aborts the open transaction, the stores are rebuilt from their
 * changelogs, and once the plate's remaining sites are in, the final well profiles, plate QC and compound scores
 * equal, field for field but for their timestamps, those of a scorer that ran the same plate undisturbed.
 */
@Tag("integration")
@Timeout(180)
class ScorerKillRestartIT {

    private static final String CALM = "calm.";
    private static final String KILLED = "killed.";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern RESTORED_SITES = Pattern.compile(PhenotypeScorerTopology.PLATE_SITES_STORE + "=(\\d+)");

    /** A scorer on {@code prefix}'s topics, rescoring every 200 ms. */
    static PhenoConfig config(final String bootstrap, final String prefix, final String applicationId,
                              final Path stateDir) {
        return PhenoConfig.defaults().with(ConfigKey.KAFKA_BOOTSTRAP, bootstrap).with(ConfigKey.TOPIC_PREFIX, prefix)
            .with(ConfigKey.SCORER_APPLICATION_ID, applicationId)
            .with(ConfigKey.SCORER_STATE_DIR, stateDir.toString()).with(ConfigKey.SCORER_PUNCTUATE_MS, "200");
    }

    /**
     * Static membership: a restarted instance with the same {@code group.instance.id} takes its predecessor's
     * partitions at once instead of waiting for the dead member's session to expire.
     */
    static Properties quickRecovery(final String instanceId) {
        final Properties p = new Properties();
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instanceId);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1000);
        return p;
    }

    @Test
    void killedMidPlateItRestoresAndFinishesThePlateAsAnUndisturbedScorerDoes(@TempDir final Path tmp)
        throws Exception {
        final long t0 = System.nanoTime();
        final PlateRun run = PhenotypeScorerTopologyTest.plate("P1");
        final List<SiteFeatures> sites = PhenotypeScorerTopologyTest.sitesOf(run, 21);
        assertEquals(48, sites.size());
        final List<Process> children = new ArrayList<>();
        try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("kafka"))) {
            kafka.start();
            final String bootstrap = kafka.bootstrapServers();
            createTopics(bootstrap);
            log(t0, "broker and topics ready");
            final PhenoConfig calmConfig = config(bootstrap, CALM, "scorer-calm", tmp.resolve("calm-state"));
            final Path killedState = tmp.resolve("killed-state");
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                     KafkaClientConfigs.producer(calmConfig, "kill-restart-it"));
                 PhenotypeScorerService calm = new PhenotypeScorerService(calmConfig, quickRecovery("calm")).start();
                 Results calmResults = new Results(bootstrap, CALM);
                 Results killedResults = new Results(bootstrap, KILLED)) {
                send(producer, CALM, run, sites);

                send(producer, KILLED, run, sites.subList(0, 24));
                final Process first = start(bootstrap, killedState, tmp.resolve("first.log"));
                children.add(first);
                killedResults.await(r -> r.sitesSeen(run) >= 24, first, tmp.resolve("first.log"));
                log(t0, "first scorer scored 24 sites");
                send(producer, KILLED, null, sites.subList(24, 36));
                Thread.sleep(300); // the next sites are being scored, some in a transaction still open
                first.destroyForcibly().waitFor();
                killedResults.poll();
                final int seenAtKill = killedResults.sitesSeen(run);
                log(t0, "killed the first scorer; committed results had " + seenAtKill + " of 48 sites");
                assertTrue(seenAtKill >= 24 && seenAtKill < 48, "killed mid-plate: " + seenAtKill);

                final Process second = start(bootstrap, killedState, tmp.resolve("second.log"));
                children.add(second);
                send(producer, KILLED, null, sites.subList(36, 48));
                killedResults.await(r -> r.isFinal(run, 48), second, tmp.resolve("second.log"));
                log(t0, "the restarted scorer finished the plate");
                calmResults.await(r -> r.isFinal(run, 48), null, null);
                log(t0, "the undisturbed scorer finished the plate");

                for (final String topic : List.of(Topics.WELL_PROFILES, Topics.PLATE_QC, Topics.COMPOUND_SCORES)) {
                    final Map<String, JsonNode> expected = calmResults.withoutTimestamps(topic);
                    assertFalse(expected.isEmpty(), topic);
                    assertEquals(expected, killedResults.withoutTimestamps(topic), topic);
                }
                final Matcher restored = RESTORED_SITES.matcher(Files.readString(tmp.resolve("second.log")));
                long sitesRestored = 0;
                while (restored.find()) {
                    sitesRestored = Long.parseLong(restored.group(1));
                }
                assertTrue(sitesRestored >= 24, "the restarted scorer rebuilt its site store from the changelog: "
                    + sitesRestored);

                for (final String child : List.of("first.log", "second.log")) {
                    Files.readAllLines(tmp.resolve(child)).stream().filter(l -> l.contains("state="))
                        .forEach(l -> System.out.println(child + ": " + l));
                }

                // Interactive queries on the undisturbed scorer answer what it emitted.
                final PlateProgress progress = calm.queries().plateProgress(AID, run.runKey()).orElseThrow();
                assertEquals(new PlateProgress(AID, "E1", "P1", "r1", 48, 48, 48, 48, true, progress.updatedAt()),
                    progress);
                final List<CompoundScore> emitted = calmResults.latest(Topics.COMPOUND_SCORES).values().stream()
                    .map(b -> EventSerdes.compoundScore().deserialize(Topics.COMPOUND_SCORES, b))
                    .sorted(Comparator.comparingInt(CompoundScore::rank)).toList();
                assertEquals(emitted, calm.queries().compoundScores(AID, run.experimentId()));
            } finally {
                children.forEach(Process::destroyForcibly);
            }
        }
        log(t0, "done");
    }

    /**
     * The catalogue's topics for both prefixes, with one partition each: one plate lives in one partition anyway,
     * and a single task per sub-topology keeps start-up and restoration short. Then waits until every partition
     * has a leader: producing into a topic the broker has created but does not lead yet ends in
     * NOT_LEADER_OR_FOLLOWER, then OUT_OF_ORDER_SEQUENCE retries that never end.
     */
    private static void createTopics(final String bootstrap) throws Exception {
        final List<NewTopic> topics = new ArrayList<>();
        for (final String prefix : List.of(CALM, KILLED)) {
            for (final TopicSpec spec : Topics.catalogue()) {
                topics.add(new NewTopic(Topics.name(prefix, spec.name()), 1, (short) 1).configs(spec.configs()));
            }
        }
        final List<String> names = topics.stream().map(NewTopic::name).toList();
        final long deadline = System.nanoTime() + WAIT.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            while (true) {
                try {
                    final boolean led = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).values()
                        .stream().allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null));
                    if (led) {
                        return;
                    }
                } catch (final ExecutionException e) {
                    // not known to the broker yet
                }
                assertTrue(System.nanoTime() < deadline, "topics without leaders after " + WAIT.toSeconds() + " s");
                Thread.sleep(50);
            }
        }
    }

    private static void send(final KafkaProducer<String, byte[]> producer, final String prefix, final PlateRun run,
                             final List<SiteFeatures> sites) throws Exception {
        if (run != null) {
            final String topic = Topics.name(prefix, Topics.PLATE_RUNS);
            producer.send(new ProducerRecord<>(topic, run.runKey(), EventSerdes.plateRun().serialize(topic, run)));
        }
        final String topic = Topics.name(prefix, Topics.SITE_FEATURES);
        final List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (final SiteFeatures s : sites) {
            acks.add(producer.send(new ProducerRecord<>(topic, s.runKey(), EventSerdes.siteFeatures().serialize(topic, s))));
        }
        for (final Future<RecordMetadata> ack : acks) {
            ack.get(30, TimeUnit.SECONDS);
        }
    }

    /** {@link ScorerProcessMain} on the test's class path, on the {@code killed.} topics. */
    private static Process start(final String bootstrap, final Path stateDir, final Path log) throws IOException {
        final List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        for (final String key : List.of("logback.configurationFile", "log4j2.configurationFile")) {
            if (System.getProperty(key) != null) {
                cmd.add("-D" + key + "=" + System.getProperty(key));
            }
        }
        // Failsafe's own class path is a booter jar whose manifest names the test class path: either one works.
        cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
            ScorerProcessMain.class.getName(), bootstrap, KILLED, "scorer-killed", stateDir.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void log(final long t0, final String what) {
        System.out.printf("[%5.1f s] %s%n", (System.nanoTime() - t0) / 1e9, what);
    }

    /** The latest committed record per key of one prefix's result topics (read_committed, from the start). */
    private static final class Results implements AutoCloseable {

        private final KafkaConsumer<String, byte[]> consumer;
        private final int prefixLength;
        private final Map<String, Map<String, byte[]>> latest = new HashMap<>();

        Results(final String bootstrap, final String prefix) {
            final Properties p = KafkaClientConfigs.consumer(PhenoConfig.defaults()
                .with(ConfigKey.KAFKA_BOOTSTRAP, bootstrap), "unused", "results-" + prefix);
            p.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned, not subscribed
            consumer = new KafkaConsumer<>(p);
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final String topic : List.of(Topics.WELL_PROFILES, Topics.PLATE_QC, Topics.COMPOUND_SCORES)) {
                consumer.partitionsFor(Topics.name(prefix, topic))
                    .forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
                latest.put(topic, new TreeMap<>());
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            this.prefixLength = prefix.length();
        }

        void poll() {
            for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                latest.get(r.topic().substring(prefixLength)).put(r.key(), r.value());
            }
        }

        /** Polls until {@code done} holds; fails early with the child's log if the child scorer died. */
        void await(final Predicate<Results> done, final Process child, final Path childLog) throws IOException {
            final long deadline = System.nanoTime() + WAIT.toNanos();
            while (!done.test(this)) {
                if (child != null && !child.isAlive()) {
                    throw new AssertionError("scorer process exited " + child.exitValue() + ":\n"
                        + Files.readString(childLog));
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("not reached in " + WAIT.toSeconds() + " s; plate QC: "
                        + qc(null) + ", committed records per topic: " + endOffsets() + (childLog == null ? "" : "\n" + Files.readString(childLog)));
                }
                poll();
            }
        }

        private Map<String, Long> endOffsets() {
            final List<TopicPartition> all = new ArrayList<>();
            consumer.listTopics().forEach((t, infos) -> infos.forEach(i -> all.add(new TopicPartition(t, i.partition()))));
            final Map<String, Long> out = new TreeMap<>();
            consumer.endOffsets(all).forEach((tp, n) -> out.merge(tp.topic(), n, Long::sum));
            return out;
        }

        Map<String, byte[]> latest(final String topic) {
            return latest.get(topic);
        }

        private JsonNode qc(final PlateRun run) {
            final Map<String, byte[]> qcs = latest.get(Topics.PLATE_QC);
            final byte[] v = run == null ? qcs.values().stream().findFirst().orElse(null)
                : qcs.get(AID + "|" + run.runKey());
            return v == null ? null : Json.read(v, JsonNode.class);
        }

        int sitesSeen(final PlateRun run) {
            final JsonNode qc = qc(run);
            return qc == null ? 0 : qc.get("sitesSeen").asInt();
        }

        /** Plate FINAL, every well profile final, and every compound score final. */
        boolean isFinal(final PlateRun run, final int wells) {
            final JsonNode qc = qc(run);
            if (qc == null || !"FINAL".equals(qc.get("status").asText())) {
                return false;
            }
            final Map<String, JsonNode> profiles = withoutTimestamps(Topics.WELL_PROFILES);
            final Map<String, JsonNode> compounds = withoutTimestamps(Topics.COMPOUND_SCORES);
            return profiles.size() == wells && profiles.values().stream().allMatch(p -> p.get("finalResult").asBoolean())
                && !compounds.isEmpty() && compounds.values().stream().allMatch(c -> c.get("finalResult").asBoolean());
        }

        /** Each record as a JSON tree without its {@code updatedAt} fields, by key. */
        Map<String, JsonNode> withoutTimestamps(final String topic) {
            final Map<String, JsonNode> out = new TreeMap<>();
            latest.get(topic).forEach((k, v) -> out.put(k, stripTimestamps(Json.read(v, JsonNode.class))));
            return out;
        }

        private static JsonNode stripTimestamps(final JsonNode node) {
            if (node instanceof ObjectNode o) {
                o.remove("updatedAt");
                o.forEach(ScorerKillRestartIT.Results::stripTimestamps);
            } else if (node.isArray()) {
                node.forEach(ScorerKillRestartIT.Results::stripTimestamps);
            }
            return node;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
