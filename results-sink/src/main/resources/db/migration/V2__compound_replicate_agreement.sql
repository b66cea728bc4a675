-- PhenoStream results schema, version 2: replicate agreement of each compound (copairs-style mean average
-- precision of its wells against the negative controls), its permutation p-value and its BH q-value over the
-- experiment's compounds. Nullable: rows written before the scorer computed it keep NULL.

ALTER TABLE compound_scores ADD COLUMN IF NOT EXISTS replicate_map          double precision;
ALTER TABLE compound_scores ADD COLUMN IF NOT EXISTS replicate_map_p_value  double precision;
ALTER TABLE compound_scores ADD COLUMN IF NOT EXISTS replicate_map_q_value  double precision;
