"""The National Occupational Classification (NOC) 2021, version 1.0: all 516 unit groups.

Source: Statistics Canada, National Occupational Classification (NOC) 2021 Version 1.0,
https://www.statcan.gc.ca/en/subjects/standard/noc/2021/indexV1 — reproduced under the
Statistics Canada Open Licence (https://www.statcan.gc.ca/en/terms-conditions/open-licence).

A unit group's code has five digits: the first is the broad occupational category, the second
the TEER (Training, Education, Experience and Responsibilities) category, the first two the
major group, the first three the sub-major group and the first four the minor group.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import cache

from expressentry.rules.tables import DATA_DIR

NOC_FILE = DATA_DIR / "noc" / "noc2021_unit_groups.csv"

#: TEER categories that count as skilled work for Express Entry (NOC 2021, from 2022-11-16)
SKILLED_TEERS = frozenset({0, 1, 2, 3})


@dataclass(frozen=True, slots=True)
class UnitGroup:
    code: str
    title: str
    teer: int
    broad_category: str
    major_group: str

    @property
    def skilled(self) -> bool:
        return self.teer in SKILLED_TEERS


@cache
def unit_groups() -> dict[str, UnitGroup]:
    """Every NOC 2021 unit group, by five-digit code."""
    with NOC_FILE.open(encoding="utf-8", newline="") as fh:
        return {
            row["noc_code"]: UnitGroup(
                code=row["noc_code"],
                title=row["title"],
                teer=int(row["teer"]),
                broad_category=row["broad_category"],
                major_group=row["major_group"],
            )
            for row in csv.DictReader(fh)
        }


def lookup(code: str) -> UnitGroup | None:
    return unit_groups().get(code)


def is_valid(code: str) -> bool:
    return code in unit_groups()


def teer(code: str) -> int:
    """The TEER category of a NOC 2021 code (its second digit)."""
    return int(code[1])


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search(text: str, limit: int | None = None) -> list[UnitGroup]:
    """Unit groups whose code starts with ``text`` or whose title contains every word of it."""
    query = fold(text.strip())
    if not query:
        return []
    words = query.split()
    hits = [
        g
        for g in unit_groups().values()
        if g.code.startswith(query) or all(w in fold(g.title) for w in words)
    ]
    hits.sort(key=lambda g: g.code)
    return hits[:limit] if limit else hits


NOC_FR_FILE = DATA_DIR / "noc" / "noc2021_unit_groups_fr.csv"


@cache
def french_titles() -> dict[str, str]:
    """The official French title of every NOC 2021 unit group (CNP 2021), by code."""
    with NOC_FR_FILE.open(encoding="utf-8", newline="") as fh:
        return {row["noc_code"]: row["title_fr"] for row in csv.DictReader(fh)}


def search_both(text: str) -> list[UnitGroup]:
    """Unit groups whose code starts with ``text`` or whose English or French title contains
    every word of it (accents and case aside), by code."""
    query = fold(text.strip())
    if not query:
        return []
    words = query.split()
    french = french_titles()
    hits = [
        g
        for g in unit_groups().values()
        if g.code.startswith(query)
        or all(w in fold(g.title) for w in words)
        or all(w in fold(french.get(g.code, "")) for w in words)
    ]
    hits.sort(key=lambda g: g.code)
    return hits
