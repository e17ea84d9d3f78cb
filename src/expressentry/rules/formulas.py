"""Dated versions of rule functions (formulas).

When the *shape* of a rule changes (a factor is added or removed, a new input matters), the new
shape is a new function registered with the date it takes effect, in the manner of OpenFisca's
``formula_YYYY_MM``; a function never branches on dates inside itself. When only *values* change,
no new function is needed: the dated tables in ``rules/data`` carry the change.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class FormulaRegistry:
    """Formulas by name, each with the dates its versions take effect."""

    _starts: dict[str, list[dt.date]] = field(default_factory=dict)
    _functions: dict[str, list[Callable[..., Any]]] = field(default_factory=dict)

    def register(self, name: str, since: str) -> Callable[[F], F]:
        """Register the decorated function as version of ``name`` in force from ``since``."""
        start = dt.date.fromisoformat(since)

        def decorate(fn: F) -> F:
            starts = self._starts.setdefault(name, [])
            functions = self._functions.setdefault(name, [])
            if start in starts:
                raise ValueError(f"formula {name!r} already has a version from {since}")
            i = bisect.bisect(starts, start)
            starts.insert(i, start)
            functions.insert(i, fn)
            fn.formula_name = name  # type: ignore[attr-defined]
            fn.effective_from = start  # type: ignore[attr-defined]
            return fn

        return decorate

    def at(self, name: str, on: dt.date) -> Callable[..., Any]:
        """The version of ``name`` in force on ``on``."""
        starts = self._starts.get(name)
        if not starts:
            raise KeyError(f"no formula named {name!r}")
        i = bisect.bisect_right(starts, on) - 1
        if i < 0:
            raise LookupError(f"formula {name!r} is not in force on {on.isoformat()}")
        return self._functions[name][i]

    def versions(self, name: str) -> list[tuple[dt.date, Callable[..., Any]]]:
        return list(zip(self._starts[name], self._functions[name], strict=True))

    def names(self) -> list[str]:
        return sorted(self._starts)
