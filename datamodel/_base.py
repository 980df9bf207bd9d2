"""Base Structs that fix the wire policy of the unified model.

Every public type derives from ``Model``:

* ``kw_only=True`` — fields are named at construction, so adding a field never breaks callers.
* ``rename="camel"`` — Python names are snake_case, the wire is camelCase as in Codat's API.
* ``omit_defaults=True`` — fields left at their default (``None``/``UNSET``) are not written, which
  keeps responses close to Codat's and keeps "absent" distinct from "explicitly null" on updates.
* ``forbid_unknown_fields=True`` — a misspelt field in a request is an error that names the field
  instead of being silently dropped (silent data loss is the worst outcome for a write API).

``ReadModel`` is for records we emit: it accepts unknown fields so that example bodies from newer
Codat versions still decode.
"""

from __future__ import annotations

import msgspec


class Model(msgspec.Struct, kw_only=True, rename="camel", omit_defaults=True, forbid_unknown_fields=True):
    """Strict camelCase Struct used for every request and response body."""


class ReadModel(msgspec.Struct, kw_only=True, rename="camel", omit_defaults=True):
    """Lenient variant for upstream-shaped data we only read."""
