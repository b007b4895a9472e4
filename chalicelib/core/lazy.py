"""Names imported on first use, to keep cold start light.

Route modules name their schemas and services through these, so importing `app.py` registers every
route without importing pydantic models or service code; the first request that needs them loads them.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType
from typing import Any


class Ref:
    """A class in a module, resolved on first use (and then cached)."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name
        self._value: Any = None

    def resolve(self) -> Any:
        if self._value is None:
            self._value = getattr(importlib.import_module(self.module), self.name)
        return self._value

    def __repr__(self) -> str:
        return f"Ref({self.module}:{self.name})"


class Schemas:
    """`Schemas("chalicelib.<package>.models").<Schema>` is a Ref, not an import."""

    def __init__(self, module: str) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Ref:
        return Ref(self._module, name)


def resolve(value: Any) -> Any:
    return value.resolve() if isinstance(value, Ref) else value


def lazy_module(name: str) -> ModuleType:
    """A module whose code runs on first attribute access (importlib.util.LazyLoader)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None, name
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
