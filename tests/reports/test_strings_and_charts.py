"""Strings in one place (bilingual-ready), number formats, charts as PNG and SVG, and the lazy
import of matplotlib."""

from __future__ import annotations

import datetime as dt
import re
import string
import subprocess
import sys
from pathlib import Path

from expressentry.reports import charts
from expressentry.reports.model import Chart, Series
from expressentry.reports.strings import _FORMATS, MESSAGES, Strings

SRC = Path(__file__).resolve().parents[2] / "src" / "expressentry" / "reports"


def test_every_language_has_every_message() -> None:
    keys = set(MESSAGES["en"])
    for lang, table in MESSAGES.items():
        assert set(table) == keys, lang
        assert lang in _FORMATS


def test_every_message_id_used_exists() -> None:
    """Every literal message id the builders look up is in the English table."""
    used: set[str] = set()
    for path in SRC.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bs\(\s*"([a-z_]+(?:\.[a-z_0-9]+)+)\"""", text))
    assert used, "no message ids found"
    missing = sorted(k for k in used if k not in MESSAGES["en"])
    assert missing == []


def test_messages_are_valid_format_strings() -> None:
    for key, text in MESSAGES["en"].items():
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f]
        values = {re.split(r"[!.:\[]", f)[0]: "x" for f in fields}
        assert Strings("en")(key, **values) if values else text, key


def test_number_and_date_formats() -> None:
    en = Strings("en")
    assert en.int(110266) == "110,266"
    assert en.pct(25870, 110266) == "23.5%"
    assert en.share(0.5) == "50.0%"
    assert en.date(dt.date(2026, 8, 7)) == "August 7, 2026"
    assert en.num(None) == "—"


def _chart(id: str) -> Chart:
    return Chart(
        id=id,
        title="Lowest score invited",
        kind="line",
        series=[
            Series("General", [dt.date(2024, 1, 10), dt.date(2024, 2, 1)], [546, 535], "general"),
            Series("CEC", [dt.date(2024, 1, 20)], [521], "cec"),
        ],
        x_label="Date",
        y_label="CRS",
    )


def test_png_and_svg() -> None:
    assert charts.png(_chart("a")).startswith(b"\x89PNG\r\n\x1a\n")
    svg = charts.svg(_chart("a"))
    assert "<svg" in svg and "Lowest score invited" in svg  # text kept as text


def test_inline_svg_ids_are_prefixed() -> None:
    first, second = charts.inline_svg(_chart("one")), charts.inline_svg(_chart("two"))
    assert first.startswith("<svg") and "<?xml" not in first
    ids_one = set(re.findall(r'id="([^"]+)"', first))
    ids_two = set(re.findall(r'id="([^"]+)"', second))
    assert ids_one and all(i.startswith("one-") for i in ids_one)
    assert not ids_one & ids_two
    for ref in re.findall(r"url\(#([^)]+)\)", first):
        assert ref in ids_one


def test_bar_and_hbar_charts() -> None:
    bar = Chart(
        id="b",
        title="Invitations",
        kind="stacked",
        categories=["2023", "2024"],
        series=[
            Series("STEM", ["2023", "2024"], [6400, 4500], "stem"),
            Series("Trades", ["2023", "2024"], [2500, 3600], "trades"),
        ],
    )
    hbar = Chart(
        id="h",
        title="Eligible",
        kind="hbar",
        categories=["French-language proficiency"],
        series=[Series("Candidates", ["French-language proficiency"], [12], "candidates")],
    )
    assert charts.png(bar).startswith(b"\x89PNG")
    assert "<svg" in charts.svg(hbar)


def test_the_cli_module_does_not_import_matplotlib() -> None:
    code = (
        "import sys, expressentry.cli.report_commands, expressentry.reports;"
        "print('matplotlib' in sys.modules, 'weasyprint' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "False"]
