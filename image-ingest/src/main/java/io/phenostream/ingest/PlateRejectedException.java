package io.phenostream.ingest;

import java.util.List;

/**
 * A plate run refused before anything was published: every problem found, one line each, naming its file or
 * well, so lab automation can fix them all in one go.
 */
public final class PlateRejectedException extends IllegalArgumentException {

    private static final int SHOWN = 40;

    private final List<String> problems;

    public PlateRejectedException(final String what, final List<String> problems) {
        super(message(what, problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    private static String message(final String what, final List<String> problems) {
        final StringBuilder sb = new StringBuilder(what).append(" refused, ").append(problems.size())
            .append(" problem(s), nothing published:");
        problems.stream().limit(SHOWN).forEach(p -> sb.append("\n  ").append(p));
        if (problems.size() > SHOWN) {
            sb.append("\n  ... and ").append(problems.size() - SHOWN).append(" more");
        }
        return sb.toString();
    }
}
