"""Per-connection settings (custom field mappings, auto-numbering, approvals, limits)."""
