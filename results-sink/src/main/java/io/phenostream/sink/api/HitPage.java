package io.phenostream.sink.api;

import java.util.List;

/** A page of the filtered hit list; {@code total} counts every row the filters match. */
public record HitPage(String experimentId, String analysisId, long total, int limit, int offset, String sort,
                      String order, List<Hit> hits) {
}
