package io.phenostream.sink.api;

/**
 * One setting that differs between the specs of analyses A and B (model hash, an extraction or a scoring
 * parameter), as a dotted path into the AnalysisSpec JSON; a value is null where that spec lacks the setting.
 */
public record SpecDifference(String setting, String a, String b) {
}
