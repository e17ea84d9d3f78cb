"""The web interface's words in English and French, keyed by message id.

Every label, heading and message of the pages is looked up here (``t("score.title")``); the
two catalogs in ``locales/`` must hold the same keys with the same placeholders (a test checks).
The language of a request: ``?lang=en|fr`` on any address (remembered in a cookie), else the
cookie, else the browser's Accept-Language, else English.
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("en", "fr")
LOCALES = Path(__file__).parent / "locales"


@cache
def catalog(lang: str) -> dict[str, str]:
    """The messages of one language (flattened: ``score.title``)."""
    if lang not in LANGUAGES:
        raise KeyError(lang)
    raw = yaml.safe_load((LOCALES / f"{lang}.yaml").read_text(encoding="utf-8"))
    flat: dict[str, str] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(f"{prefix}.{key}" if prefix else str(key), value)
        else:
            flat[prefix] = str(node)

    walk("", raw)
    return flat


def placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


class Translator:
    """``t(key, **values)`` for one language; a missing key is a bug, so it raises.
    ``key in t`` tells whether a message exists."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.messages = catalog(lang)

    def __call__(self, key: str, **values: Any) -> str:
        message = self.messages[key]
        return message.format(**values) if values else message

    def __contains__(self, key: object) -> bool:
        return key in self.messages


@cache
def translator(lang: str) -> Translator:
    return Translator(lang)


def pick_language(query: str | None, cookie: str | None, accept: str | None) -> str:
    """The language of a request: query, then cookie, then Accept-Language, then English."""
    for choice in (query, cookie):
        if choice in LANGUAGES:
            return choice  # type: ignore[return-value]
    best, weight = "en", -1.0
    for part in (accept or "").split(","):
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().lower()[:2]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if lang in LANGUAGES and q > 0 and q > weight:  # q=0: not acceptable
            best, weight = lang, q
    return best
