"""The reports in French: the same messages and placeholders as English, French number and date
formats, and every report built and rendered in French from IRCC's history (and, on the small
pool database of conftest, the year-end report)."""

from __future__ import annotations

import datetime as dt
import re
import string
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from expressentry.reports import build
from expressentry.reports.model import Chart, Facts, Paragraph, Report, Table
from expressentry.reports.render import render
from expressentry.reports.strings import _FORMATS, MESSAGES, Strings, languages

EN, FR = MESSAGES["en"], MESSAGES["fr"]
NNBSP, NBSP = "\u202f", "\u00a0"


def _placeholders(text: str) -> Counter[tuple[str, str | None, str | None]]:
    """Each replacement field as (name, conversion, format spec), with how often it occurs."""
    return Counter(
        (name, conversion, spec)
        for _, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    )


def test_french_is_a_report_language() -> None:
    assert languages() == ["en", "fr"]
    assert set(MESSAGES) == set(_FORMATS)


def test_every_language_has_the_same_keys_and_placeholders() -> None:
    for lang, table in MESSAGES.items():
        assert sorted(table) == sorted(EN), lang
        for key, text in table.items():
            assert _placeholders(text) == _placeholders(EN[key]), (lang, key)


def test_every_french_message_formats() -> None:
    fr = Strings("fr")
    for key, text in FR.items():
        values = {name: "x" for name, _, _ in _placeholders(text)}
        out = fr(key, **values)
        assert out.strip() and "{" not in out and "}" not in out, key


def test_french_messages_are_translated() -> None:
    """Apart from names and codes that French keeps as they are, no French message is the
    English one."""
    same = {k for k in EN if FR[k] == EN[k]}
    allowed = {
        "app.name",
        "common.total",
        "common.invitations",
        "col.date",
        "program.short.cec",  # CEC: Catégorie de l'expérience canadienne
        "parliament.section.consultations",
    }
    assert same <= allowed, sorted(same - allowed)


def test_french_typography() -> None:
    """A no-break space before a colon and before %, never a plain one; no English quotes."""
    for key, text in FR.items():
        assert not re.search(r"\s[:%]", text.replace(NBSP, "").replace(NNBSP, "")), key
        assert not re.search(r"[^\s\u00a0\u202f][:%](?!r\})", text.replace("{value!r}", "")), key
        assert "’" not in text and "“" not in text, key


def test_french_terms() -> None:
    assert FR["program.cec"] == "Catégorie de l'expérience canadienne"
    assert FR["program.fsw"] == "Programme des travailleurs qualifiés (fédéral)"
    assert FR["program.fst"] == "Programme des travailleurs de métiers spécialisés (fédéral)"
    assert FR["program.pnp"] == "Programme des candidats des provinces"
    assert FR["col.noc"] == "CNP 2021" and FR["col.teer"] == "FEER"
    assert FR["teer.label"] == "FEER {teer}"
    assert "Entrée express" in FR["parliament.title"]
    assert "sélection fondée sur des catégories" in FR["parliament.title"]
    assert "Système de classement global" in FR["parliament.intro.law"]
    assert "SCG" in FR["col.crs_cutoff"] and "CRS" not in FR["col.crs_cutoff"]
    assert FR["rounds.title"].startswith("Rondes d'invitations")


def test_french_numbers() -> None:
    fr = Strings("fr")
    assert fr.int(1234567) == f"1{NNBSP}234{NNBSP}567"
    assert fr.int(999) == "999"
    assert fr.share(0.125) == f"12,5{NNBSP}%"
    assert fr.pct(25870, 110266) == f"23,5{NNBSP}%"
    assert fr.num(1234.5) == f"1{NNBSP}234,5"
    assert fr.num(-0.25, 2) == "-0,25"
    assert fr.pct(1, 0) == "—" and fr.int(None) == "—"


def test_french_dates() -> None:
    fr, en = Strings("fr"), Strings("en")
    assert fr.date(dt.date(2026, 11, 25)) == "25 novembre 2026"
    assert fr.date(dt.date(2024, 8, 7)) == "7 août 2024"
    assert fr.date(dt.date(2026, 1, 1)) == "1er janvier 2026"
    assert en.date(dt.date(2026, 1, 1)) == "January 1, 2026"
    months = [fr.date(dt.date(2025, m, 15)).split()[1] for m in range(1, 13)]
    assert months == [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ]
    # the table's datetime stays ISO and UTC in every language
    at = dt.datetime(2024, 12, 16, 15, 13, 20, tzinfo=dt.UTC)
    assert fr.datetime(at) == en.datetime(at) == "2024-12-16 15:13:20 UTC"


# --- the reports in French -------------------------------------------------------------------

#: English messages that differ from their French translation (so a sign of an untranslated word)
_ENGLISH_ONLY = {text for key, text in EN.items() if FR[key] != text}


def _words(report: Report) -> Iterator[str]:
    """What the report's own strings put on the page: title, headings, column labels, notes,
    paragraphs, fact labels, chart titles and axis labels."""
    yield report.title
    if report.subtitle:
        yield report.subtitle
    for section in report.sections:
        yield section.title
        for block in section.blocks:
            if isinstance(block, Table):
                yield from (c.label for c in block.columns)
                if block.title:
                    yield block.title
                if block.note:
                    yield block.note
            elif isinstance(block, Paragraph):
                yield block.text
            elif isinstance(block, Facts):
                yield from (label for label, _ in block.pairs)
            elif isinstance(block, Chart):
                yield block.title
                yield from (x for x in (block.x_label, block.y_label) if x)


def _check_french(report: Report, title_key: str, **values: Any) -> None:
    fr_title, en_title = FR[title_key].format(**values), EN[title_key].format(**values)
    assert report.lang == "fr" and report.title == fr_title
    leftovers = sorted(w for w in _words(report) if w in _ENGLISH_ONLY)
    assert leftovers == []
    md = render(report, "md").decode("utf-8")
    html = render(report, "html").decode("utf-8")
    for page in (md, html):
        assert fr_title in page.replace("&#x27;", "'")
        assert en_title not in page
        assert "Source : " in page.replace(NBSP, " ")
        assert "Generated " not in page and "Produit le " in page
    assert md.startswith(f"# {fr_title}\n")
    assert '<html lang="fr">' in html


@pytest.fixture(scope="module")
def french_rounds() -> Report:
    return build("rounds", year=2024, lang="fr")


@pytest.fixture(scope="module")
def french_categories() -> Report:
    return build("categories", year=2024, lang="fr")


@pytest.fixture(scope="module")
def french_parliament() -> Report:
    return build("parliament", year=2024, lang="fr")


def test_rounds_report_in_french(french_rounds: Report) -> None:
    _check_french(french_rounds, "rounds.title", period="2024")
    md = render(french_rounds, "md").decode("utf-8")
    assert f"98{NNBSP}903 invitations à présenter une demande" in md
    assert "| Numéro | Date et heure de la ronde | Type de ronde |" in md
    assert "Note du SCG du candidat le moins bien classé invité" in md
    assert f"| 1{NNBSP}510 |" in md and "| 1,510 |" not in md


def test_categories_report_in_french(french_categories: Report) -> None:
    _check_french(french_categories, "categories.title", period="2024")
    md = render(french_categories, "md").decode("utf-8")
    assert f"en ont émis 42{NNBSP}475 (42,9{NNBSP}%)." in md
    assert f"| Fondée sur des catégories | 19 | 42{NNBSP}475 | 42,9{NNBSP}% |" in md
    assert "Catégorie de l'expérience canadienne" in md
    assert "Canadian Experience Class" not in md


def test_parliament_report_in_french(french_parliament: Report) -> None:
    _check_french(french_parliament, "parliament.title", year=2024)
    md = render(french_parliament, "md").decode("utf-8")
    assert "Loi sur l'immigration et la protection des réfugiés" in md
    assert "Immigration and Refugee Protection Act" not in md
    assert f"Annexes{NBSP}: professions admissibles" in md
    html = render(french_parliament, "html").decode("utf-8")
    assert "Table des matières" in html and ">Contents<" not in html


def test_the_same_figures_in_both_languages(french_categories: Report) -> None:
    english = build("categories", year=2024, lang="en")
    assert english.data == french_categories.data

    def figures(report: Report) -> list[dict[str, Any]]:
        return [{k: v for k, v in r.items() if k != "label"} for r in report.csv_rows or []]

    assert figures(english) == figures(french_categories) != []


def test_an_empty_report_in_french() -> None:
    report = build("rounds", year=1999, lang="fr")
    assert report.empty and report.empty_message is not None
    assert report.empty_message.startswith("aucune ronde d'invitations en 1999")
    assert f"Aucune donnée{NBSP}: aucune ronde" in render(report, "md").decode("utf-8")


def test_year_end_report_in_french(system_db: str) -> None:
    from expressentry.pool.db import connect

    engine = connect(system_db)
    try:
        report = build("year-end", year=2025, source="system", engine=engine, lang="fr")
    finally:
        engine.dispose()
    _check_french(report, "year_end.title", year=2025)
    md = render(report, "md").decode("utf-8")
    assert "Le bassin au 31 décembre 2025" in md
    assert "December" not in md
    assert "Invitations selon la catégorie FEER de la profession principale" in md


def test_the_cli_writes_french(report_cli: Any) -> None:
    result = report_cli("categories", "--year", "2024", "--lang", "fr")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# " + FR["categories.title"].format(period="2024"))
