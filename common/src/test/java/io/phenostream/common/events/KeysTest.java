package io.phenostream.common.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Identifiers end up in object keys and URL paths: nothing in them may climb out of a prefix. */
class KeysTest {

    @Test
    void pathLikeIdsAreRefused() {
        for (final String hostile : new String[] {".", "..", "...", "../etc", "a/../b", "..\\x", "%2e%2e", "a b",
            "<script>", "x'; DROP TABLE plate_runs;--", "x".repeat(129)}) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Keys.requireId("experiment", hostile), hostile);
            assertTrue(e.getMessage().startsWith("experiment '"), e.getMessage());
        }
    }

    @Test
    void dotsInsideAnIdAreFine() {
        for (final String ok : new String[] {"v1.2", ".hidden", "run..2", "a", "x".repeat(128), "EXP-2026_01"}) {
            assertEquals(ok, Keys.requireId("experiment", ok));
        }
    }
}
