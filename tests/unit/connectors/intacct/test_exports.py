"""Public surfaces: ``__all__`` is sorted and every name in it exists."""

from __future__ import annotations

import connectors.intacct
import connectors.intacct.xml
import connectors.testing


def test_all_is_sorted_and_importable() -> None:
    for module in (connectors.intacct, connectors.intacct.xml, connectors.testing):
        names = module.__all__
        assert names == sorted(names)
        for name in names:
            assert getattr(module, name) is not None
