package io.phenostream.extractor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private static final TopicPartition P0 = new TopicPartition("image-sets", 0);
    private static final TopicPartition P1 = new TopicPartition("image-sets", 1);

    @Test
    void commitsOnlyTheDonePrefixOfEachPartition() {
        final OffsetTracker t = new OffsetTracker();
        for (long o = 10; o < 15; o++) {
            t.track(P0, o);
        }
        t.track(P1, 3);
        assertEquals(6, t.inFlight());
        t.done(P0, 12);
        t.done(P0, 13);
        assertEquals(Map.of(), t.committable(), "offset 10 is still in flight");
        t.done(P0, 10);
        assertEquals(Map.of(P0, new OffsetAndMetadata(11)), t.committable(), "11 still in flight");
        t.done(P0, 11);
        t.done(P1, 3);
        assertEquals(Map.of(P0, new OffsetAndMetadata(14), P1, new OffsetAndMetadata(4)), t.committable());
        assertEquals(Map.of(), t.committable(), "a prefix is committed once");
        assertEquals(1, t.inFlight());
    }

    @Test
    void revokedPartitionsAreForgottenAndLateCompletionsIgnored() {
        final OffsetTracker t = new OffsetTracker();
        t.track(P0, 1);
        t.track(P0, 2);
        t.track(P1, 7);
        t.done(P0, 1);
        t.forget(List.of(P0));
        assertEquals(1, t.inFlight());
        t.done(P0, 2); // finished after its partition moved to another worker
        assertEquals(Map.of(), t.committable());
        t.done(P1, 7);
        t.done(P1, 7); // twice: counted once
        assertEquals(0, t.inFlight());
        assertEquals(Map.of(P1, new OffsetAndMetadata(8)), t.committable());
    }
}
