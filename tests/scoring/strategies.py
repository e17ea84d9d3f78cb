"""Hypothesis strategies for valid Express Entry profiles and assessment dates.

Profiles are built as dicts in the exchange format (shared/spec/profile-format.md) so that a test
can change one field and parse again: :func:`profile_cases` gives ``(dict, as_of)`` pairs and
:func:`profiles` gives ``(Profile, as_of)``. Every generated profile is valid: language scores are
drawn on the scale of the chart in force on the test date (biased towards the level boundaries,
where points change), NOC codes come from NOC 2021 and no date is in the future.

Import from another test module (tests/ is on ``sys.path`` when ``tests/scoring`` is a
package)::

    from scoring.strategies import profile_cases, profiles

The draws go through a few cached primitive strategies (:func:`_int`, :func:`pick`,
:func:`date_between`) because building a fresh strategy per draw triples the generation time.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any, TypeVar

from hypothesis import strategies as st

from expressentry.profile.facts import add_years
from expressentry.profile.model import EDUCATION_ORDER, Profile, parse_profile
from expressentry.rules import language, noc
from expressentry.rules.tables import NotInForce

T = TypeVar("T")

AS_OF_MIN = dt.date(2015, 1, 1)
AS_OF_MAX = min(dt.date(2026, 11, 25), dt.date.today())

CODES = tuple(sorted(noc.unit_groups()))
SKILLED_CODES = tuple(c for c in CODES if noc.unit_groups()[c].skilled)
UNSKILLED_CODES = tuple(c for c in CODES if not noc.unit_groups()[c].skilled)
SENIOR_MANAGERS = tuple(c for c in CODES if c.startswith("00"))
FOREIGN_COUNTRIES = ("IN", "PH", "FR", "NG", "CN", "US", "GB", "BR", "MA")
PROVINCES = ("AB", "BC", "MB", "NB", "NL", "NS", "ON", "PE", "SK", "NT", "NU", "YT")
ENGLISH_TESTS = ("ielts_general", "celpip_general", "pte_core")
FRENCH_TESTS = ("tef_canada", "tcf_canada")
ALL_TESTS = ENGLISH_TESTS + FRENCH_TESTS
MARITAL = ("single", "single", "married", "married", "common_law", "divorced", "widowed")
PARTNERED = ("married", "common_law")

#: the earliest test date with a chart for every test but PTE Core
FIRST_CHART = max(
    language.chart(test, AS_OF_MIN).effective_from
    for test in ("ielts_general", "celpip_general", "tef_canada", "tcf_canada")
)

as_of_dates = st.dates(AS_OF_MIN, AS_OF_MAX)

_FRACTION = 10_000


@functools.cache
def _int(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)


def chance(draw: st.DrawFn, one_in: int) -> bool:
    """True about once in ``one_in`` draws (shrinks to False)."""
    return draw(_int(0, one_in - 1)) == one_in - 1


def pick(draw: st.DrawFn, seq: Sequence[T]) -> T:
    return seq[draw(_int(0, len(seq) - 1))]


def date_between(draw: st.DrawFn, lo: dt.date, hi: dt.date) -> dt.date:
    """A date in [lo, hi] (shrinks towards lo)."""
    span = (hi - lo).days
    if span <= 0:
        return lo
    return lo + dt.timedelta(days=span * draw(_int(0, _FRACTION)) // _FRACTION)


def past_between(draw: st.DrawFn, lo: dt.date, hi: dt.date) -> dt.date:
    """A date in [lo, hi], never after today (the profile model rejects future dates)."""
    hi = min(hi, dt.date.today())
    return date_between(draw, min(lo, hi), hi)


def _days(day: dt.date, n: int) -> dt.date:
    return day + dt.timedelta(days=n)


def iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


# --- language ---------------------------------------------------------------------------------


@functools.cache
def _scale_values(test: str, chart_from: dt.date, ability: str) -> tuple[float, ...]:
    scale = language.chart(test, chart_from).value["scale"][ability]
    low, high, step = scale["min"], scale["max"], scale["step"]
    count = round((high - low) / step)
    whole = float(step).is_integer() and float(low).is_integer()
    return tuple(int(low + i * step) if whole else low + i * step for i in range(count + 1))


def scale_values(test: str, taken_on: dt.date, ability: str) -> tuple[float, ...]:
    """Every score on the scale of ``test``'s chart for ``ability`` on ``taken_on``, ascending."""
    return _scale_values(test, language.chart(test, taken_on).effective_from, ability)


@functools.cache
def _near_boundaries(test: str, chart_from: dt.date, ability: str) -> tuple[float, ...]:
    """The scores at, just below and just above each level's minimum."""
    values = _scale_values(test, chart_from, ability)
    minimums = language.chart(test, chart_from).value["minimums"][ability].values()
    near: list[float] = []
    for m in sorted(minimums):
        if m in values:
            i = values.index(m)
            near.extend(values[max(i - 1, 0) : i + 2])
    return tuple(near)


@functools.cache
def _bands(test: str, chart_from: dt.date, ability: str) -> dict[int, tuple[float, ...]]:
    """The scores of each level (0 = below the chart) on one chart, for one ability."""
    minimums = language.chart(test, chart_from).value["minimums"][ability]
    bands: dict[int, list[float]] = {}
    for v in _scale_values(test, chart_from, ability):
        level = max((lvl for lvl, m in minimums.items() if v >= m), default=0)
        bands.setdefault(level, []).append(v)
    return {level: tuple(vs) for level, vs in bands.items()}


@functools.cache
def accepted_tests(taken_on: dt.date, tests: tuple[str, ...]) -> tuple[str, ...]:
    """The tests of ``tests`` that have a chart for a test taken on ``taken_on``."""
    out = []
    for test in tests:
        try:
            language.chart(test, taken_on)
        except NotInForce:
            continue
        out.append(test)
    return tuple(out)


def ability_score(
    draw: st.DrawFn, test: str, taken_on: dt.date, ability: str, level: int | None = None
) -> float:
    """A score on the scale: near ``level`` when given (a candidate's four scores are usually
    close), else anywhere on the scale, often next to a level boundary."""
    chart_from = language.chart(test, taken_on).effective_from
    if level is not None and not chance(draw, 6):
        bands = _bands(test, chart_from, ability)
        want = min(max(level + pick(draw, (0, 0, 0, -1, 1)), min(bands)), max(bands))
        while want not in bands:
            want -= 1
        band = bands[want]
        return pick(draw, (band[0], band[-1], *band))
    if draw(st.booleans()):
        return pick(draw, _near_boundaries(test, chart_from, ability) or (0,))
    return pick(draw, _scale_values(test, chart_from, ability))


@st.composite
def language_test(
    draw: st.DrawFn, as_of: dt.date, tests: tuple[str, ...] = ALL_TESTS
) -> dict[str, Any]:
    """A result on an accepted test, taken up to three years before ``as_of`` (so some have
    expired) or shortly after it (not counted yet); mostly still valid."""
    lo = max(add_years(as_of, -2 if not chance(draw, 4) else -3), FIRST_CHART)
    hi = as_of if not chance(draw, 8) else _days(as_of, 60)
    taken_on = past_between(draw, lo, hi)
    choices = accepted_tests(taken_on, tests) or accepted_tests(
        taken_on, ("ielts_general", "celpip_general")
    )
    test = pick(draw, choices)
    result: dict[str, Any] = {"test": test, "taken_on": taken_on.isoformat()}
    level = pick(draw, (3, 4, 5, 6, 7, 7, 8, 8, 9, 9, 10, 10))
    for ability in language.ABILITIES:
        result[ability] = ability_score(draw, test, taken_on, ability, level)
    return result


def language_tests(draw: st.DrawFn, as_of: dt.date, *, one_per_language: bool) -> list[Any]:
    if one_per_language:
        out = []
        if not chance(draw, 4):
            out.append(draw(language_test(as_of, ENGLISH_TESTS)))
        if chance(draw, 3):
            out.append(draw(language_test(as_of, FRENCH_TESTS)))
        if len(out) == 2 and draw(st.booleans()):
            out.reverse()
        return out
    return [draw(language_test(as_of)) for _ in range(draw(_int(0, 3)))]


# --- education and work -----------------------------------------------------------------------


def credential(draw: st.DrawFn, as_of: dt.date) -> dict[str, Any]:
    canadian = chance(draw, 3)
    out: dict[str, Any] = {
        "level": pick(draw, EDUCATION_ORDER),
        "country": "CA" if canadian else pick(draw, FOREIGN_COUNTRIES),
    }
    if not chance(draw, 5):
        out["completed_on"] = iso(date_between(draw, add_years(as_of, -25), _days(as_of, 400)))
    if canadian:
        if draw(st.booleans()):
            out["full_time"] = draw(st.booleans())
        if draw(st.booleans()):
            out["months_in_canada"] = draw(_int(0, 60))
    elif not chance(draw, 4):
        issued = past_between(draw, add_years(as_of, -6), _days(as_of, 30))
        # an ECA assesses a completed credential: never issued before its completion
        completed = out.get("completed_on")
        if completed is not None and issued.isoformat() < completed:
            if completed > dt.date.today().isoformat():
                return out  # not completed yet: no ECA
            issued = dt.date.fromisoformat(completed)
        out["eca"] = {"issued_on": iso(issued)}
    return out


def job(draw: st.DrawFn, as_of: dt.date, country: str | None = None) -> dict[str, Any]:
    if chance(draw, 4):
        code = pick(draw, UNSKILLED_CODES)
    else:
        code = pick(draw, SKILLED_CODES if draw(st.booleans()) else CODES)
    start = date_between(draw, add_years(as_of, -12), _days(as_of, 200))
    end = None if chance(draw, 4) else _days(start, draw(_int(0, 2600)))
    out: dict[str, Any] = {
        "noc": code,
        "country": country or ("CA" if draw(st.booleans()) else pick(draw, FOREIGN_COUNTRIES)),
        "start": start.isoformat(),
        "end": iso(end),
        "hours_per_week": pick(draw, (30, 37.5, 40, 45))
        if draw(st.booleans())
        else float(draw(_int(1, 60))),
    }
    if chance(draw, 6):
        out["paid"] = False
    if chance(draw, 6):
        out["self_employed"] = True
    if chance(draw, 6):
        out["during_full_time_study"] = True
    return out


def jobs(draw: st.DrawFn, as_of: dt.date, most: int) -> list[dict[str, Any]]:
    return [job(draw, as_of) for _ in range(draw(_int(0, most)))]


def credentials(draw: st.DrawFn, as_of: dt.date, most: int) -> list[dict[str, Any]]:
    return [credential(draw, as_of) for _ in range(draw(_int(0, most)))]


# --- people and profiles ----------------------------------------------------------------------


def birth_date(draw: st.DrawFn, as_of: dt.date, low: int = 15, high: int = 55) -> dt.date:
    born = _days(add_years(as_of, -draw(_int(low, high))), -draw(_int(0, 364)))
    return min(born, dt.date.today())


def spouse(draw: st.DrawFn, as_of: dt.date, *, one_per_language: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if chance(draw, 4):
        out["accompanying"] = draw(st.booleans())
    if chance(draw, 6):
        out["canadian_citizen_or_pr"] = True
    if draw(st.booleans()):
        out["date_of_birth"] = iso(birth_date(draw, as_of, 18, 60))
    out["education"] = credentials(draw, as_of, 2)
    out["language_tests"] = [
        draw(language_test(as_of)) for _ in range(draw(_int(0, 1 if one_per_language else 2)))
    ]
    out["work_history"] = jobs(draw, as_of, 2)
    return out


@st.composite
def profile_cases(
    draw: st.DrawFn,
    as_of: dt.date | None = None,
    *,
    one_per_language: bool = True,
    declare_first_language: bool = True,
) -> tuple[dict[str, Any], dt.date]:
    """A valid profile as an exchange-format dict, and the date to assess it on.

    ``one_per_language`` keeps at most one result per official language (and one for the
    spouse); ``declare_first_language`` always declares the first official language when there
    is a result. Both avoid choices the CRS leaves to the candidate (which result to enter,
    which language to call first), where the code's default is not always the best one.
    """
    if as_of is None:
        as_of = draw(as_of_dates)
    profile: dict[str, Any] = {"date_of_birth": iso(birth_date(draw, as_of))}
    if chance(draw, 2):
        profile["profile_id"] = f"c-{draw(_int(0, 999_999)):06d}"
    status = pick(draw, MARITAL)
    profile["marital_status"] = status
    if status in PARTNERED and not chance(draw, 4):
        profile["spouse"] = spouse(draw, as_of, one_per_language=one_per_language)
    profile["education"] = credentials(draw, as_of, 3)
    tests = language_tests(draw, as_of, one_per_language=one_per_language)
    profile["language_tests"] = tests
    if tests and (declare_first_language or draw(st.booleans())):
        profile["first_official_language"] = pick(draw, ("english", "french"))
    profile["work_history"] = jobs(draw, as_of, 4)
    if chance(draw, 5):
        coq: dict[str, Any] = {"noc": pick(draw, CODES), "issued_by": pick(draw, PROVINCES)}
        if draw(st.booleans()):
            coq["issued_on"] = iso(date_between(draw, add_years(as_of, -10), _days(as_of, 60)))
        profile["certificate_of_qualification"] = coq
    if chance(draw, 4):
        profile["job_offer"] = {
            "noc": pick(draw, SENIOR_MANAGERS if chance(draw, 4) else CODES),
            "lmia": draw(st.booleans()),
            "lmia_exempt": draw(st.booleans()),
            "full_time": not chance(draw, 6),
            "duration_months": pick(draw, (12, 12, 24, 36, 6)),
        }
    if chance(draw, 6):
        profile["provincial_nomination"] = {
            "province": pick(draw, PROVINCES),
            "nominated_on": iso(date_between(draw, add_years(as_of, -1), _days(as_of, 90))),
        }
    profile["sibling_in_canada"] = chance(draw, 5)
    return profile, as_of


@st.composite
def profiles(
    draw: st.DrawFn,
    as_of: dt.date | None = None,
    *,
    one_per_language: bool = True,
    declare_first_language: bool = True,
) -> tuple[Profile, dt.date]:
    """A parsed Profile and the date to assess it on (see :func:`profile_cases`)."""
    data, day = draw(
        profile_cases(
            as_of, one_per_language=one_per_language, declare_first_language=declare_first_language
        )
    )
    return parse_profile(data), day
