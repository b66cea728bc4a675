package io.phenostream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.phenostream.common.config.PhenoConfig;
import io.phenostream.common.events.AnalysisSpec;
import io.phenostream.common.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What a replay changes in the analysis it starts from: another model ({@code --model NAME/VERSION}, or
 * {@code none}) and/or parameters from a JSON file ({@code --params}) with the shape of the spec's parameter
 * objects, e.g. {@code {"scoring": {"fdr": 0.1}, "extraction": {"minNucleusArea": 40}}}; what the file leaves out
 * stays as it was. An unknown name is an error naming it (a typo must not silently replay the same analysis).
 */
final class AnalysisChange {

    private AnalysisChange() {
    }

    static UnaryOperator<AnalysisSpec> of(final String model, final Path params, final PhenoConfig config)
        throws IOException {
        final AnalysisSpec withModel = model == null ? null : PlateFolderOptions.analysis(model, config);
        final JsonNode overrides = params == null ? null : readParams(params);
        return source -> {
            AnalysisSpec spec = source;
            if (withModel != null) {
                spec = new AnalysisSpec(withModel.modelName(), withModel.modelSha256(), spec.extraction(),
                    spec.scoring());
            }
            if (overrides != null) {
                final ObjectNode tree = Json.MAPPER.valueToTree(spec);
                merge(tree, overrides, params.toString(), "");
                try {
                    spec = Json.MAPPER.treeToValue(tree, AnalysisSpec.class);
                } catch (final IOException e) {
                    throw new IllegalArgumentException(params + ": " + e.getMessage(), e);
                }
            }
            return spec;
        };
    }

    private static JsonNode readParams(final Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--params " + file + " is not a file");
        }
        final JsonNode node;
        try {
            node = Json.MAPPER.readTree(Files.readString(file));
        } catch (final IOException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(file + " must hold a JSON object such as {\"scoring\": {\"fdr\": 0.1}}");
        }
        for (final String forbidden : new String[] {"modelName", "modelSha256"}) {
            if (node.has(forbidden)) {
                throw new IllegalArgumentException(file + ": " + forbidden + " comes from the model file; use --model");
            }
        }
        return node;
    }

    /** Copies {@code from} into {@code into}; every name must already exist there, with the same kind of value. */
    private static void merge(final ObjectNode into, final JsonNode from, final String file, final String path) {
        final Iterator<Map.Entry<String, JsonNode>> fields = from.fields();
        while (fields.hasNext()) {
            final Map.Entry<String, JsonNode> f = fields.next();
            final String name = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
            final JsonNode current = into.get(f.getKey());
            if (current == null) {
                throw new IllegalArgumentException(file + ": unknown parameter '" + name + "' (known: "
                    + names(into) + ")");
            }
            if (current.isObject()) {
                if (!f.getValue().isObject()) {
                    throw new IllegalArgumentException(file + ": '" + name + "' must be an object");
                }
                merge((ObjectNode) current, f.getValue(), file, name);
            } else {
                into.set(f.getKey(), f.getValue());
            }
        }
    }

    private static String names(final ObjectNode node) {
        final StringBuilder b = new StringBuilder();
        node.fieldNames().forEachRemaining(n -> b.append(b.length() == 0 ? "" : ", ").append(n));
        return b.toString();
    }
}
