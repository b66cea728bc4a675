package io.phenostream.benchmarks;

import io.phenostream.common.domain.PlateLayout;
import io.phenostream.common.domain.WellId;
import io.phenostream.common.synth.SynthFiles;
import io.phenostream.common.synth.SynthOptions;
import io.phenostream.common.synth.SyntheticPlate;
import io.phenostream.common.synth.SyntheticPlateGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The encoded 16-bit TIFFs of one synthetic site (well A01, a DMSO control: about 35 cells per 256^2 px), by
 * channel name, for the JMH benchmarks. The plate is generated into a temporary folder that is deleted again.
 */
final class SyntheticSiteImages {

    static final String NUCLEAR = SynthFiles.CHANNELS.get(SynthFiles.DNA);
    static final String CELL = SynthFiles.CHANNELS.get(SynthFiles.CELL_MASK);

    private SyntheticSiteImages() {
    }

    /** Channel name -> TIFF bytes of well A01, site 0, of a 96-well plate of {@code size} px images. */
    static Map<String, byte[]> site(final int size, final long seed) {
        try {
            final Path dir = Files.createTempDirectory("synthetic-site-");
            try {
                final SyntheticPlate plate = new SyntheticPlateGenerator(1).generate(SynthOptions.defaults()
                    .withLayout(PlateLayout.WELLS_96).withSitesPerWell(1).withImageSize(size).withSeed(seed), dir);
                final Map<String, byte[]> images = new LinkedHashMap<>();
                for (int c = 0; c < SynthFiles.CHANNELS.size(); c++) {
                    images.put(SynthFiles.CHANNELS.get(c),
                        Files.readAllBytes(plate.imagePath(WellId.parse("A01"), 0, c)));
                }
                return images;
            } finally {
                try (Stream<Path> paths = Files.walk(dir)) {
                    for (final Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot generate a synthetic site: " + e.getMessage(), e);
        }
    }
}
