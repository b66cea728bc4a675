package io.phenostream.ingest;

import io.phenostream.common.domain.WellId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The images of one plate run found in a folder, grouped by site. Files that match no naming scheme are
 * listed (not silently ignored) so the caller can report them; duplicates, sites missing a channel and
 * symbolic links are collected as {@code problems}, each naming its file, so one run reports them all.
 */
public record PlateFolder(Path dir, NamingScheme scheme, Map<SiteId, Map<String, Path>> sites, List<String> channelTokens,
                          List<Path> unmatched, List<String> problems) {

    /** A site of a well; ordered by well then site. */
    public record SiteId(WellId well, int site) implements Comparable<SiteId> {
        @Override
        public int compareTo(final SiteId o) {
            final int c = well.compareTo(o.well);
            return c != 0 ? c : Integer.compare(site, o.site);
        }
    }

    private static final Set<String> IMAGE_SUFFIXES = Set.of(".tif", ".tiff", ".png");

    /**
     * @param scheme the naming scheme, or null to detect it from the file names
     */
    public static PlateFolder scan(final Path dir, final NamingScheme scheme) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("Plate folder " + dir + " does not exist or is not a directory");
        }
        final List<String> problems = new ArrayList<>();
        final List<Path> images = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (final Path p : files.filter(PlateFolder::isImage)
                .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList()) {
                if (Files.isSymbolicLink(p)) {
                    // A link may point anywhere (outside the folder, at another plate): images must be files here.
                    problems.add(p.getFileName() + ": symbolic link refused; copy the image into " + dir);
                } else if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    images.add(p);
                }
            }
        } catch (final IOException e) {
            throw new IllegalArgumentException("Cannot list plate folder " + dir + ": " + e.getMessage(), e);
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("No .tif/.tiff/.png images in " + dir
                + (problems.isEmpty() ? "" : ": " + problems));
        }
        final List<String> names = images.stream().map(p -> p.getFileName().toString()).toList();
        final NamingScheme used = scheme != null ? scheme : NamingScheme.detect(names).orElseThrow(() ->
            new IllegalArgumentException("No known naming scheme matches the images in " + dir + " (e.g. "
                + names.get(0) + "); give --pattern REGEX or --preset NAME (" + NamingScheme.PRESETS.stream()
                .map(NamingScheme::name).toList() + ")"));
        final Map<SiteId, Map<String, Path>> sites = new TreeMap<>();
        final Set<String> tokens = new TreeSet<>();
        final List<Path> unmatched = new ArrayList<>();
        for (final Path image : images) {
            final var location = used.locate(image.getFileName().toString());
            if (location.isEmpty()) {
                unmatched.add(image);
                continue;
            }
            final var loc = location.get();
            tokens.add(loc.channel());
            final Path previous = sites.computeIfAbsent(new SiteId(loc.well(), loc.site()), k -> new TreeMap<>())
                .put(loc.channel(), image);
            if (previous != null) {
                problems.add(image.getFileName() + ": second image for well " + loc.well() + " site " + loc.site()
                    + " channel " + loc.channel() + " (first: " + previous.getFileName() + ")");
            }
        }
        for (final var e : sites.entrySet()) {
            if (!e.getValue().keySet().equals(tokens)) {
                final Set<String> missing = new TreeSet<>(tokens);
                missing.removeAll(e.getValue().keySet());
                problems.add(e.getValue().values().iterator().next().getFileName() + ": well " + e.getKey().well()
                    + " site " + e.getKey().site() + " lacks channel(s) " + missing + " (has " + e.getValue().keySet()
                    + ")");
            }
        }
        return new PlateFolder(dir, used, sites, new ArrayList<>(tokens), unmatched, List.copyOf(problems));
    }

    public int sitesPerWell() {
        final Map<WellId, Integer> perWell = new TreeMap<>();
        sites.keySet().forEach(s -> perWell.merge(s.well(), 1, Integer::sum));
        return perWell.values().stream().max(Integer::compare).orElse(0);
    }

    private static boolean isImage(final Path p) {
        final String n = p.getFileName().toString().toLowerCase();
        return IMAGE_SUFFIXES.stream().anyMatch(n::endsWith);
    }
}
