"""Attachments of records: upload (a push operation), list, metadata, download."""
