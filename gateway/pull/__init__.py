"""Pulls: queue reads from the accounting platform, run them in workers, report data status and history."""
