package io.phenostream.extractor.analysis;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How {@link CellCropper} scales each channel of a crop, as a model's {@code model.json} declares it in its
 * {@code normalization} text. The text before the first ':' names the method (what follows is prose for people):
 * <ul>
 *   <li>{@code per-crop pLO-pHI}: lo and hi are the LO-th and HI-th percentiles of the crop's own in-image pixels;
 *       each cell is stretched to [0,1], so its absolute brightness is lost (cellembed/1, which declares it in the
 *       older wording {@value #LEGACY_PER_CROP} ..., read as {@code per-crop p1-p99}).</li>
 *   <li>{@code per-site pLO-pHI}: lo and hi are percentiles of the whole site image of that channel, shared by every
 *       crop of the site, so a cell keeps its brightness relative to its site.</li>
 *   <li>{@code fixed LO-HI}: lo and hi are constants, in the decoded pixel scale (a fraction of the image bit
 *       depth's full scale, so 0.125 is 8192 counts of a 16-bit image): a cell keeps its absolute brightness.</li>
 *   <li>{@code none}: the raw pixel values (test fixtures, training-data experiments).</li>
 * </ul>
 * Pixels become (v - lo) / (hi - lo) clipped to [0,1] (except for {@code none}); a model whose text matches none
 * of these is refused, since feeding it crops scaled another way would give silently wrong embeddings.
 *
 * @param scope where lo and hi come from
 * @param low   percentile (per-crop, per-site) or decoded pixel value (fixed) mapped to 0; unused for none
 * @param high  percentile or pixel value mapped to 1; unused for none
 */
public record CropNormalization(Scope scope, double low, double high) {

    /** Where lo and hi come from. */
    public enum Scope {
        CROP, SITE, FIXED, NONE
    }

    /** The wording cellembed/1's model.json uses for per-crop 1st..99th percentile scaling. */
    public static final String LEGACY_PER_CROP = "CellCropper: per crop and channel, (v - p1) / (p99 - p1)";
    /** What the extractor always did before models declared a method: per crop, 1st..99th percentile. */
    public static final CropNormalization PER_CROP_DEFAULT = new CropNormalization(Scope.CROP, 1, 99);
    public static final CropNormalization NONE = new CropNormalization(Scope.NONE, 0, 0);

    private static final String NUMBER = "(\\d+(?:\\.\\d+)?)";
    private static final Pattern PERCENTILES = Pattern.compile("(per-crop|per-site) p" + NUMBER + "-p" + NUMBER);
    private static final Pattern FIXED = Pattern.compile("fixed " + NUMBER + "-" + NUMBER);

    public CropNormalization {
        if (scope == null) {
            throw new IllegalArgumentException("scope is required");
        }
        if ((scope == Scope.CROP || scope == Scope.SITE) && !(low >= 0 && low < high && high <= 100)) {
            throw new IllegalArgumentException("need 0 <= low percentile < high percentile <= 100, was " + low
                + " and " + high);
        }
        if (scope == Scope.FIXED && !(low < high)) {
            throw new IllegalArgumentException("need low < high, was " + low + " and " + high);
        }
    }

    /**
     * Reads a model's normalization text; null or blank is {@link #PER_CROP_DEFAULT}.
     *
     * @throws IllegalArgumentException naming the known methods when the text declares none of them
     */
    public static CropNormalization parse(final String text) {
        if (text == null || text.isBlank()) {
            return PER_CROP_DEFAULT;
        }
        if (text.startsWith(LEGACY_PER_CROP)) {
            return PER_CROP_DEFAULT;
        }
        final int colon = text.indexOf(':');
        final String method = (colon < 0 ? text : text.substring(0, colon)).strip();
        final Matcher percentiles = PERCENTILES.matcher(method);
        if (percentiles.matches()) {
            return new CropNormalization(percentiles.group(1).equals("per-crop") ? Scope.CROP : Scope.SITE,
                Double.parseDouble(percentiles.group(2)), Double.parseDouble(percentiles.group(3)));
        }
        final Matcher fixed = FIXED.matcher(method);
        if (fixed.matches()) {
            return new CropNormalization(Scope.FIXED, Double.parseDouble(fixed.group(1)),
                Double.parseDouble(fixed.group(2)));
        }
        if (method.equals("none")) {
            return NONE;
        }
        throw new IllegalArgumentException("Unknown crop normalization '" + method + "' (in '" + text + "'): the "
            + "extractor knows 'per-crop pLO-pHI', 'per-site pLO-pHI', 'fixed LO-HI' and 'none' (the text before the "
            + "first ':'), e.g. 'per-crop p1-p99'");
    }

    /** The method as {@link #parse} reads it, e.g. {@code per-site p1-p99.9}. */
    public String id() {
        return switch (scope) {
            case CROP -> "per-crop p" + number(low) + "-p" + number(high);
            case SITE -> "per-site p" + number(low) + "-p" + number(high);
            case FIXED -> "fixed " + number(low) + "-" + number(high);
            case NONE -> "none";
        };
    }

    private static String number(final double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }

    @Override
    public String toString() {
        return id();
    }
}
