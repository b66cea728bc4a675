package io.phenostream.sink;

import static io.phenostream.sink.TestEvents.compound;
import static io.phenostream.sink.TestEvents.plateQc;
import static io.phenostream.sink.TestEvents.plateRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.phenostream.common.events.PlateQc;
import org.junit.jupiter.api.Test;

class BatchTest {

    @Test
    void laterEventOfAKeyWinsUnlessItWouldUndoAFinalResult() {
        final Batch b = Batch.of(
            compound("a", "E", "c", 1, 1.0, 0.1, false, null),
            compound("a", "E", "c", 2, 2.0, 0.1, true, null),
            compound("a", "E", "c", 3, 3.0, 0.1, false, null), // stale: dropped
            compound("a", "E", "d", 4, 4.0, 0.1, false, null),
            compound("a", "E", "d", 5, 5.0, 0.1, false, null),
            plateQc("a", "E", "P1", PlateQc.Status.FINAL, 0.5, null),
            plateQc("a", "E", "P1", PlateQc.Status.RUNNING, 0.1, null),
            plateRun("E", "P1", "r1"), plateRun("E", "P1", "r1"));
        assertEquals(9, b.eventCount());
        assertEquals(4, b.rowCount());
        assertEquals(2.0, b.compoundScores().stream().filter(s -> s.compound().equals("c")).findFirst()
            .orElseThrow().score());
        assertEquals(5.0, b.compoundScores().stream().filter(s -> s.compound().equals("d")).findFirst()
            .orElseThrow().score());
        assertEquals(0.5, b.plateQcs().get(0).zPrime());
        assertThrows(IllegalArgumentException.class, () -> Batch.of("not an event"));
    }
}
