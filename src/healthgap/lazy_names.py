"""A package's public names imported from their modules when first used (PEP 562).

A fresh ``healthgap report`` or page would otherwise pay about a second importing every
domain its packages name (the store, polars, pandera...) and never calls. A package lists
where each name lives and hands Python the two module functions made here::

    _MODULE_OF = names_by_module({"healthgap.data.bands": "parse_age_labels reband"})
    __getattr__, __dir__ = lazy_names(__name__, _MODULE_OF)

>>> names_by_module({"json": "dumps loads"})
{'dumps': 'json', 'loads': 'json'}
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_names", "names_by_module"]


def names_by_module(names_of: Mapping[str, str]) -> dict[str, str]:
    """``{module: "name name ..."}`` turned round into ``{name: module}``."""
    return {name: module for module, names in names_of.items() for name in names.split()}


def lazy_names(
    package: str, module_of: Mapping[str, str], renamed: Mapping[str, str] | None = None
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``: a name of ``module_of`` is
    imported from its module (relative names from ``package``; ``renamed`` gives a name's
    spelling in its module) on first use, then kept in the package as if imported there."""
    namespace = sys.modules[package].__dict__
    spelled = renamed or {}

    def __getattr__(name: str) -> Any:  # noqa: N807 - the module hook PEP 562 names
        if name not in module_of:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(module_of[name], package)
        value = getattr(module, spelled.get(name, name))
        namespace[name] = value  # found directly from now on
        return value

    def __dir__() -> list[str]:  # noqa: N807
        return sorted({*namespace, *module_of})

    return __getattr__, __dir__
