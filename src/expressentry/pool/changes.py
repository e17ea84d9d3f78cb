"""When a stored assessment can next change, and which documents stop counting when.

An assessment holds on the day it was made. IRCC recomputes by itself, as time passes, what
depends on the calendar alone: the age on each birthday, the Canadian and foreign work accrued
(and work falling out of a program's window), a language result or an ECA that expires, the end
of the 12 months in the pool, and a new version of a rule or a category taking effect (MI
respecting the Express Entry system, ss. 3(4), 4(1) and 12(3); CRS criteria: "the points are
those of the day on which points are assigned"). Anything else waits for an update of the
profile. :func:`next_change` gives the first day after the assessment's date on which one of
those could change what the pool stores (CRS, programs, categories, expiry): the pool
re-assesses a profile on or after that day, and never needs to before.

The day may be early (the assessment is then only found unchanged), never late: every date here
is a day on which a fact the rules read can move, or a day before one.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from expressentry.eligibility.categories import DAYS_PER_MONTH
from expressentry.profile.facts import (
    DAYS_PER_YEAR,
    WorkPeriod,
    add_months,
    add_years,
    age_on,
    counts_as_canadian,
    counts_as_foreign,
    full_time_days,
    skilled_codes_rule,
    work_periods,
)
from expressentry.profile.model import Credential, Job, LanguageTest, Profile
from expressentry.rules import language
from expressentry.rules.categories import CategoryBook
from expressentry.rules.tables import RuleBook

ONE_DAY = dt.timedelta(days=1)

#: the windows work is counted in when the rule data is silent: CEC and categories 3 years, FST
#: 5, the CRS and FSW 10 (``_windows`` reads them from the rule and category data)
WINDOWS_YEARS = (3, 5, 10)
#: full-time-equivalent days at which a count of work can change what is stored: whole years up
#: to FSW's "6 years or more" (and the months categories ask for, from their data)
THRESHOLDS_DAYS = tuple(DAYS_PER_YEAR * k for k in range(1, 7))
#: calendar months from a job's start (or from a window's edge passing its end) at which a
#: category's continuous calendar months are met (or lost). Whole years of work are counted in
#: full-time-equivalent days: those thresholds are the days ``_crossing`` finds from a job's
#: start, end and window edges, which are dates of their own
MONTH_OFFSETS = (6, 12)
#: no age points change after this age (CRS: 45; the FSW grid: 47)
LAST_SCORED_AGE = 47
#: how far ahead work is laid out (longer than any window, so ongoing work is not cut short)
HORIZON_YEARS = 11


@lru_cache(maxsize=256)
def _windows(
    rulebook: RuleBook, categories: CategoryBook
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The windows (years) work is counted in and the months of work categories ask for, from
    every version of the program and category data (and the defaults above)."""
    windows = set(WINDOWS_YEARS)
    for name, key in (
        ("programs.fsw", "work_window_years"),
        ("programs.cec", "window_years"),
        ("programs.fst", "window_years"),
    ):
        if name in rulebook:
            windows |= {v.value[key] for v in rulebook[name].versions if key in v.value}
    months = set(MONTH_OFFSETS)
    for slug in categories.slugs():
        for version in categories.versions(slug):
            for criterion in version.criteria:
                if hasattr(criterion, "window_years"):
                    windows.add(criterion.window_years)
                if hasattr(criterion, "minimum_months"):
                    months.add(criterion.minimum_months)
    return tuple(sorted(windows)), tuple(sorted(months))


@lru_cache(maxsize=256)
def _rule_dates(rulebook: RuleBook, categories: CategoryBook, after: dt.date) -> dt.date | None:
    """The first day after ``after`` on which a rule table's or a category's version starts or
    ends (a new rule version or category version taking effect)."""
    days: list[dt.date] = []
    versions: Iterable[Any] = (v for table in rulebook for v in table.versions)
    category_versions = (v for slug in categories.slugs() for v in categories.versions(slug))
    for v in (*versions, *category_versions):
        days.append(v.effective_from)
        if v.effective_to is not None:
            days.append(v.effective_to + ONE_DAY)
    future = [d for d in days if d > after]
    return min(future) if future else None


def _step(points: dict[int, int], age: int) -> int:
    """Points of a table listed from the age each step starts (the FSW grid's age rows)."""
    below = [a for a in points if a <= age]
    return points[max(below)] if below else 0


@lru_cache(maxsize=4096)
def _age_points_change(rulebook: RuleBook, as_of: dt.date, age: int) -> bool:
    """Whether the next birthday changes age points: the CRS (single or with spouse; MI s. 10)
    or the FSW grid (IRPR 81). Unknown tables count as a change."""
    if age >= LAST_SCORED_AGE:
        return False
    crs = rulebook["crs.core.age"].get(as_of)
    grid = rulebook["programs.fsw_grid"].get(as_of) if "programs.fsw_grid" in rulebook else None
    if crs is None or grid is None or "age" not in grid:
        return True
    for table in crs.values():
        if table.get(age, 0) != table.get(age + 1, 0):
            return True
    return _step(grid["age"], age) != _step(grid["age"], age + 1)


def _test_dates(tests: Sequence[LanguageTest], as_of: dt.date, rulebook: RuleBook) -> list[dt.date]:
    out = []
    for t in tests:
        if t.taken_on > as_of:
            out.append(t.taken_on)
        else:
            out.append(language.valid_until(t.taken_on, rulebook) + ONE_DAY)
    return out


def _credential_dates(credentials: Sequence[Credential], eca_years: int) -> list[dt.date]:
    out = []
    for c in credentials:
        if c.completed_on is not None:
            out.append(c.completed_on)
        if c.eca is not None and not c.canadian:
            out.append(c.eca.issued_on)
            out.append(add_years(c.eca.issued_on, eca_years))
    return out


def _groups(periods: Sequence[WorkPeriod]) -> list[list[WorkPeriod]]:
    """The sets of periods the rules add up: Canadian work, foreign work, all skilled paid work,
    each occupation's work, and each run of one occupation's work without a day's gap."""
    groups = [
        [p for p in periods if counts_as_canadian(p)],
        [p for p in periods if counts_as_foreign(p)],
        [p for p in periods if p.skilled and p.paid],
        [p for p in periods if p.in_canada and p.skilled],
    ]
    by_noc: dict[str, list[WorkPeriod]] = {}
    for p in periods:
        by_noc.setdefault(p.noc, []).append(p)
    for jobs in by_noc.values():
        groups.append(jobs)
        run: list[WorkPeriod] = []
        end = dt.date.min
        for p in sorted(jobs, key=lambda p: p.start):
            if run and p.start <= end:
                run.append(p)
                end = max(end, p.end)
                continue
            if len(run) > 1:
                groups.append(run)
            run, end = [p], p.end
        if len(run) > 1:
            groups.append(run)
    unique: dict[tuple[int, ...], list[WorkPeriod]] = {}
    for g in groups:
        if g:
            unique.setdefault(tuple(id(p) for p in g), g)
    return list(unique.values())


def _crossing(
    group: Sequence[WorkPeriod], as_of: dt.date, window: int, thresholds: Sequence[float]
) -> dt.date | None:
    """The day the work of ``group`` in the ``window`` years before the day crosses a threshold,
    if the count keeps the slope it has on ``as_of`` (it does until the next start, end or
    window edge, which are dates of their own)."""
    start = add_years(as_of, -window)
    # the count moves only while a period holds the window's last day or its first
    if not any(p.start <= as_of < p.end or p.start <= start < p.end for p in group):
        return None
    today = full_time_days(group, start, as_of)
    tomorrow = as_of + ONE_DAY
    slope = full_time_days(group, add_years(tomorrow, -window), tomorrow) - today
    if abs(slope) < 1e-9:
        return None
    days = math.inf
    for threshold in thresholds:
        gap = threshold - 1e-6 - today
        # rising to the next threshold above, or falling below the one under it
        if (slope > 0 and gap > 0) or (slope < 0 and gap <= 0):
            days = min(days, gap / slope)
    if days == math.inf:
        return None
    # a day early rather than a day late (float arithmetic)
    return as_of + dt.timedelta(days=max(1, math.floor(days)))


def _work_dates(
    jobs: Sequence[Job],
    as_of: dt.date,
    rulebook: RuleBook,
    windows: Sequence[int] = WINDOWS_YEARS,
    month_offsets: Sequence[int] = MONTH_OFFSETS,
) -> list[dt.date]:
    if not jobs:
        return []
    # the periods as they will stand (ongoing work runs on), skilled by today's rule: a new
    # rule version is a date of its own
    teers, not_skilled, skilled = skilled_codes_rule(rulebook, as_of)
    periods = [
        p._replace(skilled=p.noc in skilled or (p.teer in teers and p.noc not in not_skilled))
        for p in work_periods(jobs, add_years(as_of, HORIZON_YEARS), rulebook)
    ]
    out: list[dt.date] = []
    last_offset = month_offsets[-1]
    thresholds = (*THRESHOLDS_DAYS, *(DAYS_PER_MONTH * m for m in month_offsets))
    for p in periods:
        if p.start > as_of:
            out.append(p.start)
        if p.end > as_of:
            out.append(p.end)
            # continuous work reaching six months or a whole number of years (while it lasts)
            if add_months(p.start, last_offset) > as_of:
                for months in month_offsets:
                    day = add_months(p.start, months) - ONE_DAY
                    if as_of < day <= p.end:
                        out.append(day)
                for k in range(1, 7):
                    day = p.start + dt.timedelta(days=DAYS_PER_YEAR * k - 1)
                    if as_of < day <= p.end:
                        out.append(day)
        # a window's edge passing the start or the end, or passing it by a threshold
        for edge in (p.start, p.end):
            for window in windows:
                moved = add_years(edge, window)
                if moved <= as_of:
                    continue
                out.append(moved)
                for months in month_offsets:
                    day = add_months(moved, -months) - ONE_DAY
                    if day > as_of:
                        out.append(day)
    for group in _groups(periods):
        for window in windows:
            day = _crossing(group, as_of, window, thresholds)
            if day is not None:
                out.append(day)
    return out


def next_change(
    profile: Profile,
    as_of: dt.date,
    expires_on: dt.date,
    rulebook: RuleBook,
    categories: CategoryBook,
    eca_years: int,
) -> dt.date:
    """The first day after ``as_of`` on which the profile's assessment can change without an
    update of the profile (at the latest, the day it leaves the pool for time)."""
    days: list[dt.date] = [expires_on]
    rules = _rule_dates(rulebook, categories, as_of)
    if rules is not None:
        days.append(rules)
    age = age_on(profile.date_of_birth, as_of)
    if _age_points_change(rulebook, as_of, age):
        days.append(add_years(profile.date_of_birth, age + 1))
    days += _test_dates(profile.language_tests, as_of, rulebook)
    days += _credential_dates(profile.education, eca_years)
    windows, months = _windows(rulebook, categories)
    days += _work_dates(profile.work_history, as_of, rulebook, windows, months)
    if profile.provincial_nomination is not None:
        days.append(profile.provincial_nomination.nominated_on)
    coq = profile.certificate_of_qualification
    if coq is not None and coq.issued_on is not None:
        days.append(coq.issued_on)
    spouse = profile.spouse
    if spouse is not None:
        days += _test_dates(spouse.language_tests, as_of, rulebook)
        days += _credential_dates(spouse.education, eca_years)
        days += _work_dates(spouse.work_history, as_of, rulebook, windows, months)
    future = [d for d in days if d > as_of]
    return min(future) if future else as_of + ONE_DAY


def documents(profile: Profile, rulebook: RuleBook, eca_years: int) -> list[dict[str, Any]]:
    """The documents a profile relies on and the day each stops counting: a language result two
    years after the test (MI ss. 3(4), 12(3)), an ECA five years after it was issued (MI s. 4).
    A document that stops counting ends what it gave (points; a program's criterion), not the
    profile's time in the pool, which is 12 months from submission."""
    out: list[dict[str, Any]] = []
    people: list[tuple[str, Any]] = [("principal", profile)]
    if profile.spouse is not None:
        people.append(("spouse", profile.spouse))
    for person, who in people:
        for t in who.language_tests:
            out.append(
                {
                    "person": person,
                    "document": "language_test",
                    "name": t.test,
                    "issued_on": t.taken_on.isoformat(),
                    "stops_counting_on": (
                        language.valid_until(t.taken_on, rulebook) + ONE_DAY
                    ).isoformat(),
                }
            )
        for c in who.education:
            if c.eca is None or c.canadian:
                continue
            out.append(
                {
                    "person": person,
                    "document": "eca",
                    "name": c.level,
                    "issued_on": c.eca.issued_on.isoformat(),
                    "stops_counting_on": add_years(c.eca.issued_on, eca_years).isoformat(),
                }
            )
    return out
