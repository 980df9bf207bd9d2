"""Push operations: write routes, validation before sending, idempotency, the worker handler.

Public surface: ``PushService`` (API side), ``PushHandler`` (worker, kind ``push``), ``PushBatcher``,
``ConnectorCache``, ``PUSH_SPECS``; routes in ``controllers.push_router``.
"""
