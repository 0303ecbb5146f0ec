"""Dagster assets and asset checks of the warehouse."""
