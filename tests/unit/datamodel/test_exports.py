"""``datamodel.__all__`` is exactly the union of the submodules' public names, sorted the ruff way."""

from __future__ import annotations

import importlib
import pkgutil
from typing import TypeVar

import datamodel

# datamodel/platform.py belongs to the gateway helper; whether it is re-exported is the lead's call.
NOT_REEXPORTED = {"platform"}


def _public_names() -> set[str]:
    names: set[str] = set()
    for module_info in pkgutil.iter_modules(datamodel.__path__):
        if module_info.name.startswith("_") or module_info.name in NOT_REEXPORTED:
            continue
        module = importlib.import_module(f"datamodel.{module_info.name}")
        assert hasattr(module, "__all__"), f"datamodel.{module_info.name} has no __all__"
        names.update(module.__all__)
        defined = {
            name
            for name, obj in vars(module).items()
            if not name.startswith("_")
            and not isinstance(obj, TypeVar)
            and getattr(obj, "__module__", None) == module.__name__
        }
        assert defined <= set(module.__all__), f"datamodel.{module_info.name}: not in __all__: {defined}"
    return names


def test_all_matches_public_names() -> None:
    assert set(datamodel.__all__) == _public_names()
    assert len(datamodel.__all__) == len(set(datamodel.__all__))


def test_all_is_sorted() -> None:
    def key(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert list(datamodel.__all__) == sorted(datamodel.__all__, key=key)


def test_every_exported_name_resolves() -> None:
    for name in datamodel.__all__:
        assert getattr(datamodel, name) is not None
