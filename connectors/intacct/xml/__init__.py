"""Intacct XML codec: envelope building and hardened parsing (no HTTP here)."""
