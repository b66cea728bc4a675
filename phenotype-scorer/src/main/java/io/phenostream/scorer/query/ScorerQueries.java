package io.phenostream.scorer.query;

import io.phenostream.common.domain.WellId;
import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.Keys;
import io.phenostream.common.events.PlateQc;
import io.phenostream.common.events.WellProfile;
import io.phenostream.scorer.PhenotypeScorerTopology;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.UnknownStateStoreException;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Live answers from the scorer's result stores through interactive queries (IQv2): plate progress, well profiles
 * and compound scores as the scorer last computed them, before they reach the results database.
 *
 * <p>Reads cover the store partitions this instance hosts (all of them when one instance runs, as in local mode);
 * they see the live store, so a result can be ahead of the last committed transaction by one commit interval.
 * Every method throws {@link ScorerNotReadyException} while the client starts or rebalances or a store restores
 * from its changelog, and {@link IllegalStateException} once the client has stopped.
 */
public final class ScorerQueries {

    /** Runs one IQv2 request: {@link KafkaStreams#query} in a running scorer; a direct store read in tests. */
    @FunctionalInterface
    public interface QueryRunner {
        <R> StateQueryResult<R> run(StateQueryRequest<R> request);
    }

    private final QueryRunner runner;

    public ScorerQueries(final QueryRunner runner) {
        this.runner = runner;
    }

    /** Queries against a Streams client; {@code restores} must be its global state restore listener. */
    public static ScorerQueries of(final KafkaStreams streams, final StoreRestoreTracker restores) {
        return new ScorerQueries(new StreamsQueryRunner(streams, restores));
    }

    /** Progress of one plate run ({@link Keys#run}) for one analysis; empty until the scorer first scored it. */
    public Optional<PlateProgress> plateProgress(final String analysisId, final String runKey) {
        return plateQc(analysisId, runKey).map(qc -> PlateProgress.of(qc, wellsDone(analysisId, runKey)));
    }

    /** Progress of every plate run of an experiment scored so far for one analysis, by run key. */
    public List<PlateProgress> experimentProgress(final String analysisId, final String experimentId) {
        final List<PlateProgress> out = new ArrayList<>();
        for (final KeyValue<String, PlateQc> kv : this.<PlateQc>range(PhenotypeScorerTopology.PLATE_QC_STORE,
            Keys.analysisRun(analysisId, experimentId + "/"))) {
            final PlateQc qc = kv.value;
            final String runKey = Keys.run(qc.experimentId(), qc.plateId(), qc.runId());
            out.add(PlateProgress.of(qc, wellsDone(analysisId, runKey)));
        }
        return out;
    }

    /** The latest QC record of one plate run for one analysis. */
    public Optional<PlateQc> plateQc(final String analysisId, final String runKey) {
        return get(PhenotypeScorerTopology.PLATE_QC_STORE, Keys.analysisRun(analysisId, runKey));
    }

    /** The current profile and scores of one well. */
    public Optional<WellProfile> wellProfile(final String analysisId, final String runKey, final WellId well) {
        return get(PhenotypeScorerTopology.WELL_PROFILES_STORE, Keys.well(analysisId, runKey, well));
    }

    /** The current profiles of every well of a plate run scored so far, in well order. */
    public List<WellProfile> wellProfiles(final String analysisId, final String runKey) {
        // Keys.well is analysisRun + "/" + well
        return this.<WellProfile>range(PhenotypeScorerTopology.WELL_PROFILES_STORE, Keys.analysisRun(analysisId, runKey) + "/")
            .stream().map(kv -> kv.value).sorted(Comparator.comparing(WellProfile::well)).toList();
    }

    /** The current score of one compound of an experiment. */
    public Optional<CompoundScore> compoundScore(final String analysisId, final String experimentId,
                                                 final String compound) {
        return get(PhenotypeScorerTopology.COMPOUND_SCORES_STORE, Keys.compound(analysisId, experimentId, compound));
    }

    /** The current scores of every compound of an experiment, most active (rank 1) first. */
    public List<CompoundScore> compoundScores(final String analysisId, final String experimentId) {
        return this.<CompoundScore>range(PhenotypeScorerTopology.COMPOUND_SCORES_STORE, Keys.experiment(analysisId, experimentId) + "|")
            .stream().map(kv -> kv.value).sorted(Comparator.comparingInt(CompoundScore::rank)).toList();
    }

    private int wellsDone(final String analysisId, final String runKey) {
        int done = 0;
        for (final WellProfile w : wellProfiles(analysisId, runKey)) {
            if (w.sitesSeen() >= w.sitesExpected()) {
                done++;
            }
        }
        return done;
    }

    private <V> Optional<V> get(final String store, final String key) {
        final StateQueryResult<V> result = runner.run(
            StateQueryRequest.inStore(store).withQuery(KeyQuery.<String, V>withKey(key)));
        V found = null;
        for (final QueryResult<V> r : successes(store, result).values()) {
            if (r.getResult() != null) {
                found = r.getResult();
            }
        }
        return Optional.ofNullable(found);
    }

    /** Every entry whose key starts with {@code prefix}, over the hosted partitions, in key order. */
    private <V> List<KeyValue<String, V>> range(final String store, final String prefix) {
        final StateQueryResult<KeyValueIterator<String, V>> result = runner.run(StateQueryRequest.inStore(store)
            .withQuery(RangeQuery.<String, V>withRange(prefix, upperBoundOf(prefix))));
        final TreeMap<String, V> byKey = new TreeMap<>();
        for (final QueryResult<KeyValueIterator<String, V>> r : successes(store, result).values()) {
            try (KeyValueIterator<String, V> it = r.getResult()) {
                while (it.hasNext()) {
                    final KeyValue<String, V> kv = it.next();
                    if (kv.key.startsWith(prefix)) { // the upper bound is inclusive
                        byKey.put(kv.key, kv.value);
                    }
                }
            }
        }
        final List<KeyValue<String, V>> out = new ArrayList<>(byKey.size());
        byKey.forEach((k, v) -> out.add(KeyValue.pair(k, v)));
        return out;
    }

    /** The smallest string above every string starting with {@code prefix} (keys are ASCII identifiers). */
    static String upperBoundOf(final String prefix) {
        final char last = prefix.charAt(prefix.length() - 1);
        return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
    }

    /** The partition results, or the exception that says why the store cannot answer. */
    private static <R> Map<Integer, QueryResult<R>> successes(final String store, final StateQueryResult<R> result) {
        final Map<Integer, QueryResult<R>> partitions = result.getPartitionResults();
        if (partitions.isEmpty()) {
            throw new ScorerNotReadyException(store, "no partition of it is assigned to this instance yet");
        }
        for (final Map.Entry<Integer, QueryResult<R>> e : partitions.entrySet()) {
            final QueryResult<R> r = e.getValue();
            if (r.isFailure()) {
                final String why = "partition " + e.getKey() + ": " + r.getFailureReason() + " "
                    + r.getFailureMessage();
                if (r.getFailureReason() == FailureReason.NOT_ACTIVE
                    || r.getFailureReason() == FailureReason.NOT_UP_TO_BOUND) {
                    throw new ScorerNotReadyException(store, why);
                }
                throw new IllegalStateException("Query of store " + store + " failed on " + why);
            }
        }
        return partitions;
    }

    /** Checks that the client and the store can answer before asking; only active tasks answer. */
    private record StreamsQueryRunner(KafkaStreams streams, StoreRestoreTracker restores) implements QueryRunner {

        @Override
        public <R> StateQueryResult<R> run(final StateQueryRequest<R> request) {
            final String store = request.getStoreName();
            final KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.CREATED || state == KafkaStreams.State.REBALANCING) {
                throw new ScorerNotReadyException(store, "the scorer is " + state);
            }
            if (state != KafkaStreams.State.RUNNING) {
                throw new IllegalStateException("The scorer is not running (" + state + "): store " + store
                    + " cannot be queried");
            }
            final int restoring = restores.restoringPartitions(store);
            if (restoring > 0) {
                throw new ScorerNotReadyException(store, restoring + " partition(s) restoring from the changelog");
            }
            try {
                return streams.query(request.requireActive());
            } catch (final UnknownStateStoreException e) {
                throw new IllegalArgumentException("The scorer has no store " + store, e);
            } catch (final InvalidStateStoreException e) { // started or stopped between the check and the query
                throw new ScorerNotReadyException(store, e.getMessage(), e);
            }
        }
    }
}
