"""``gateway.jobs`` re-exports exactly the public names of its modules (style: explicit surface)."""

from __future__ import annotations

import importlib

import gateway.jobs

MODULES = ["limit_store", "models", "queue", "runner", "schedules", "sweeps", "worker"]
NOT_EXPORTED = {"NOTIFY_CHANNEL", "STOP_SIGNALS", "default_worker_id", "log"}
TYPE_ALIASES = {"Handler"}  # aliases carry no __module__ of their own


def test_all_lists_every_public_name_of_the_submodules():
    public: set[str] = set()
    for name in MODULES:
        module = importlib.import_module(f"gateway.jobs.{name}")
        for attr, value in vars(module).items():
            if attr.startswith("_") or attr in NOT_EXPORTED:
                continue
            if getattr(value, "__module__", None) == module.__name__ or (
                attr.isupper() and not isinstance(value, type)
            ):
                public.add(attr)
    assert set(gateway.jobs.__all__) == public | TYPE_ALIASES
    assert all(hasattr(gateway.jobs, attr) for attr in gateway.jobs.__all__)
