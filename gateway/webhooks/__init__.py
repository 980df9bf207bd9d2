"""Webhooks: consumers, signed deliveries with retries, the delivery log; ``emit_event`` for features."""
