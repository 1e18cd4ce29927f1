"""Names of a package imported on first use, so ``import sgraph`` and the CLI start fast.

A package lists its public names and where each is defined, then calls
``lazy_exports(__name__, EXPORTS)`` and assigns the result to its ``__getattr__`` (PEP 562). A
name maps to its defining module (``"sgraph.build"``), or to ``"module:attribute"`` when the
public name differs from the one in the module (``"sgraph.network.page:view"``).

Importing a submodule binds it as an attribute of its package, which would hide a function of
the same name (``sgraph.network.select`` the function, ``sgraph.build`` the function); the
package's module class is swapped for one that keeps such an export bound to the function.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable
from typing import Any


def _source(target: str, name: str) -> tuple[str, str]:
    module, _, attribute = target.partition(":")
    return module, attribute or name


class _LazyPackage(types.ModuleType):
    _lazy_exports: dict[str, str]

    def __setattr__(self, name: str, value: Any) -> None:
        target = self.__dict__.get("_lazy_exports", {}).get(name)
        if isinstance(value, types.ModuleType) and target is not None:
            module, attribute = _source(target, name)
            if module == value.__name__:
                value = getattr(value, attribute)
        super().__setattr__(name, value)


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], Any]:
    """Install lazy ``exports`` (name -> defining module) on ``package``; return its __getattr__."""
    module = sys.modules[package]
    module.__class__ = _LazyPackage
    module.__dict__["_lazy_exports"] = exports

    def __getattr__(name: str) -> Any:
        target = exports.get(name)
        if target is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        source, attribute = _source(target, name)
        return getattr(importlib.import_module(source), attribute)

    return __getattr__
