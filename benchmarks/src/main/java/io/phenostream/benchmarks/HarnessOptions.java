package io.phenostream.benchmarks;

import java.nio.file.Path;
import java.util.Set;

/**
 * Command-line options of {@link IngestThroughputHarness}: the synthetic plate to generate and how many
 * measurement rounds to run.
 *
 * @param wells   plate layout: 96 or 384 wells
 * @param sites   sites per well (each site is three 16-bit channel images)
 * @param size    image width and height in pixels; a 16-bit uncompressed image is {@code 2 * size^2} bytes
 * @param rounds  raw-PUT / ingest / re-push rounds; the summary is the median over rounds
 * @param warmup  rounds run first and not reported (JIT, connection pools, S3Proxy's first buckets)
 * @param seed    synthetic plate seed (same seed, same bytes)
 * @param workDir parent of the temporary folder holding the plate and the servers' data; null = system temp
 * @param keep    keep the temporary folder after the run (to inspect the objects)
 */
public record HarnessOptions(int wells, int sites, int size, int rounds, int warmup, long seed, Path workDir,
                             boolean keep) {

    static final String USAGE = "usage: IngestThroughputHarness [--wells 96|384] [--sites N] [--size PX] [--rounds N]"
        + " [--warmup N] [--seed N] [--work-dir DIR] [--keep]";

    public HarnessOptions {
        if (wells != 96 && wells != 384) {
            throw new IllegalArgumentException("--wells must be 96 or 384, got " + wells);
        }
        if (sites < 1 || sites > 99) {
            throw new IllegalArgumentException("--sites must be 1..99, got " + sites);
        }
        if (size < 64 || size > 8192) {
            throw new IllegalArgumentException("--size must be 64..8192 px, got " + size);
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
        }
    }

    public static HarnessOptions defaults() {
        return new HarnessOptions(96, 2, 1024, 3, 1, 42L, null, false);
    }

    /** Parses {@code --name value} pairs over the defaults; a bad name or value fails naming it. */
    public static HarnessOptions parse(final String[] args) {
        final HarnessOptions d = defaults();
        final HarnessArgs a = HarnessArgs.parse(args, Set.of("--keep"),
            Set.of("--wells", "--sites", "--size", "--rounds", "--warmup", "--seed", "--work-dir"), USAGE);
        return new HarnessOptions(a.intValue("--wells", d.wells), a.intValue("--sites", d.sites),
            a.intValue("--size", d.size), a.intValue("--rounds", d.rounds), a.intValue("--warmup", d.warmup),
            a.longValue("--seed", d.seed), a.path("--work-dir", d.workDir), a.has("--keep"));
    }
}
