package io.phenostream.benchmarks;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.events.CompoundScore;
import io.phenostream.common.events.EventSerdes;
import io.phenostream.common.events.PlateRun;
import io.phenostream.common.events.ScoringParameters;
import io.phenostream.common.events.SiteFeatures;
import io.phenostream.common.events.WellProfile;
import io.phenostream.common.json.JsonSerde;
import io.phenostream.common.kafka.Topics;
import io.phenostream.scorer.plate.ExperimentScorer;
import io.phenostream.scorer.plate.PlateScorer;
import io.phenostream.scorer.plate.PlateScoring;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JSON encode and decode of the events with the common serdes ({@link EventSerdes}: Jackson, schema version
 * checked on read), one record per operation: a {@link SiteFeatures} as the extractor sends it (53 features,
 * image references, URIs) without and with a 192-float embedding ({@code cellembed/2}), a {@link WellProfile}
 * and a {@link CompoundScore} as the scorer emits them, and a 96-well {@link PlateRun} (its plate map).
 * Run: {@code java -jar benchmarks/target/benchmarks.jar EventJson}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EventJsonBenchmark {

    final JsonSerde<SiteFeatures> sites = EventSerdes.siteFeatures();
    final JsonSerde<WellProfile> wells = EventSerdes.wellProfile();
    final JsonSerde<CompoundScore> compounds = EventSerdes.compoundScore();
    final JsonSerde<PlateRun> runs = EventSerdes.plateRun();

    SiteFeatures site;
    SiteFeatures embeddedSite;
    WellProfile well;
    CompoundScore compound;
    PlateRun run;
    byte[] siteJson;
    byte[] embeddedSiteJson;
    byte[] wellJson;
    byte[] compoundJson;
    byte[] runJson;

    @Setup
    public void setUp() {
        final SyntheticScreenRecords plate = SyntheticScreenRecords.plate(PlateLayout.WELLS_96, 2, 0, "BENCH", "P1", 42);
        final Instant now = Instant.parse("2026-11-27T00:00:00Z");
        final PlateScoring scoring = PlateScorer.score(plate.run, SyntheticScreenRecords.ANALYSIS_ID,
            ScoringParameters.defaults(), plate.sites, now);
        final List<CompoundScore> scores = ExperimentScorer.score(SyntheticScreenRecords.ANALYSIS_ID,
            plate.run.experimentId(), ScoringParameters.defaults(), List.of(scoring.plateScores()), now);
        run = plate.run;
        site = plate.sites.get(0);
        embeddedSite = SyntheticScreenRecords.plate(PlateLayout.WELLS_96, 1, 192, "BENCH", "P1", 42).sites.get(0);
        well = scoring.wells().get(0);
        // the richest compound: one with an ok fit if there is one
        compound = scores.stream().max(Comparator.comparingInt(s -> s.fit() != null && "ok".equals(s.fit().status())
            ? 1 : 0)).orElseThrow();
        siteJson = encodeSite();
        embeddedSiteJson = encodeEmbeddedSite();
        wellJson = encodeWell();
        compoundJson = encodeCompound();
        runJson = encodePlateRun();
        System.out.printf("%n[EventJson] bytes: site %d, site with embedding %d, well profile %d, compound score %d, "
            + "96-well plate run %d%n", siteJson.length, embeddedSiteJson.length, wellJson.length, compoundJson.length,
            runJson.length);
    }

    @Benchmark
    public byte[] encodeSite() {
        return sites.serializer().serialize(Topics.SITE_FEATURES, site);
    }

    @Benchmark
    public SiteFeatures decodeSite() {
        return sites.deserializer().deserialize(Topics.SITE_FEATURES, siteJson);
    }

    @Benchmark
    public byte[] encodeEmbeddedSite() {
        return sites.serializer().serialize(Topics.SITE_FEATURES, embeddedSite);
    }

    @Benchmark
    public SiteFeatures decodeEmbeddedSite() {
        return sites.deserializer().deserialize(Topics.SITE_FEATURES, embeddedSiteJson);
    }

    @Benchmark
    public byte[] encodeWell() {
        return wells.serializer().serialize(Topics.WELL_PROFILES, well);
    }

    @Benchmark
    public WellProfile decodeWell() {
        return wells.deserializer().deserialize(Topics.WELL_PROFILES, wellJson);
    }

    @Benchmark
    public byte[] encodeCompound() {
        return compounds.serializer().serialize(Topics.COMPOUND_SCORES, compound);
    }

    @Benchmark
    public CompoundScore decodeCompound() {
        return compounds.deserializer().deserialize(Topics.COMPOUND_SCORES, compoundJson);
    }

    @Benchmark
    public byte[] encodePlateRun() {
        return runs.serializer().serialize(Topics.PLATE_RUNS, run);
    }

    @Benchmark
    public PlateRun decodePlateRun() {
        return runs.deserializer().deserialize(Topics.PLATE_RUNS, runJson);
    }
}
