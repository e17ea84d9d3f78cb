"""Fixtures for the rounds-history tests: IRCC's shipped file, rounds to edit, a clean data folder.

Every test gets its own ``XDG_DATA_HOME``, so that an imported history on the machine running
the tests never replaces the shipped one, and imports made by a test stay in that test.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from expressentry.rounds import history


@cache
def shipped_doc() -> dict[str, Any]:
    return json.loads(history.SHIPPED_FILE.read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty user data folder for every test."""
    home = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


@pytest.fixture
def doc() -> dict[str, Any]:
    """A deep copy of IRCC's shipped file, to edit."""
    return copy.deepcopy(shipped_doc())


@pytest.fixture
def raw_round() -> Callable[..., dict[str, Any]]:
    """``raw_round("434", drawSize="1,00")``: a copy of a shipped round with fields replaced."""

    def make(number: str, **fields: Any) -> dict[str, Any]:
        for r in shipped_doc()["rounds"]:
            if r["drawNumber"] == number:
                out = copy.deepcopy(r)
                out.update(fields)
                return out
        raise KeyError(number)

    return make


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[[Any, str], Path]:
    """``write_json(doc, "name.json")``: the document saved as a file (text is written as is)."""

    def write(content: Any, name: str = "ee_rounds_123_en.json") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(json.dumps(content, indent=2), encoding="utf-8")
        return path

    return write


@pytest.fixture
def new_round() -> Callable[..., dict[str, Any]]:
    """``new_round()``: round #435, after the shipped ones, in IRCC's format (#434 edited)."""
    return synthetic_round


def synthetic_round(number: int = 435) -> dict[str, Any]:
    r = copy.deepcopy(next(x for x in shipped_doc()["rounds"] if x["drawNumber"] == "434"))
    r.update(
        drawNumber=str(number),
        drawDate="2026-08-12",
        drawDateFull="August 12, 2026",
        drawName="Canadian Experience Class",
        drawText2="Canadian Experience Class",
        drawSize="3,250",
        drawCRS="512",
        drawDateTime="August 12, 2026 at 14:02:11 UTC",
        drawCutOff="July 30, 2026 at 08:15:00 UTC",
        drawDistributionAsOn="August 10, 2026",
    )
    return r
