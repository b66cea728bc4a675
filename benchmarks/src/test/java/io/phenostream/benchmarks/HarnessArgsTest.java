package io.phenostream.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HarnessArgsTest {

    private static final String USAGE = "usage: X [--n N] [--list A,B] [--flag]";

    private static HarnessArgs parse(final String... args) {
        return HarnessArgs.parse(args, Set.of("--flag"), Set.of("--n", "--list", "--rate", "--dir", "--s"), USAGE);
    }

    @Test
    void valuesOverrideDefaultsAndAbsentOnesKeepThem() {
        final HarnessArgs a = parse("--n", " 7", "--flag", "--list", "1,2, 4", "--rate", "2.5", "--dir", "/tmp/x");
        assertEquals(7, a.intValue("--n", 1));
        assertEquals(7L, a.longValue("--n", 1L));
        assertEquals(List.of(1, 2, 4), a.intList("--list", List.of()));
        assertEquals(2.5, a.doubleValue("--rate", 0));
        assertEquals(Path.of("/tmp/x"), a.path("--dir", null));
        assertEquals("d", a.string("--s", "d"));
        assertTrue(a.has("--flag"));
        assertFalse(parse().has("--flag"));
        assertEquals(3, parse().intValue("--n", 3));
    }

    @Test
    void badCommandLinesFailNamingTheOptionWithTheUsage() {
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> parse("--m", "1"));
        assertEquals("Unknown option --m; " + USAGE, unknown.getMessage());
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> parse("--n"));
        assertEquals("Option --n needs a value; " + USAGE, missing.getMessage());
        final IllegalArgumentException notInt = assertThrows(IllegalArgumentException.class,
            () -> parse("--list", "1,x").intList("--list", List.of()));
        assertEquals("Option --list needs an integer, got 'x'; " + USAGE, notInt.getMessage());
        assertThrows(IllegalArgumentException.class, () -> parse("--rate", "fast").doubleValue("--rate", 0));
        // A flag given a value is not swallowed: the value is then an unknown option.
        assertThrows(IllegalArgumentException.class, () -> parse("--flag", "yes"));
    }
}
