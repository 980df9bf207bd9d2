"""Intacct Gateway: a Codat-compatible accounting API for Sage Intacct."""

__version__ = "0.1.0"
