package io.phenostream.sink.api;

import java.util.List;

/**
 * One compound of a hit-list page: its scores (as {@link io.phenostream.sink.HitRow}) plus the roles of its wells
 * and how many of them were flagged cytotoxic.
 */
public record Hit(int rank, String compound, Double score, Double pValue, Double qValue, boolean hit, Double ec50,
                  Double hill, Double top, Double bottom, Double maxEffect, String fitStatus, int nWells,
                  boolean finalResult, Double replicateMap, Double replicateMapPValue, Double replicateMapQValue,
                  List<String> roles, int cytotoxicWells) {
}
