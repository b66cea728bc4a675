package io.phenostream.sink;

import java.time.Instant;

/**
 * One row of the ranked hit list (a compound of one analysis). Doubles are null where not computed.
 * {@code replicateMap} is the compound's replicate agreement (mAP of its wells against the negative controls) with
 * its permutation p-value and BH q-value.
 */
public record HitRow(String analysisId, String compound, int rank, Double score, Double pValue, Double qValue,
                     boolean hit, Double ec50, Double hill, Double top, Double bottom, Double maxEffect,
                     String fitStatus, int nWells, boolean finalResult, Instant updatedAt, Double replicateMap,
                     Double replicateMapPValue, Double replicateMapQValue) {
}
