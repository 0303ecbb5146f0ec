"""Ingestion: from a file in the inbox to rows in the DuckDB schema ``raw`` (no Dagster imports)."""
