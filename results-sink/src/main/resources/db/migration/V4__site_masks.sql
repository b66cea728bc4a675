-- PhenoStream results schema, version 4: the label images (segmentation masks) of each analysed site, as the
-- extractor stored them beside its cell table: {"nuclei": "s3://...nuclei.png", "cells": "s3://...cells.png"}
-- (16-bit PNG, pixel = cell label). NULL for failed sites and for rows written before masks were stored; the
-- well page then shows thumbnails without outlines.

ALTER TABLE site_features ADD COLUMN IF NOT EXISTS masks jsonb;
