"""Language test scores to CLB/NCLC levels, and the two-year validity of a test result.

The conversion follows IRCC's "Language test equivalency charts" for Express Entry
(https://www.canada.ca/en/immigration-refugees-citizenship/services/immigrate-canada/express-entry/documents/language-test.html).
Each chart cell is the minimum score for a Canadian Language Benchmark (English) or Niveau de
compétence linguistique canadien (French) level; an ability's level is the highest row whose
minimum the score reaches, and 0 below the chart's lowest row. The chart is chosen by the date the
test was taken (TEF Canada has three), and is read from ``rules/data/language/<test>.yaml``.

A result counts while it is less than two years old (``validity.yaml``; Ministerial Instructions
respecting the Express Entry system, ss. 3(4) and 12(3)).

Pure: the standard library and :mod:`expressentry.rules.tables` only. Each chart version is
compiled once into a per-ability lookup (score position on the scale -> level), so a conversion
is a few index operations.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from expressentry.rules.tables import (
    NotInForce,
    Reference,
    RuleBook,
    RuleDataError,
    Table,
    Version,
    default_rulebook,
)

__all__ = [
    "ABILITIES",
    "TEST_LANGUAGE",
    "TEST_NAMES",
    "Conversion",
    "LanguageRuleError",
    "NotInForce",
    "UnknownTest",
    "chart",
    "check_scores",
    "convert",
    "is_valid_on",
    "valid_until",
]

ABILITIES: tuple[str, str, str, str] = ("listening", "reading", "writing", "speaking")

#: the accepted tests (ids as in the profile format) and the official language each one tests
TEST_LANGUAGE: dict[str, str] = {
    "celpip_general": "english",
    "ielts_general": "english",
    "pte_core": "english",
    "tef_canada": "french",
    "tcf_canada": "french",
}

#: display names, as on IRCC's chart page
TEST_NAMES: dict[str, str] = {
    "celpip_general": "CELPIP-General",
    "ielts_general": "IELTS General Training",
    "pte_core": "PTE Core",
    "tef_canada": "TEF Canada",
    "tcf_canada": "TCF Canada",
}

_TABLE_NAMES = {test: f"language.{test}" for test in TEST_LANGUAGE}
_ABILITY_INDEX = {ability: i for i, ability in enumerate(ABILITIES)}
#: tolerance, in steps, for a float score to count as on the scale (absorbs binary rounding)
_EPS = 1e-6


class LanguageRuleError(ValueError):
    """Language test scores that cannot be converted (off the test's scale, or missing)."""


class UnknownTest(LanguageRuleError, KeyError):
    """A test id that is not one of the accepted tests in :data:`TEST_LANGUAGE`."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True, slots=True)
class Conversion:
    """A test result converted to CLB (English) or NCLC (French) levels."""

    test: str
    language: str
    taken_on: dt.date
    #: level per ability, in :data:`ABILITIES` order; 0 below the chart's lowest row
    levels: tuple[int, int, int, int]
    #: ``effective_from`` of the chart version used
    chart_from: dt.date
    reference: Reference

    @property
    def minimum(self) -> int:
        """The lowest of the four levels (used by skill transferability and program minimums)."""
        return min(self.levels)

    def level(self, ability: str) -> int:
        try:
            return self.levels[_ABILITY_INDEX[ability]]
        except KeyError:
            raise LanguageRuleError(
                f"{ability!r} is not a language ability (expected one of {', '.join(ABILITIES)})"
            ) from None


@dataclass(frozen=True, slots=True)
class _Scale:
    low: float
    high: float
    step: float
    #: level for each position on the scale: ``by_position[n]`` is the level of ``low + n*step``
    by_position: tuple[int, ...]

    def position(self, score: Any) -> int | None:
        """The score's position on the scale; None when it is off the scale or not a number.

        ``convert`` inlines the same steps on its hot path.
        """
        if score.__class__ is bool:
            return None
        try:
            if self.low <= score <= self.high:  # NaN fails here
                q = (score - self.low) / self.step
                n = int(q + 0.5)
                if -_EPS <= q - n <= _EPS:
                    return n
        except TypeError:  # not a number
            pass
        return None

    def describe(self) -> str:
        return f"{_fmt(self.low)} to {_fmt(self.high)} in steps of {_fmt(self.step)}"


@dataclass(frozen=True, slots=True)
class _Chart:
    test: str
    language: str
    chart_from: dt.date
    chart_to: dt.date | None
    reference: Reference
    scales: tuple[_Scale, _Scale, _Scale, _Scale]
    #: (ability, low, high, step, level by position) per ability: flat, for the hot path
    rows: tuple[tuple[str, float, float, float, tuple[int, ...]], ...]


@dataclass(frozen=True, slots=True)
class _Charts:
    """All compiled chart versions of one test in one rule book, oldest first."""

    rulebook: RuleBook  # held so that the cache key id(rulebook) stays unique
    table: Table
    starts: tuple[dt.date, ...]
    charts: tuple[_Chart, ...]


# (id(rulebook), test) -> compiled charts
_CHARTS: dict[tuple[int, str], _Charts] = {}
# (id(rulebook), test, test date) -> (rulebook, chart): the hot path's single lookup
_BY_DATE: dict[tuple[int, str, dt.date], tuple[RuleBook, _Chart]] = {}


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _number(raw: Any, where: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise RuleDataError(f"{where}: expected a number, got {raw!r}")
    return float(raw)


def _compile_scale(raw_scale: Any, raw_minimums: Any, where: str) -> _Scale:
    if not isinstance(raw_scale, dict) or not isinstance(raw_minimums, dict):
        raise RuleDataError(f"{where}: needs a scale {{min, max, step}} and a minimums mapping")
    low = _number(raw_scale.get("min"), f"{where}: scale min")
    high = _number(raw_scale.get("max"), f"{where}: scale max")
    step = _number(raw_scale.get("step"), f"{where}: scale step")
    if step <= 0 or high < low:
        raise RuleDataError(f"{where}: bad scale {raw_scale!r}")
    partial = _Scale(low, high, step, ())
    last = partial.position(high)
    if last is None:
        raise RuleDataError(f"{where}: scale max {_fmt(high)} is not a whole number of steps")
    by_position = [0] * (last + 1)
    previous: int | None = None
    for level in sorted(raw_minimums):
        if isinstance(level, bool) or not isinstance(level, int) or level < 1:
            raise RuleDataError(f"{where}: level {level!r} is not a positive integer")
        minimum = _number(raw_minimums[level], f"{where}: minimum for level {level}")
        n = partial.position(minimum)
        if n is None:
            raise RuleDataError(f"{where}: minimum {_fmt(minimum)} for level {level} is off scale")
        if previous is not None and n <= previous:
            raise RuleDataError(f"{where}: minimum for level {level} is not above the level below")
        previous = n
        for i in range(n, last + 1):
            by_position[i] = level
    return _Scale(low, high, step, tuple(by_position))


def _compile(test: str, version: Version, where: str) -> _Chart:
    value = version.value
    if not isinstance(value, dict):
        raise RuleDataError(f"{where}: value must be a mapping")
    language = value.get("language")
    if language != TEST_LANGUAGE[test]:
        raise RuleDataError(f"{where}: language {language!r}, expected {TEST_LANGUAGE[test]!r}")
    scales = value.get("scale") or {}
    minimums = value.get("minimums") or {}
    listening, reading, writing, speaking = (
        _compile_scale(scales.get(a), minimums.get(a), f"{where}: {a}") for a in ABILITIES
    )
    return _Chart(
        test,
        language,
        version.effective_from,
        version.effective_to,
        version.reference,
        (listening, reading, writing, speaking),
        tuple(
            (a, s.low, s.high, s.step, s.by_position)
            for a, s in zip(ABILITIES, (listening, reading, writing, speaking), strict=True)
        ),
    )


def _table(test: str, rulebook: RuleBook | None) -> Table:
    try:
        name = _TABLE_NAMES[test]
    except (KeyError, TypeError):
        raise UnknownTest(
            f"unknown language test {test!r} (accepted tests: {', '.join(TEST_LANGUAGE)})"
        ) from None
    return (default_rulebook() if rulebook is None else rulebook)[name]


def _charts(test: str, rulebook: RuleBook | None) -> _Charts:
    book = default_rulebook() if rulebook is None else rulebook
    hit = _CHARTS.get((id(book), test))
    if hit is not None and hit.rulebook is book:
        return hit
    table = _table(test, book)
    charts = tuple(
        _compile(test, v, f"{table.name} from {v.effective_from}") for v in table.versions
    )
    hit = _Charts(book, table, tuple(c.chart_from for c in charts), charts)
    _CHARTS[(id(book), test)] = hit
    return hit


def _chart(test: str, taken_on: dt.date, rulebook: RuleBook | None) -> _Chart:
    book = default_rulebook() if rulebook is None else rulebook
    key = (id(book), test, taken_on)
    hit = _BY_DATE.get(key)
    if hit is not None and hit[0] is book:
        return hit[1]
    charts = _charts(test, book)
    i = bisect.bisect_right(charts.starts, taken_on) - 1
    if i >= 0:
        c = charts.charts[i]
        if c.chart_to is None or taken_on <= c.chart_to:
            _BY_DATE[key] = (book, c)
            return c
    charts.table.version_at(taken_on)  # raises NotInForce with the table's message
    raise NotInForce(f"{charts.table.name}: no chart in force on {taken_on.isoformat()}")


def chart(test: str, taken_on: dt.date, rulebook: RuleBook | None = None) -> Version:
    """The chart version in force for a test taken on ``taken_on``.

    Raises :class:`UnknownTest` (a ``KeyError``) for an unknown test id and
    :class:`~expressentry.rules.tables.NotInForce` when the test was not accepted that day
    (for example PTE Core before 2024-01-30).
    """
    return _table(test, rulebook).version_at(taken_on)


def _problems(c: _Chart, scores: Mapping[str, float]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    name = TEST_NAMES[c.test]
    for ability, scale in zip(ABILITIES, c.scales, strict=True):
        score = scores.get(ability)
        if score is None:
            problems.append((ability, f"no {ability} score for {name}"))
        elif scale.position(score) is None:
            plain = isinstance(score, int | float) and not isinstance(score, bool)
            shown = _fmt(score) if plain else repr(score)
            problems.append((ability, f"{shown} is off the {name} scale ({scale.describe()})"))
    return problems


def check_scores(
    test: str, taken_on: dt.date, scores: Mapping[str, float], rulebook: RuleBook | None = None
) -> list[tuple[str, str]]:
    """Every problem with a test result, as ``(ability, message)``; an empty list when fine.

    A score is a problem when it is missing or off the test's scale for the chart in force on
    ``taken_on`` (below the minimum, above the maximum, or not on a step, e.g. IELTS 6.3).
    An unknown test id is reported with ``"test"`` in place of an ability. A result from before
    the test was accepted (PTE Core before 2024-01-30) is not bad input: it is checked against
    the test's first chart, and gives no points (``convert`` raises NotInForce). Never raises
    for bad input.
    """
    try:
        c = _chart(test, taken_on, rulebook)
    except UnknownTest as exc:
        return [("test", str(exc))]
    except NotInForce:
        first = _table(test, rulebook).versions[0].effective_from
        c = _chart(test, first, rulebook)
    return _problems(c, scores)


def convert(
    test: str, taken_on: dt.date, scores: Mapping[str, float], rulebook: RuleBook | None = None
) -> Conversion:
    """Convert a test's four scores to CLB/NCLC levels with the chart in force on ``taken_on``.

    Raises :class:`LanguageRuleError` when a score is missing or off the scale,
    :class:`UnknownTest` for an unknown test id and ``NotInForce`` when the test was not accepted
    for a test taken that day.
    """
    c = _chart(test, taken_on, rulebook)
    levels: list[int] = []
    get = scores.get
    for ability, low, high, step, by_position in c.rows:  # _Scale.position, inlined
        score = get(ability)
        if score.__class__ is not bool:
            try:
                if low <= score <= high:
                    q = (score - low) / step
                    n = int(q + 0.5)
                    if -_EPS <= q - n <= _EPS:
                        levels.append(by_position[n])
                        continue
            except TypeError:
                pass
        raise LanguageRuleError("; ".join(message for _, message in _problems(c, scores)))
    return Conversion(
        test,
        c.language,
        taken_on,
        (levels[0], levels[1], levels[2], levels[3]),
        c.chart_from,
        c.reference,
    )


def _add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later; February 29 becomes February 28 in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@lru_cache(maxsize=1024)
def _validity_years(on: dt.date, rulebook: RuleBook | None) -> int:
    table = (default_rulebook() if rulebook is None else rulebook)["language.validity"]
    first = table.versions[0]
    value = first.value if on < first.effective_from else table.at(on)
    years = value.get("years") if isinstance(value, dict) else None
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise RuleDataError(f"{table.name}: 'years' must be a positive integer, got {years!r}")
    return years


def is_valid_on(taken_on: dt.date, as_of: dt.date, rulebook: RuleBook | None = None) -> bool:
    """Whether a result from a test taken on ``taken_on`` counts on ``as_of``.

    It counts from the test date until the day before its anniversary (``validity.yaml``, the
    version in force on ``as_of``): on the second anniversary it is two years old and gives no
    points. A result dated after ``as_of`` does not count either.
    """
    if as_of < taken_on:
        return False
    return as_of < _add_years(taken_on, _validity_years(as_of, rulebook))


def valid_until(taken_on: dt.date, rulebook: RuleBook | None = None) -> dt.date:
    """The last day a result from a test taken on ``taken_on`` counts.

    Uses the validity rule in force on ``taken_on`` (the first version for a test taken before
    the table begins, e.g. in 2014 for a profile in 2015).
    """
    return _add_years(taken_on, _validity_years(taken_on, rulebook)) - dt.timedelta(days=1)
