package io.phenostream.benchmarks;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Command-line options of {@link PipelineBenchmarkHarness}: the synthetic plates, how many go through each phase,
 * the extractor thread counts to compare and the embedding model, if any.
 *
 * @param wells     wells per plate of the latency and throughput phases: 96 or 384
 * @param sites     sites per well (each site is three 16-bit channel images)
 * @param size      image width and height in pixels (about 31 cells per 256^2 px site)
 * @param plates    plates pushed one at a time (each waits for its final hit list) for latency and heap growth
 * @param burst     plates pushed back to back per extractor thread count, for steady-state throughput
 * @param threads   extractor analysis thread counts ({@code phenostream.extractor.threads}) to compare, one pipeline
 *                  each; the largest runs the latency, memory and 384-well phases
 * @param with384   also push one 384-well plate back to back at the largest thread count (96 vs 384 wells)
 * @param modelsDir root of the models ({@code <dir>/<name>/<version>/model.pt})
 * @param model     {@code <name>/<version>} under {@code modelsDir} to embed cells with; null = classical analysis
 * @param out       folder the SVG plots are written to
 * @param workDir   parent of the temporary folder holding the plates and the servers' data; null = system temp
 * @param seed      seed of the first plate (plate k uses seed + k: different bytes, so nothing is deduplicated)
 * @param keep      keep the temporary folder after the run
 */
public record PipelineHarnessOptions(int wells, int sites, int size, int plates, int burst, List<Integer> threads,
                                     boolean with384, Path modelsDir, String model, Path out, Path workDir, long seed,
                                     boolean keep) {

    static final String USAGE = "usage: PipelineBenchmarkHarness [--large] [--wells 96|384] [--sites N] [--size PX]"
        + " [--plates N] [--burst N] [--threads 1,2] [--384 | --no-384] [--models DIR] [--model NAME/VERSION]"
        + " [--out DIR] [--work-dir DIR] [--seed N] [--keep]";

    public PipelineHarnessOptions {
        if (wells != 96 && wells != 384) {
            throw new IllegalArgumentException("--wells must be 96 or 384, got " + wells);
        }
        if (sites < 1 || sites > 99) {
            throw new IllegalArgumentException("--sites must be 1..99, got " + sites);
        }
        if (size < 64 || size > 4096) {
            throw new IllegalArgumentException("--size must be 64..4096 px, got " + size);
        }
        if (plates < 1) {
            throw new IllegalArgumentException("--plates must be >= 1, got " + plates);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("--burst must be >= 1, got " + burst);
        }
        if (threads == null || threads.isEmpty() || threads.stream().anyMatch(t -> t < 1)) {
            throw new IllegalArgumentException("--threads must list thread counts >= 1, got " + threads);
        }
        if (model != null && model.split("/", -1).length != 2) {
            throw new IllegalArgumentException("--model must be NAME/VERSION, got " + model);
        }
        threads = List.copyOf(threads);
    }

    /** The default size: about 6 minutes on 2 shared cores (6 min 23 s measured, load 3 to 16). */
    public static PipelineHarnessOptions defaults() {
        return new PipelineHarnessOptions(96, 1, 256, 10, 4, List.of(1, 2), true, Path.of("models"), null,
            Path.of("benchmarks/target/pipeline-bench"), null, 42L, false);
    }

    /** {@code --large}: 2 sites of 512 px per well (4x the pixels and cells per site, 8x per plate), more plates. */
    public static PipelineHarnessOptions large() {
        final PipelineHarnessOptions d = defaults();
        return new PipelineHarnessOptions(96, 2, 512, 10, 6, d.threads, true, d.modelsDir, null, d.out, null, d.seed,
            false);
    }

    /** The largest thread count: the one the latency, memory and 384-well phases run at. */
    int mainThreads() {
        return threads.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    /** Parses {@code --name value} pairs over the defaults ({@code --large} first, wherever it stands). */
    public static PipelineHarnessOptions parse(final String[] args) {
        final HarnessArgs a = HarnessArgs.parse(args, Set.of("--large", "--keep", "--384", "--no-384"),
            Set.of("--wells", "--sites", "--size", "--plates", "--burst", "--threads", "--models", "--model", "--out",
                "--work-dir", "--seed"), USAGE);
        final boolean largeRun = a.has("--large");
        final PipelineHarnessOptions d = largeRun ? large() : defaults();
        final int wells = a.intValue("--wells", d.wells);
        final int sites = a.intValue("--sites", d.sites);
        final int size = a.intValue("--size", d.size);
        // A 384-well plate by default only where it stays small (at most 256 px, one site per well) or with --large.
        final boolean big = a.has("--384") || !a.has("--no-384") && (largeRun || size <= 256 && sites == 1);
        return new PipelineHarnessOptions(wells, sites, size, a.intValue("--plates", d.plates),
            a.intValue("--burst", d.burst), a.intList("--threads", d.threads), big && wells == 96,
            a.path("--models", d.modelsDir), a.string("--model", d.model), a.path("--out", d.out),
            a.path("--work-dir", d.workDir), a.longValue("--seed", d.seed), a.has("--keep") || d.keep);
    }
}
