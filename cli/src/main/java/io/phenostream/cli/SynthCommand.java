package io.phenostream.cli;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.synth.SynthOptions;
import io.phenostream.common.synth.SyntheticPlate;
import io.phenostream.common.synth.SyntheticPlateGenerator;
import io.phenostream.common.synth.SynthFiles;
import io.phenostream.ingest.ChannelLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code screen synth}: writes a synthetic plate with known ground truth. */
@Command(name = "synth", mixinStandardHelpOptions = true,
    description = "Write a synthetic plate (16-bit TIFFs, plate-map.csv, ground truth) with known hits and EC50s.")
public final class SynthCommand implements Callable<Integer> {

    @Option(names = "--wells", defaultValue = "96", description = "96 or 384 (default ${DEFAULT-VALUE}).")
    int wells;

    @Option(names = "--sites", defaultValue = "2", description = "Sites per well (default ${DEFAULT-VALUE}).")
    int sites;

    @Option(names = "--size", defaultValue = "256", description = "Image width and height in pixels (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed; same seed, same bytes (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--plate", defaultValue = "SYNTH-P001", description = "Plate barcode (default ${DEFAULT-VALUE}).")
    String plate;

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Override
    public Integer call() {
        final SyntheticPlate plate = generate(options(wells, sites, size, seed, this.plate), out);
        System.out.printf("Wrote a %d-well synthetic plate (%d sites, %d compounds) to %s%n", wells,
            plate.sites().size(), plate.compounds().size(), out);
        return 0;
    }

    public static SynthOptions options(final int wells, final int sites, final int size, final long seed, final String plate) {
        return SynthOptions.defaults().withLayout(PlateLayout.parse(Integer.toString(wells))).withSitesPerWell(sites)
            .withImageSize(size).withSeed(seed).withPlateId(plate);
    }

    /** Generates the plate and a {@code channels.csv} naming its channels, so ingest needs no options. */
    public static SyntheticPlate generate(final SynthOptions options, final Path out) {
        final SyntheticPlate plate = new SyntheticPlateGenerator().generate(options, out);
        final Map<String, String> names = new LinkedHashMap<>();
        for (int i = 0; i < SynthFiles.CHANNELS.size(); i++) {
            names.put(Integer.toString(i), SynthFiles.CHANNELS.get(i));
        }
        try {
            ChannelLayout.write(out.resolve(ChannelLayout.SIDECAR),
                new ChannelLayout(names, SynthFiles.CHANNELS.get(0), SynthFiles.CHANNELS.get(2)));
        } catch (final java.io.IOException e) {
            throw new IllegalStateException("Cannot write " + out.resolve(ChannelLayout.SIDECAR) + ": " + e.getMessage(), e);
        }
        return plate;
    }
}
