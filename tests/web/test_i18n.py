"""The two catalogs of the pages hold the same messages, and the language is picked right."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from expressentry.web.i18n import LANGUAGES, catalog, pick_language, placeholders, translator

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "expressentry" / "web" / "templates"


def test_every_language_has_every_key_with_the_same_placeholders() -> None:
    english = catalog("en")
    for lang in LANGUAGES:
        messages = catalog(lang)
        assert set(messages) == set(english), lang
        for key, text in english.items():
            assert placeholders(messages[key]) == placeholders(text), (lang, key)


def test_french_is_translated() -> None:
    en, fr = catalog("en"), catalog("fr")
    same = [k for k in en if en[k] == fr[k] and len(en[k]) > 12 and "{" not in en[k]]
    # proper names and test names may be the same in both languages, long sentences may not
    assert not [k for k in same if " " in en[k] and not k.startswith("choice.")], same


def test_every_literal_key_in_the_templates_exists() -> None:
    keys = set(catalog("en"))
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""\bt\(["']([a-z_.\-]+)["']""", template.read_text()))
    missing = sorted(k for k in used if k not in keys and not k.endswith("."))
    assert not missing


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        ("fr", None, None, "fr"),
        (None, "fr", "en", "fr"),
        ("xx", "en", "fr", "en"),
        (None, None, "fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        (None, None, "en-CA,fr;q=0.5", "en"),
        (None, None, "de, fr;q=0.3", "fr"),
        (None, None, None, "en"),
        (None, None, "fr;q=abc", "en"),
    ],
)
def test_language_of_a_request(query, cookie, accept, expected) -> None:
    assert pick_language(query, cookie, accept) == expected


def test_translator_formats_and_refuses_unknown_keys() -> None:
    t = translator("fr")
    assert t("score.result", total=512) == "Votre note SCG : 512"
    assert "score.result" in t and "no.such.key" not in t
    with pytest.raises(KeyError):
        t("no.such.key")
