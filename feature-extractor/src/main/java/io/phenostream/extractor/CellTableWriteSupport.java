package io.phenostream.extractor;

import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Writes row {@code i} of one site's table: the identity columns (the same value on every row, so dictionary
 * encoding makes them nearly free), the cell number, the features and the embedding. NaN becomes null: an
 * undefined feature is missing, which pandas reads back as NaN, R as NA, and SQL aggregates skip.
 */
final class CellTableWriteSupport extends WriteSupport<Integer> {

    private final MessageType schema;
    private final Map<String, String> metadata;
    private final Binary[] identity;
    private final int site;
    private final double[][] rows;
    private final float[][] embeddings;
    private final int featureCount;
    private final int embeddingDim;
    private final List<String> columns;
    private RecordConsumer out;

    CellTableWriteSupport(final MessageType schema, final Map<String, String> metadata, final CellTableSite cellSite,
                          final double[][] rows, final float[][] embeddings, final int featureCount,
                          final int embeddingDim) {
        this.schema = schema;
        this.metadata = metadata;
        this.identity = new Binary[] {
            Binary.fromString(cellSite.analysisId()), Binary.fromString(cellSite.experimentId()),
            Binary.fromString(cellSite.plateId()), Binary.fromString(cellSite.runId()),
            Binary.fromString(cellSite.well().toString())};
        this.site = cellSite.site();
        this.rows = rows;
        this.embeddings = embeddings;
        this.featureCount = featureCount;
        this.embeddingDim = embeddingDim;
        this.columns = schema.getFields().stream().map(f -> f.getName()).toList();
    }

    @Override
    public WriteContext init(final ParquetConfiguration configuration) {
        return new WriteContext(schema, metadata);
    }

    @Override
    public WriteContext init(final Configuration configuration) {
        return new WriteContext(schema, metadata);
    }

    @Override
    public void prepareForWrite(final RecordConsumer recordConsumer) {
        this.out = recordConsumer;
    }

    @Override
    public void write(final Integer row) {
        final int r = row;
        out.startMessage();
        int field = 0;
        for (final Binary value : identity) {
            out.startField(columns.get(field), field);
            out.addBinary(value);
            out.endField(columns.get(field), field);
            field++;
        }
        out.startField(CellTableWriter.SITE, field);
        out.addInteger(site);
        out.endField(CellTableWriter.SITE, field);
        field++;
        out.startField(CellTableWriter.CELL, field);
        out.addInteger(r + 1);
        out.endField(CellTableWriter.CELL, field);
        field++;
        final double[] values = rows[r];
        for (int f = 0; f < featureCount; f++, field++) {
            if (!Double.isNaN(values[f])) {
                out.startField(columns.get(field), field);
                out.addDouble(values[f]);
                out.endField(columns.get(field), field);
            }
        }
        if (embeddingDim > 0) {
            final float[] vector = embeddings[r];
            for (int d = 0; d < embeddingDim; d++, field++) {
                if (!Float.isNaN(vector[d])) {
                    out.startField(columns.get(field), field);
                    out.addFloat(vector[d]);
                    out.endField(columns.get(field), field);
                }
            }
        }
        out.endMessage();
    }
}
