package io.phenostream.scorer;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.DeadLetter;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.events.ScoringParameters;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.events.WellProfile;
import io.phenostream.common.json.JsonSerde;
import io.phenostream.common.kafka.KafkaClientConfigs;
import io.phenostream.common.kafka.Topics;
import io.phenostream.scorer.plate.PlateWellScores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The phenotype-scorer topology.
 *
 * <pre>
 * plate-runs ─────┐ (both keyed by run: co-partitioned, same partition count)
 * site-features ──┴─► PlateScoringProcessor ──► well-profiles, plate-qc, dead-letters
 *                         │ plate well scores, re-keyed analysisId|experimentId
 *                         ▼ (repartition)
 *                     ExperimentScoringProcessor ──► compound-scores
 * </pre>
 * Runs with exactly_once_v2: a site's state update and every result it causes commit together.
 */
public final class PhenotypeScorerTopology {

    public static final String PLATE_RUNS_STORE = "plate-runs-store";
    public static final String PLATE_SITES_STORE = "plate-sites-store";
    public static final String DIRTY_PLATES_STORE = "dirty-plates-store";
    public static final String EXPERIMENT_PLATES_STORE = "experiment-plates-store";
    public static final String DIRTY_EXPERIMENTS_STORE = "dirty-experiments-store";
    public static final String PLATE_SCORES_REPARTITION = "plate-scores-by-experiment";
    /** Queryable: latest {@link PlateQc} per {@link io.phenostream.common.events.Keys#analysisRun}. */
    public static final String PLATE_QC_STORE = "plate-qc-store";
    /** Queryable: latest {@link WellProfile} per {@link io.phenostream.common.events.Keys#well}. */
    public static final String WELL_PROFILES_STORE = "well-profiles-store";
    /** Queryable: latest {@link CompoundScore} per {@link io.phenostream.common.events.Keys#compound}. */
    public static final String COMPOUND_SCORES_STORE = "compound-scores-store";

    private PhenotypeScorerTopology() {
    }

    public static JsonSerde<PlateWellScores> plateWellScoresSerde() {
        return new JsonSerde<>(PlateWellScores.class, PlateWellScores.SCHEMA_VERSION);
    }

    static ScoringParameters scoringOf(final PlateWellScores scores) {
        return scores.scoring() != null ? scores.scoring() : ScoringParameters.defaults();
    }

    /** The topology with the default partial step ({@code phenostream.scorer.partial-step}). */
    public static Topology createTopology(final String prefix, final Duration punctuateInterval) {
        return createTopology(prefix, punctuateInterval,
            Double.parseDouble(ConfigKey.SCORER_PARTIAL_STEP.defaultValue()));
    }

    /**
     * Builds the topology; {@code prefix} is the configured topic prefix.
     *
     * @param partialStep share of a plate's expected sites between two partial well-profile updates (0 = every
     *                    punctuation); see {@link PlateScoringProcessor#partialResultsDue}
     */
    public static Topology createTopology(final String prefix, final Duration punctuateInterval,
                                          final double partialStep) {
        final StreamsBuilder builder = new StreamsBuilder();
        final String runsTopic = Topics.name(prefix, Topics.PLATE_RUNS);
        final String sitesTopic = Topics.name(prefix, Topics.SITE_FEATURES);

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PLATE_RUNS_STORE),
            Serdes.String(), EventSerdes.plateRun()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PLATE_SITES_STORE),
            Serdes.String(), EventSerdes.siteFeatures()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DIRTY_PLATES_STORE),
            Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EXPERIMENT_PLATES_STORE),
            Serdes.String(), plateWellScoresSerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DIRTY_EXPERIMENTS_STORE),
            Serdes.String(), Serdes.Long()));
        // Result stores for interactive queries: what the processors last emitted, changelogged like the rest so
        // a restarted instance answers with the same results it had before.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PLATE_QC_STORE),
            Serdes.String(), EventSerdes.plateQc()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WELL_PROFILES_STORE),
            Serdes.String(), EventSerdes.wellProfile()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(COMPOUND_SCORES_STORE),
            Serdes.String(), EventSerdes.compoundScore()));

        final KStream<String, ScorerInput> runs = builder
            .stream(runsTopic, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("read-plate-runs"))
            .mapValues(v -> new ScorerInput(ScorerInput.Kind.PLATE_RUN, runsTopic, v));
        final KStream<String, ScorerInput> sites = builder
            .stream(sitesTopic, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("read-site-features"))
            .mapValues(v -> new ScorerInput(ScorerInput.Kind.SITE_FEATURES, sitesTopic, v));

        final KStream<String, ScorerOutput> plateOutputs = runs.merge(sites)
            .process(() -> new PlateScoringProcessor(punctuateInterval, partialStep),
                PLATE_RUNS_STORE, PLATE_SITES_STORE, DIRTY_PLATES_STORE, PLATE_QC_STORE, WELL_PROFILES_STORE);

        plateOutputs.filter((k, v) -> v.wellProfile() != null).mapValues(ScorerOutput::wellProfile)
            .to(Topics.name(prefix, Topics.WELL_PROFILES), Produced.with(Serdes.String(), EventSerdes.wellProfile()));
        plateOutputs.filter((k, v) -> v.plateQc() != null).mapValues(ScorerOutput::plateQc)
            .to(Topics.name(prefix, Topics.PLATE_QC), Produced.with(Serdes.String(), EventSerdes.plateQc()));

        final KStream<String, ScorerOutput> experimentOutputs = plateOutputs
            .filter((k, v) -> v.plateScores() != null).mapValues(ScorerOutput::plateScores)
            .repartition(Repartitioned.with(Serdes.String(), plateWellScoresSerde()).withName(PLATE_SCORES_REPARTITION))
            .process(() -> new ExperimentScoringProcessor(punctuateInterval),
                EXPERIMENT_PLATES_STORE, DIRTY_EXPERIMENTS_STORE, COMPOUND_SCORES_STORE);
        experimentOutputs.filter((k, v) -> v.compoundScore() != null).mapValues(ScorerOutput::compoundScore)
            .to(Topics.name(prefix, Topics.COMPOUND_SCORES), Produced.with(Serdes.String(), EventSerdes.compoundScore()));

        final JsonSerde<DeadLetter> deadLetters = EventSerdes.deadLetter();
        plateOutputs.filter((k, v) -> v.deadLetter() != null).mapValues(ScorerOutput::deadLetter)
            .to(Topics.name(prefix, Topics.DEAD_LETTERS), Produced.with(Serdes.String(), deadLetters));
        experimentOutputs.filter((k, v) -> v.deadLetter() != null).mapValues(ScorerOutput::deadLetter)
            .to(Topics.name(prefix, Topics.DEAD_LETTERS), Produced.with(Serdes.String(), deadLetters));
        return builder.build();
    }

    /** Streams configuration from the shared configuration keys. */
    public static Properties streamsConfig(final PhenoConfig config) {
        final Properties p = KafkaClientConfigs.connection(config);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.require(ConfigKey.SCORER_APPLICATION_ID));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.getInt(ConfigKey.KAFKA_REPLICATION));
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.get(ConfigKey.SCORER_STATE_DIR)
            .orElse(Path.of(config.require(ConfigKey.DATA_DIR), "streams").toAbsolutePath().toString()));
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        return p;
    }

    static Duration punctuateInterval(final PhenoConfig config) {
        return Duration.ofMillis(config.getInt(ConfigKey.SCORER_PUNCTUATE_MS));
    }

    static double partialStep(final PhenoConfig config) {
        final String raw = config.require(ConfigKey.SCORER_PARTIAL_STEP);
        final double step;
        try {
            step = Double.parseDouble(raw.trim());
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException(ConfigKey.SCORER_PARTIAL_STEP.key() + " must be a number in [0, 1], got '"
                + raw + "'");
        }
        if (!(step >= 0 && step <= 1)) {
            throw new IllegalArgumentException(ConfigKey.SCORER_PARTIAL_STEP.key() + " must be in [0, 1], got " + raw);
        }
        return step;
    }
}
