package io.phenostream.common.events;

import java.util.List;

/**
 * Image quality of one site. {@code focusScore} is the variance of the Laplacian of the nuclear channel
 * (scaled to [0,1] intensities); the scorer compares it with the plate's median to exclude blurred sites.
 */
public record SiteQc(double focusScore, double saturationFraction, List<String> flags) {

    public SiteQc {
        flags = flags == null ? List.of() : List.copyOf(flags);
    }
}
