package io.phenostream.benchmarks;

import java.nio.file.Path;
import java.util.Set;

/**
 * Command-line options of {@link ExtractorThroughputHarness}: the synthetic plate, the embedding model and how
 * many measurement rounds to run.
 *
 * @param wells       plate layout: 96 or 384 wells
 * @param sites       sites per well (each site is three 16-bit channel images)
 * @param size        image width and height in pixels (about 35 cells per 256^2 px)
 * @param rounds      worker / bare-loop / bare-model rounds; the summary is the median over rounds
 * @param warmupSites sites run through the worker and the bare loops first and not reported (JIT, model load,
 *                    consumer group join, connection pools)
 * @param threads     analysis threads of the worker and of the bare loop; 0 = {@code phenostream.extractor.threads}
 *                    (whose own 0 means one per core)
 * @param seed        synthetic plate seed (same seed, same bytes)
 * @param modelsDir   root of the models ({@code <dir>/<name>/<version>/model.pt}); null = the test fixture model of
 *                    {@code feature-extractor/src/test/resources/fixture-model}, copied with channel roles
 * @param model       {@code <name>/<version>} under {@code modelsDir}; ignored without {@code modelsDir}
 * @param workDir     parent of the temporary folder holding the plate and the servers' data; null = system temp
 * @param keep        keep the temporary folder after the run
 */
public record ExtractorHarnessOptions(int wells, int sites, int size, int rounds, int warmupSites, int threads,
                                     long seed, Path modelsDir, String model, Path workDir, boolean keep) {

    static final String USAGE = "usage: ExtractorThroughputHarness [--wells 96|384] [--sites N] [--size PX]"
        + " [--rounds N] [--warmup-sites N] [--threads N] [--seed N] [--models DIR --model NAME/VERSION]"
        + " [--work-dir DIR] [--keep]";

    public ExtractorHarnessOptions {
        if (wells != 96 && wells != 384) {
            throw new IllegalArgumentException("--wells must be 96 or 384, got " + wells);
        }
        if (sites < 1 || sites > 99) {
            throw new IllegalArgumentException("--sites must be 1..99, got " + sites);
        }
        if (size < 64 || size > 4096) {
            throw new IllegalArgumentException("--size must be 64..4096 px, got " + size);
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
        }
        if (warmupSites < 0) {
            throw new IllegalArgumentException("--warmup-sites must be >= 0, got " + warmupSites);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
        }
        if (modelsDir != null && (model == null || model.split("/", -1).length != 2)) {
            throw new IllegalArgumentException("--models needs --model NAME/VERSION, got " + model);
        }
        if (modelsDir == null && model != null) {
            throw new IllegalArgumentException("--model needs --models DIR (without it the fixture model is used)");
        }
    }

    public static ExtractorHarnessOptions defaults() {
        return new ExtractorHarnessOptions(96, 2, 512, 3, 24, 0, 42L, null, null, null, false);
    }

    /** Parses {@code --name value} pairs over the defaults; a bad name or value fails naming it. */
    public static ExtractorHarnessOptions parse(final String[] args) {
        final ExtractorHarnessOptions d = defaults();
        final HarnessArgs a = HarnessArgs.parse(args, Set.of("--keep"), Set.of("--wells", "--sites", "--size",
            "--rounds", "--warmup-sites", "--threads", "--seed", "--models", "--model", "--work-dir"), USAGE);
        return new ExtractorHarnessOptions(a.intValue("--wells", d.wells), a.intValue("--sites", d.sites),
            a.intValue("--size", d.size), a.intValue("--rounds", d.rounds),
            a.intValue("--warmup-sites", d.warmupSites), a.intValue("--threads", d.threads),
            a.longValue("--seed", d.seed), a.path("--models", d.modelsDir), a.string("--model", d.model),
            a.path("--work-dir", d.workDir), a.has("--keep"));
    }
}
