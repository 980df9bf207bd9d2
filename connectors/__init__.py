"""Connector framework and implementations. Nothing here imports ``gateway`` or reads the environment."""
