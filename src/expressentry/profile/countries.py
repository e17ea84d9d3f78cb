"""Countries by ISO 3166-1 alpha-2 code, with their English and French names.

The profile format stores a country as its code (``IN``); people type a name ("India", "Inde",
"république de Corée") or the code. ``country_code`` reads either; ``country_name`` gives the
name a person reads. Data: ``data/countries.json`` (Debian iso-codes, see ``data/SOURCES.md``).
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "countries.json"


@cache
def countries() -> dict[str, dict[str, object]]:
    return json.loads(DATA.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _key(text: str) -> str:
    """Case, accents, punctuation and spacing do not matter ("Côte d’Ivoire" = "cote divoire")."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in plain if ch.isalnum())


@cache
def _index() -> dict[str, str]:
    out: dict[str, str] = {}
    for code, entry in countries().items():
        names = [entry["en"], entry["fr"], *entry.get("also", [])]  # type: ignore[list-item]
        for name in names:
            out.setdefault(_key(str(name)), code)
    for code in countries():
        out[_key(code)] = code  # a code always wins ("IN" is India, never a name)
    return out


def country_code(text: str) -> str | None:
    """The ISO code of a country given by code or by its English or French name, or None."""
    key = _key(text.strip())
    return _index().get(key) if key else None


def country_name(code: str, lang: str = "en") -> str:
    """The country's name in ``lang`` (``en`` or ``fr``); the code itself when unknown."""
    entry = countries().get(code)
    return str(entry[lang if lang in ("en", "fr") else "en"]) if entry else code


def names(lang: str = "en") -> list[tuple[str, str]]:
    """(code, name) for every country, sorted by name in ``lang`` (for a list of choices)."""
    return sorted(
        ((code, country_name(code, lang)) for code in countries()),
        key=lambda pair: _key(pair[1]),
    )
