package io.phenostream.common.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.PlateMapEntry;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.domain.WellRole;
import io.phenostream.common.json.JsonSerde;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class EventSerdeTest {

    static final AnalysisSpec SPEC = AnalysisSpec.classicalDefaults();
    static final String AID = SPEC.analysisId();
    static final WellId A01 = WellId.parse("A01");
    static final ImageRef IMAGE = new ImageRef("DNA", "bucket", "images/sha256/ab/abcd", "abcd", 1234, "P1_A01f00d0.tif");

    private static <T extends Versioned> void assertRoundTrip(final JsonSerde<T> serde, final T value) {
        final byte[] bytes = serde.serialize("t", value);
        final T back = serde.deserialize("t", bytes);
        assertEquals(value, back);
        assertTrue(new String(bytes, StandardCharsets.UTF_8).contains("\"schemaVersion\":1"));
    }

    @Test
    void plateRun() {
        assertRoundTrip(EventSerdes.plateRun(), new PlateRun(1, "E1", "P1", "r1", PlateLayout.WELLS_384,
            List.of("DNA", "GFP"), "DNA", null, 2, 700,
            List.of(new PlateMapEntry(A01, "DMSO", null, "uM", WellRole.NEGATIVE_CONTROL, Map.of("batch", "7")),
                new PlateMapEntry(WellId.parse("B02"), "CPD-1", 0.123, "uM", WellRole.TREATMENT, Map.of())),
            "/data/p1", "2026-11-26T10:00:00Z", true));
    }

    @Test
    void imageSet() {
        assertRoundTrip(EventSerdes.imageSet(), new ImageSet(1, AID, SPEC, "E1", "P1", "r1", A01, 2, List.of(IMAGE),
            "DNA", "CellMask", "2026-11-26T10:00:00Z"));
    }

    @Test
    void siteFeatures() {
        assertRoundTrip(EventSerdes.siteFeatures(), new SiteFeatures(1, AID, SPEC, "E1", "P1", "r1", A01, 1,
            SiteFeatures.Status.OK, null, 42, Map.of("cell_count", 42.0, "nucleus_area", 81.5),
            new SiteQc(0.01, 0.0, List.of()), List.of(IMAGE), "s3://bucket/cells.parquet", "2026-11-26T10:00:00Z"));
        assertRoundTrip(EventSerdes.siteFeatures(), new SiteFeatures(1, AID, SPEC, "E1", "P1", "r1", A01, 1,
            SiteFeatures.Status.FAILED, "truncated TIFF", 0, Map.of(), new SiteQc(0, 0, List.of("failed")),
            List.of(IMAGE), null, "2026-11-26T10:00:00Z"));
    }

    @Test
    void siteFeaturesWithMasks() {
        final SiteFeatures withMasks = new SiteFeatures(1, AID, SPEC, "E1", "P1", "r1", A01, 1,
            SiteFeatures.Status.OK, null, 42, Map.of("cell_count", 42.0), new SiteQc(0.01, 0.0, List.of()),
            List.of(IMAGE), "s3://bucket/cells/a/E1/P1/r1/A01-1.parquet", "2026-11-26T10:00:00Z", Map.of("DNA", "i1"),
            List.of(0.5), Map.of(SiteFeatures.NUCLEI_MASK, "s3://bucket/cells/a/E1/P1/r1/A01-1.nuclei.png",
                SiteFeatures.CELLS_MASK, "s3://bucket/cells/a/E1/P1/r1/A01-1.cells.png"));
        assertRoundTrip(EventSerdes.siteFeatures(), withMasks);
        final String json = new String(EventSerdes.siteFeatures().serialize("t", withMasks), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"masks\":{\"cells\":\"s3://bucket/cells/a/E1/P1/r1/A01-1.cells.png\","), json);

        // a record written before masks existed (no field) still reads, with no masks
        final String old = json.replaceFirst(",?\"masks\":\\{[^}]*\\}", "");
        assertTrue(!old.contains("masks") && old.contains("\"cellDataUri\""), old);
        final SiteFeatures back = EventSerdes.siteFeatures().deserialize("t", old.getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of(), back.masks());
        assertEquals(withMasks.cellDataUri(), back.cellDataUri());
        assertEquals(withMasks.embedding(), back.embedding());
        final SiteFeatures nullMasks = EventSerdes.siteFeatures().deserialize("t",
            json.replaceFirst("\"masks\":\\{[^}]*\\}", "\"masks\":null").getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of(), nullMasks.masks());
    }

    @Test
    void wellProfile() {
        assertRoundTrip(EventSerdes.wellProfile(), new WellProfile(1, AID, "E1", "P1", "r1", A01, "CPD-1", 3.3, "uM",
            WellRole.TREATMENT, 2, 2, 2, 40.5, Map.of("a", 1.0), Map.of("a", 2.5), 3.1, 0.001, 0.9, false, true,
            "2026-11-26T10:00:00Z"));
    }

    @Test
    void compoundScore() {
        assertRoundTrip(EventSerdes.compoundScore(), new CompoundScore(1, AID, "E1", "CPD-1", 1, 5.2, 1e-8, 1e-7, true,
            new CompoundScore.DoseResponseFit("ok", 1.2, 1.5, 5.0, 0.1, 0.98), 4.9, 12,
            List.of(new CompoundScore.DosePoint(30, 5.0, 0.9, 2)), List.of("P1"), true, "2026-11-26T10:00:00Z"));
    }

    @Test
    void compoundScoreWithReplicateAgreement() {
        final CompoundScore withMap = new CompoundScore(1, AID, "E1", "CPD-1", 1, 5.2, 1e-8, 1e-7, true,
            CompoundScore.DoseResponseFit.notFitted("flat"), null, 12, List.of(), List.of("P1"), true,
            "2026-11-26T10:00:00Z", 0.875, 0.0125, 0.05);
        assertRoundTrip(EventSerdes.compoundScore(), withMap);
        final String json = new String(EventSerdes.compoundScore().serialize("t", withMap), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"replicateMap\":0.875"), json);
        assertTrue(json.contains("\"replicateMapPValue\":0.0125"), json);
        assertTrue(json.contains("\"replicateMapQValue\":0.05"), json);
    }

    @Test
    void compoundScoreWrittenBeforeReplicateAgreementStillReads() {
        // A record as the first version of the scorer wrote it: no replicateMap* fields at all.
        final String old = "{\"analysisId\":\"a\",\"compound\":\"CPD-1\",\"doses\":[],\"experimentId\":\"E1\","
            + "\"finalResult\":true,\"fit\":{\"bottom\":null,\"ec50\":null,\"hill\":null,\"rSquared\":null,"
            + "\"status\":\"flat\",\"top\":null},\"hit\":false,\"maxEffect\":0.5,\"nWells\":12,\"pValue\":0.2,"
            + "\"plates\":[\"P1\"],\"qValue\":0.4,\"rank\":3,\"schemaVersion\":1,\"score\":1.5,"
            + "\"updatedAt\":\"2026-11-26T10:00:00Z\"}";
        final CompoundScore back = EventSerdes.compoundScore().deserialize("t", old.getBytes(StandardCharsets.UTF_8));
        assertEquals(new CompoundScore(1, "a", "E1", "CPD-1", 3, 1.5, 0.2, 0.4, false,
            CompoundScore.DoseResponseFit.notFitted("flat"), 0.5, 12, List.of(), List.of("P1"), true,
            "2026-11-26T10:00:00Z"), back);
        assertEquals(null, back.replicateMap());
        assertEquals(null, back.replicateMapPValue());
        assertEquals(null, back.replicateMapQValue());
    }

    @Test
    void plateQc() {
        assertRoundTrip(EventSerdes.plateQc(), new PlateQc(1, AID, "E1", "P1", "r1", 0.62, 4.1, 96, 96, 6000, 192, 192,
            1, 3, PlateQc.Status.FINAL, List.of("edge_effect"), "2026-11-26T10:00:00Z"));
    }

    @Test
    void deadLetter() {
        assertRoundTrip(EventSerdes.deadLetter(), new DeadLetter(1, "scorer", "bad", "java.lang.X", "site-features", 3,
            17L, "k", "{not json", false, "2026-11-26T10:00:00Z"));
    }

    @Test
    void refusesMalformedJsonNamingTheTopic() {
        final SerializationException e = assertThrows(SerializationException.class,
            () -> EventSerdes.plateRun().deserialize("plate-runs", "{nope".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().startsWith("Topic plate-runs: malformed PlateRun JSON"), e.getMessage());
    }

    @Test
    void refusesUnknownOrMissingSchemaVersion() {
        final SerializationException newer = assertThrows(SerializationException.class,
            () -> EventSerdes.plateQc().deserialize("plate-qc", "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(newer.getMessage().contains("unsupported PlateQc schemaVersion 2"), newer.getMessage());
        assertThrows(SerializationException.class,
            () -> EventSerdes.plateQc().deserialize("plate-qc", "{}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void analysisIdChangesWithAnyParameter() {
        final AnalysisSpec other = new AnalysisSpec(SPEC.modelName(), SPEC.modelSha256(), SPEC.extraction(),
            new ScoringParameters(0.1, 1e-6, 0.25, 0.5));
        final AnalysisSpec model = new AnalysisSpec("cellembed", "ff00", SPEC.extraction(), SPEC.scoring());
        assertEquals(AID, AnalysisSpec.classicalDefaults().analysisId());
        assertNotEquals(AID, other.analysisId());
        assertNotEquals(AID, model.analysisId());
        assertTrue(AID.matches("a-[0-9a-f]{16}"), AID);
    }

    @Test
    void keysRejectSeparatorsInIds() {
        assertThrows(IllegalArgumentException.class, () -> Keys.requireId("plate", "P1/2"));
        assertThrows(IllegalArgumentException.class, () -> Keys.requireId("plate", "P|1"));
        assertThrows(IllegalArgumentException.class, () -> Keys.requireId("plate", ""));
        assertEquals("E1/P1/r1/A01/2", Keys.site("E1", "P1", "r1", A01, 2));
    }
}
