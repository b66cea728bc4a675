package io.phenostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.config.ConfigKey;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.domain.PlateMapParser;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.synth.CompoundTruth;
import io.phenostream.common.synth.SynthOptions;
import io.phenostream.common.synth.SyntheticPlate;
import io.phenostream.ingest.IngestRequest;
import io.phenostream.ingest.IngestResult;
import io.phenostream.sink.ResultFiles;
import io.phenostream.sink.ResultsStore;
import io.phenostream.sink.HitRow;
import io.phenostream.sink.PlateQcRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on the embedded infrastructure: a synthetic 96-well plate goes through ingest, extractor,
 * scorer and sink over real Kafka topics, S3 objects and PostgreSQL tables, and the hit list agrees with
 * the plate's ground truth.
 */
@Tag("integration")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class DemoPipelineIT {

    @Test
    void syntheticPlateHitListMatchesGroundTruth(@TempDir final Path tmp) throws Exception {
        final SynthOptions options = SynthCommand.options(96, 1, 192, 7, "IT-P1");
        final Path plateDir = tmp.resolve("plate");
        final SyntheticPlate plate = SynthCommand.generate(options, plateDir);
        final PhenoConfig config = PhenoConfig.defaults().with(ConfigKey.DATA_DIR, tmp.resolve("data").toString())
            .with(ConfigKey.SCORER_PUNCTUATE_MS, "500");

        try (LocalPipeline pipeline = LocalPipeline.start(config, true)) {
            final IngestRequest request = new IngestRequest(plateDir,
                PlateMapParser.parse(plateDir.resolve("plate-map.csv"), options.layout()), options.experimentId(),
                options.plateId(), null, null, null, AnalysisSpec.classicalDefaults());
            final IngestResult ingested = pipeline.ingest(request, (a, b, c, d) -> { });
            assertEquals(96, ingested.sites());
            assertEquals("cellprofiler", ingested.scheme());
            pipeline.awaitFinal(options.experimentId(), ingested.analysisId(), Duration.ofMinutes(4), () -> { });

            final ResultsStore store = pipeline.store();
            final List<PlateQcRow> qc = store.plateQc(options.experimentId(), ingested.analysisId());
            assertEquals(1, qc.size());
            assertEquals("FINAL", qc.get(0).status().toString());
            assertEquals(96, qc.get(0).sitesSeen());
            assertTrue(qc.get(0).zPrime() != null && qc.get(0).zPrime() > 0, "Z' " + qc.get(0).zPrime());

            final List<HitRow> hits = store.hitList(options.experimentId(), ingested.analysisId(), null, 1000, 0);
            final Map<String, Integer> rank = hits.stream()
                .collect(Collectors.toMap(HitRow::compound, HitRow::rank));
            final int worstStrongActive = plate.compounds().stream().filter(DemoPipelineIT::strong)
                .mapToInt(c -> rank.get(c.compound())).max().orElseThrow();
            final int bestInactive = plate.compounds().stream().filter(c -> c.mechanism().label().equals("inactive"))
                .mapToInt(c -> rank.get(c.compound())).min().orElseThrow();
            assertTrue(worstStrongActive < bestInactive, "strong actives must outrank inactives: " + hits);
            for (final CompoundTruth c : plate.compounds()) {
                if (c.mechanism().label().equals("inactive")) {
                    assertFalse(hits.stream().filter(h -> h.compound().equals(c.compound())).findFirst().orElseThrow().hit(),
                        c.compound() + " is inactive but called a hit");
                }
            }

            // Re-pushing the same plate is the same run: nothing is double counted.
            final IngestResult again = pipeline.ingest(request, (a, b, c, d) -> { });
            assertEquals(ingested.run().runId(), again.run().runId());
            Thread.sleep(3000);
            pipeline.awaitFinal(options.experimentId(), ingested.analysisId(), Duration.ofMinutes(2), () -> { });
            assertEquals(96, store.plateQc(options.experimentId(), ingested.analysisId()).get(0).sitesSeen());

            final Path out = tmp.resolve("results");
            new ResultFiles(store).write(out, options.experimentId(), ingested.analysisId());
            final List<String> hitsCsv = Files.readAllLines(out.resolve("hits.csv"));
            assertEquals("compound,rank,score,p_value,q_value,hit,ec50,hill,max_effect,n_wells", hitsCsv.get(0));
            assertEquals(hits.size() + 1, hitsCsv.size());
            assertEquals(97, Files.readAllLines(out.resolve("well-scores.csv")).size());
        }
    }

    static boolean strong(final CompoundTruth c) {
        return !c.mechanism().label().equals("inactive") && c.maxEffect() >= 0.5 && c.ec50() <= 10;
    }
}
