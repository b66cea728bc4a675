package io.phenostream.sink;

import static io.phenostream.sink.TestEvents.compound;
import static io.phenostream.sink.TestEvents.plateQc;
import static io.phenostream.sink.TestEvents.plateRun;
import static io.phenostream.sink.TestEvents.site;
import static io.phenostream.sink.TestEvents.well;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.WellRole;
import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.events.WellProfile;
import io.phenostream.common.kafka.KafkaClientConfigs;
import io.phenostream.common.kafka.TopicSpec;
import io.phenostream.common.kafka.Topics;
import io.phenostream.infra.EmbeddedKafka;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink killed between its database write and its offset commit (issue 11). A sink in a JVM of its own
 * ({@link SinkProcessMain}) writes a poll that holds final results, PostgreSQL commits it, and the JVM is SIGKILLed
 * before the poll's offsets are committed. A fresh sink in the same consumer group re-reads the records from the
 * last committed offsets, one record per poll, so that stale (RUNNING, non-final) records arrive alone after their
 * FINAL successors are already stored. Then every table equals, row by row and field by field, the tables of an
 * undisturbed sink fed the same records; each row is there once; and no FINAL row stored before the restart was
 * ever replaced, checked after every write of the fresh sink.
 */
@Tag("integration")
@Timeout(180)
class SinkKillRestartIT {

    private static final String A1 = "a-5151515151515151";
    private static final String EXP = "E-KILL";
    private static final String RUNNING_AT = "2024-05-01T11:00:00Z";
    private static final String FINAL_AT = "2024-05-01T12:00:00Z";
    private static final int WELLS = 12;
    private static final int SITES_PER_WELL = 2;
    private static final int COMPOUNDS = 6;
    private static final String STATIC_MEMBER = "results-sink-0";
    private static final long WAIT_MS = 60_000;
    private static final List<String> TOPICS = List.of(Topics.PLATE_RUNS, Topics.SITE_FEATURES, Topics.WELL_PROFILES,
        Topics.COMPOUND_SCORES, Topics.PLATE_QC);

    /** Columns the database fills with its own clock (not from the events), so two sinks cannot agree on them. */
    private static final Map<String, String> TABLES = tables();

    private static Map<String, String> tables() {
        final Map<String, String> t = new LinkedHashMap<>();
        t.put("experiments", "{created_at,updated_at}");
        t.put("analyses", "{first_seen}");
        t.put("plate_runs", "{}");
        t.put("site_features", "{}");
        t.put("well_profiles", "{}");
        t.put("compound_scores", "{}");
        t.put("plate_qc", "{}");
        return t;
    }

    private static final Map<String, String> FINAL_ROWS = Map.of(
        "well_profiles", "final_result",
        "compound_scores", "final_result",
        "plate_qc", "status = 'FINAL'");

    /** The sink's configuration on this broker and database. */
    static PhenoConfig config(final String bootstrap, final String dbUrl) {
        return PhenoConfig.defaults().with(ConfigKey.KAFKA_BOOTSTRAP, bootstrap).with(ConfigKey.DB_URL, dbUrl)
            .with(ConfigKey.DB_USER, "postgres");
    }

    /**
     * The production consumer of the sink's group, as a static member: the fresh sink, with the same
     * {@code group.instance.id}, takes the killed one's partitions at once instead of after its session expires.
     */
    static Properties consumerConfig(final PhenoConfig config, final String clientId) {
        final Properties p = KafkaClientConfigs.consumer(config, ResultsSinkService.GROUP_ID, clientId);
        p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, STATIC_MEMBER);
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1000);
        return p;
    }

    @Test
    void killedAfterItsWriteBeforeItsCommitTheNextSinkEndsWithTheTablesOfAnUndisturbedOne(@TempDir final Path tmp)
        throws Exception {
        final long t0 = System.nanoTime();
        final Map<String, List<ProducerRecord<String, byte[]>>> records = records();
        final int total = records.values().stream().mapToInt(List::size).sum();
        assertEquals(1 + WELLS * SITES_PER_WELL + 2 * WELLS + 2 * COMPOUNDS + 2, total);
        Process child = null;
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
             EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("kafka"))) {
            kafka.start();
            final String bootstrap = kafka.bootstrapServers();
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE calm");
                s.execute("CREATE DATABASE killed");
            }
            final DataSource calmDb = postgres.getDatabase("postgres", "calm");
            final DataSource killedDb = postgres.getDatabase("postgres", "killed");
            ResultsDatabase.migrate(calmDb);
            ResultsDatabase.migrate(killedDb);
            final PhenoConfig calmConfig = config(bootstrap, postgres.getJdbcUrl("postgres", "calm"));
            final PhenoConfig killedConfig = config(bootstrap, postgres.getJdbcUrl("postgres", "killed"));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                createTopics(admin);
                produce(killedConfig, records);
                final Map<TopicPartition, Long> end = endOffsets(admin);
                log(t0, "broker, databases and " + total + " records ready");

                // The undisturbed sink: its own group, the default poll size, never interrupted.
                final Properties calmConsumer = KafkaClientConfigs.consumer(calmConfig, "calm-sink", "calm");
                try (ResultsSinkService calm = new ResultsSinkService(calmConfig, new KafkaConsumer<>(calmConsumer),
                    new KafkaProducer<>(KafkaClientConfigs.producer(calmConfig, "calm-dlq")), new ResultsStore(calmDb),
                    100)) {
                    final Thread loop = new Thread(calm, "calm-sink");
                    loop.start();
                    await(() -> committed(admin, "calm-sink").equals(end), "the undisturbed sink committed everything");
                    calm.close();
                    loop.join(10_000);
                    assertEquals(0, calm.deadLettered());
                }
                log(t0, "undisturbed sink done");

                // The sink that dies: writes a poll holding final results, then is killed before committing it.
                final Path marker = tmp.resolve("written");
                final Path childLog = tmp.resolve("killed-sink.log");
                child = start(bootstrap, postgres.getJdbcUrl("postgres", "killed"), marker, childLog);
                final Process dying = child;
                await(() -> Files.exists(marker) || !dying.isAlive(), "the sink wrote a poll with final results");
                assertTrue(child.isAlive(), "sink process exited early:\n" + Files.readString(childLog));
                child.destroyForcibly().waitFor();
                final String written = Files.readString(marker).trim();
                final Map<TopicPartition, Long> atKill = committed(admin, ResultsSinkService.GROUP_ID);
                log(t0, "killed the sink after its write (" + written + "); committed offsets " + atKill);

                final Map<String, List<String>> finalBefore = finalRows(killedDb);
                assertFalse(finalBefore.values().stream().allMatch(List::isEmpty),
                    "the killed sink's last transaction committed final rows: " + finalBefore);
                long notCommitted = 0;
                for (final Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                    notCommitted += e.getValue() - atKill.getOrDefault(e.getKey(), 0L);
                }
                assertTrue(notCommitted > 0, "the written poll's offsets were not committed: " + atKill);
                final Set<String> finalKeys = finalKeys(killedDb);

                // The fresh sink: same group, same static member, one record per poll.
                final List<String> violations = new CopyOnWriteArrayList<>();
                final AtomicInteger staleAfterFinal = new AtomicInteger();
                final ResultsStore store = new ResultsStore(killedDb);
                final BatchWriter checked = batch -> {
                    staleAfterFinal.addAndGet(staleEvents(batch, finalKeys));
                    store.write(batch);
                    final Map<String, List<String>> now = finalRows(killedDb);
                    finalBefore.forEach((table, rows) -> {
                        if (!now.get(table).containsAll(rows)) {
                            violations.add(table + " after writing " + batch.eventCount() + " events: " + now.get(table));
                        }
                    });
                };
                final Properties freshConsumer = consumerConfig(killedConfig, "fresh");
                freshConsumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
                final long redelivered;
                try (ResultsSinkService fresh = new ResultsSinkService(killedConfig, new KafkaConsumer<>(freshConsumer),
                    new KafkaProducer<>(KafkaClientConfigs.producer(killedConfig, "fresh-dlq")), checked, 100)) {
                    final Thread loop = new Thread(fresh, "fresh-sink");
                    loop.start();
                    await(() -> committed(admin, ResultsSinkService.GROUP_ID).equals(end),
                        "the fresh sink committed everything");
                    fresh.close();
                    loop.join(10_000);
                    redelivered = fresh.recordsWritten();
                    assertEquals(0, fresh.deadLettered());
                    assertEquals(0, fresh.writeFailures());
                }
                log(t0, "fresh sink re-read " + redelivered + " records, " + staleAfterFinal.get()
                    + " of them non-final records of rows already FINAL");
                assertEquals(notCommitted, redelivered, "it re-read exactly what was not committed");
                assertTrue(staleAfterFinal.get() > 0,
                    "the re-read brought non-final records after their final rows were stored");
                assertEquals(List.of(), violations, "a FINAL row was replaced during the re-read");
                assertEquals(0, endOffsets(admin).getOrDefault(new TopicPartition(Topics.DEAD_LETTERS, 0), 0L));
            }

            // Each row once, and the same rows as the undisturbed sink, field by field.
            final Map<String, Integer> expectedRows = Map.of("experiments", 1, "analyses", 1, "plate_runs", 1,
                "site_features", WELLS * SITES_PER_WELL, "well_profiles", WELLS, "compound_scores", COMPOUNDS,
                "plate_qc", 1);
            for (final Map.Entry<String, String> table : TABLES.entrySet()) {
                final List<String> calmRows = rows(calmDb, table.getKey(), table.getValue());
                assertEquals(expectedRows.get(table.getKey()), calmRows.size(), table.getKey());
                assertEquals(calmRows, rows(killedDb, table.getKey(), table.getValue()), table.getKey());
            }
            assertEquals(1, count(killedDb, "SELECT count(*) FROM plate_qc WHERE status = 'FINAL' AND z_prime = 0.61"));
            assertEquals(WELLS, count(killedDb, "SELECT count(*) FROM well_profiles WHERE final_result"));
            assertEquals(COMPOUNDS, count(killedDb, "SELECT count(*) FROM compound_scores WHERE final_result"));
            log(t0, "tables equal");
        } finally {
            if (child != null) {
                child.destroyForcibly();
            }
        }
    }

    /**
     * One plate of {@value #WELLS} wells: its plate run, {@value #SITES_PER_WELL} sites per well, a RUNNING then a
     * FINAL well profile per well, a non-final then a final score per compound, a RUNNING then a FINAL plate QC.
     * Final values differ from running ones, so a replaced row shows.
     */
    private static Map<String, List<ProducerRecord<String, byte[]>>> records() {
        final Map<String, List<ProducerRecord<String, byte[]>>> out = new LinkedHashMap<>();
        final PlateRun run = plateRun(EXP, "P1", "r1");
        add(out, Topics.PLATE_RUNS, run.runKey(), EventSerdes.plateRun().serialize("t", run));
        final List<WellProfile> running = new ArrayList<>();
        final List<WellProfile> fin = new ArrayList<>();
        for (int w = 0; w < WELLS; w++) {
            final String well = String.format("A%02d", w + 1);
            for (int s = 1; s <= SITES_PER_WELL; s++) {
                final SiteFeatures site = site(A1, EXP, "P1", well, s, 100 + 10 * w + s);
                add(out, Topics.SITE_FEATURES, site.runKey(), EventSerdes.siteFeatures().serialize("t", site));
            }
            final String cpd = "cpd-" + (w % COMPOUNDS);
            running.add(well(A1, EXP, "P1", well, cpd, 1.0 + w, WellRole.TREATMENT, 200 + w,
                Map.of("area", 0.1 * w), 0.5 * w, 0.25 * w, false, RUNNING_AT));
            fin.add(well(A1, EXP, "P1", well, cpd, 1.0 + w, WellRole.TREATMENT, 400 + w,
                Map.of("area", 0.3 * w + 1), 1.5 * w + 1, 0.75 * w, true, FINAL_AT));
        }
        for (final WellProfile w : concat(running, fin)) {
            add(out, Topics.WELL_PROFILES, A1 + "|" + w.experimentId() + "/" + w.plateId() + "/" + w.well(),
                EventSerdes.wellProfile().serialize("t", w));
        }
        final List<CompoundScore> scores = new ArrayList<>();
        for (int c = 0; c < COMPOUNDS; c++) {
            scores.add(compound(A1, EXP, "cpd-" + c, c + 1, 10.0 - c, 0.2, false, RUNNING_AT));
        }
        for (int c = 0; c < COMPOUNDS; c++) {
            scores.add(compound(A1, EXP, "cpd-" + c, COMPOUNDS - c, 20.0 + c, 0.01 * (c + 1), true, FINAL_AT));
        }
        for (final CompoundScore c : scores) {
            add(out, Topics.COMPOUND_SCORES, A1 + "|" + EXP + "|" + c.compound(),
                EventSerdes.compoundScore().serialize("t", c));
        }
        for (final PlateQc q : List.of(plateQc(A1, EXP, "P1", PlateQc.Status.RUNNING, 0.2, RUNNING_AT),
            plateQc(A1, EXP, "P1", PlateQc.Status.FINAL, 0.61, FINAL_AT))) {
            add(out, Topics.PLATE_QC, A1 + "|" + run.runKey(), EventSerdes.plateQc().serialize("t", q));
        }
        return out;
    }

    private static <T> List<T> concat(final List<T> a, final List<T> b) {
        final List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static void add(final Map<String, List<ProducerRecord<String, byte[]>>> out, final String topic,
                            final String key, final byte[] value) {
        out.computeIfAbsent(topic, t -> new ArrayList<>()).add(new ProducerRecord<>(topic, 0, key, value));
    }

    /** Non-final events of rows that were FINAL in the database when the sink was killed. */
    private static int staleEvents(final Batch batch, final Set<String> finalKeys) {
        int n = 0;
        for (final WellProfile w : batch.wellProfiles()) {
            n += !w.finalResult() && finalKeys.contains("well_profiles|" + w.analysisId() + "|" + w.experimentId()
                + "|" + w.plateId() + "|" + w.runId() + "|" + w.well()) ? 1 : 0;
        }
        for (final CompoundScore c : batch.compoundScores()) {
            n += !c.finalResult() && finalKeys.contains("compound_scores|" + c.analysisId() + "|" + c.experimentId()
                + "|" + c.compound()) ? 1 : 0;
        }
        for (final PlateQc q : batch.plateQcs()) {
            n += q.status() != PlateQc.Status.FINAL && finalKeys.contains("plate_qc|" + q.analysisId() + "|"
                + q.experimentId() + "|" + q.plateId() + "|" + q.runId()) ? 1 : 0;
        }
        return n;
    }

    private static Set<String> finalKeys(final DataSource ds) throws SQLException {
        final Set<String> keys = new HashSet<>();
        keys.addAll(strings(ds, "SELECT concat_ws('|', 'well_profiles', analysis_id, experiment_id, plate_id, run_id, "
            + "well) FROM well_profiles WHERE final_result"));
        keys.addAll(strings(ds, "SELECT concat_ws('|', 'compound_scores', analysis_id, experiment_id, compound) "
            + "FROM compound_scores WHERE final_result"));
        keys.addAll(strings(ds, "SELECT concat_ws('|', 'plate_qc', analysis_id, experiment_id, plate_id, run_id) "
            + "FROM plate_qc WHERE status = 'FINAL'"));
        return keys;
    }

    /** The FINAL rows of the three tables with final results, each row as its JSON text. */
    private static Map<String, List<String>> finalRows(final DataSource ds) {
        final Map<String, List<String>> out = new LinkedHashMap<>();
        FINAL_ROWS.forEach((table, where) -> {
            try {
                out.put(table, strings(ds, "SELECT to_jsonb(t)::text FROM " + table + " t WHERE " + where
                    + " ORDER BY 1"));
            } catch (final SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        return out;
    }

    /** Every row of a table as JSON text (every column but the excluded ones), sorted. */
    private static List<String> rows(final DataSource ds, final String table, final String excluded)
        throws SQLException {
        return strings(ds, "SELECT (to_jsonb(t) - '" + excluded + "'::text[])::text FROM " + table + " t ORDER BY 1");
    }

    private static List<String> strings(final DataSource ds, final String sql) throws SQLException {
        final List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static long count(final DataSource ds, final String sql) throws SQLException {
        return Long.parseLong(strings(ds, sql).get(0));
    }

    private static void createTopics(final Admin admin) throws Exception {
        final List<NewTopic> topics = new ArrayList<>();
        for (final TopicSpec spec : Topics.catalogue()) {
            if (TOPICS.contains(spec.name()) || spec.name().equals(Topics.DEAD_LETTERS)) {
                topics.add(new NewTopic(spec.name(), 1, (short) 1).configs(spec.configs()));
            }
        }
        admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        final List<String> names = topics.stream().map(NewTopic::name).toList();
        // Producing into a topic whose partition has no leader yet ends in retries that never end.
        await(() -> {
            try {
                return admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
                    .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null));
            } catch (final Exception e) {
                return false;
            }
        }, "topics have leaders");
    }

    private static void produce(final PhenoConfig config,
                                final Map<String, List<ProducerRecord<String, byte[]>>> records) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
            KafkaClientConfigs.producer(config, "sink-kill-it"))) {
            final List<Future<RecordMetadata>> acks = new ArrayList<>();
            records.values().forEach(list -> list.forEach(r -> acks.add(producer.send(r))));
            for (final Future<RecordMetadata> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Map<TopicPartition, Long> endOffsets(final Admin admin) throws Exception {
        final Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
        for (final String topic : TOPICS) {
            request.put(new TopicPartition(topic, 0), OffsetSpec.latest());
        }
        request.put(new TopicPartition(Topics.DEAD_LETTERS, 0), OffsetSpec.latest());
        final Map<TopicPartition, Long> out = new LinkedHashMap<>();
        admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).forEach((tp, info) -> {
            if (!tp.topic().equals(Topics.DEAD_LETTERS) || info.offset() > 0) {
                out.put(tp, info.offset());
            }
        });
        return out;
    }

    private static Map<TopicPartition, Long> committed(final Admin admin, final String group) {
        try {
            final Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            final Map<TopicPartition, Long> out = new LinkedHashMap<>();
            for (final String topic : TOPICS) {
                final OffsetAndMetadata o = offsets.get(new TopicPartition(topic, 0));
                if (o != null) {
                    out.put(new TopicPartition(topic, 0), o.offset());
                }
            }
            return out;
        } catch (final Exception e) {
            return Map.of();
        }
    }

    /** {@link SinkProcessMain} on the test's class path; its output goes to {@code log}. */
    private static Process start(final String bootstrap, final String dbUrl, final Path marker, final Path log)
        throws IOException {
        final List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        for (final String key : List.of("logback.configurationFile", "log4j2.configurationFile")) {
            if (System.getProperty(key) != null) {
                cmd.add("-D" + key + "=" + System.getProperty(key));
            }
        }
        // Failsafe's own class path is a booter jar whose manifest names the test class path: either one works.
        cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
            SinkProcessMain.class.getName(), bootstrap, dbUrl, marker.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void await(final BooleanSupplier condition, final String what) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out: " + what);
            Thread.sleep(50);
        }
    }

    private static void log(final long t0, final String what) {
        System.out.printf("[%5.1f s] %s%n", (System.nanoTime() - t0) / 1e9, what);
    }
}
