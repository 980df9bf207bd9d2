"""Passthrough: query and write platform objects the unified model does not cover (e.g. Intacct PROJECT)."""
