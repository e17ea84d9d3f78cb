"""How ``--help`` shows options and arguments: in words, not Python's type names.

Typer (from 0.2x) prints every parameter's Python type in help, so a flag such as ``--json``
reads ``--json <bool>``, as if it took a value, and others read ``<str>`` or ``<list[str]>``.
A flag takes no value: its type is left out; the others are named as click names them
(TEXT, INTEGER, NUMBER), a repeatable option with "...".
"""

from __future__ import annotations

from typing import Any

WORDS = {
    "<str>": "TEXT",
    "<int>": "INTEGER",
    "<float>": "NUMBER",
    "<int range>": "INTEGER",
    "<float range>": "NUMBER",
    "<list[str]>": "TEXT ...",
    "<list[int]>": "INTEGER ...",
    "<path>": "PATH",
    "<file>": "PATH",
}


def _worded(original: Any) -> Any:
    def display_type_rich(self: Any, ctx: Any) -> str | None:
        if getattr(self, "is_flag", False) and not getattr(self, "count", False):
            return None
        shown = original(self, ctx)
        return WORDS.get(shown, shown) if isinstance(shown, str) else shown

    display_type_rich._worded = True  # type: ignore[attr-defined]
    return display_type_rich


def hide_flag_types() -> None:
    from typer import core

    for cls in (core.TyperOption, core.TyperArgument):
        original = cls.display_type_rich
        if not getattr(original, "_worded", False):
            cls.display_type_rich = _worded(original)  # type: ignore[method-assign]
