package io.phenostream.common.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.phenostream.common.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Everything that determines derived results: the embedding model (name and file hash, or "none" for
 * classical features only), the extraction parameters and the scoring parameters. It travels with every
 * image-set so that each stage applies exactly the analysis it was asked for, and a replay with a new model
 * or new parameters gets a new {@link #analysisId()}.
 */
public record AnalysisSpec(String modelName, String modelSha256, ExtractionParameters extraction,
                           ScoringParameters scoring) {

    public static final String NO_MODEL = "none";

    public static AnalysisSpec classicalDefaults() {
        return new AnalysisSpec(NO_MODEL, NO_MODEL, ExtractionParameters.defaults(), ScoringParameters.defaults());
    }

    /** First 16 hex digits of sha256 over the canonical JSON of this spec. */
    @JsonIgnore
    public String analysisId() {
        try {
            final byte[] canonical = Json.canonicalBytes(this);
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical);
            return "a-" + HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String describe() {
        return new String(Json.canonicalBytes(this), StandardCharsets.UTF_8);
    }
}
