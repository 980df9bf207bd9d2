"""Function handlers of the sandbox; ``load_all()`` registers them by importing their modules.

Imports are explicit and happen when an app is created, not when this package is imported, so the
registry has no import-time side effects. The transaction write handlers (``ap``, ``ar``, ``oe``,
``cash``, ``gl``, ``supdoc``, and ``ap_delete``, ``ar_update``, ``ar_apply``, ``deposits`` for payment
deletes, invoice updates, later AR applications and bank deposits) are imported only when their
module exists, so the core works on its own.
"""

from __future__ import annotations

import importlib
import importlib.util

#: Always present: sessions, query, readByQuery/read, master data.
CORE_MODULES = ("session", "query", "read", "parties")
#: Transaction write handlers, imported when present.
WRITE_MODULES = ("ap", "ar", "oe", "cash", "gl", "supdoc", "ap_delete", "ar_update", "ar_apply", "deposits")

_loaded: list[str] = []


def load_all() -> list[str]:
    """Import every handler module once; returns the names of the modules loaded."""
    if _loaded:
        return list(_loaded)
    for name in CORE_MODULES:
        importlib.import_module(f"{__name__}.{name}")
        _loaded.append(name)
    for name in WRITE_MODULES:
        if importlib.util.find_spec(f"{__name__}.{name}") is not None:
            importlib.import_module(f"{__name__}.{name}")
            _loaded.append(name)
    return list(_loaded)
