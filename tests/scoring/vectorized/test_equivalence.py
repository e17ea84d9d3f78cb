"""The vectorised CRS and category flags equal the single-profile path on generated pools.

Profiles come from ``simulation.synth.profiles`` (as the pool gets them). Synthetic profiles
never have a job offer, a certificate of qualification, a second result in one language or a
military career, so a seeded share of them is enriched with those (and with Canadian study,
unpaid or self-employed work, and spouses who worked in Canada) to reach every branch of every
formula; each enriched profile is parsed, so it is valid.

Each date is scored one profile at a time (``score_facts``, ``assess_categories``) and
column-wise (``score_columns``, ``category_flags``); every total, every block part and every
category flag must be equal on every row. The dates cover every version of every block formula
(a test checks that) and several category years. The current date uses 20,000 profiles;
``EXPRESSENTRY_VECTORIZED_PROFILES=100000`` runs it on 100,000.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from typing import Any

import numpy as np
import pytest

from expressentry.profile.facts import derive
from expressentry.profile.model import parse_profile
from expressentry.rules import noc
from expressentry.rules.categories import OccupationExperienceCriterion, default_categories
from expressentry.scoring.vectorized import ADDITIONAL_PARTS
from expressentry.simulation import synth

from ..strategies import scale_values
from .check import assert_same

CURRENT = dt.date(2026, 11, 1)
CURRENT_SIZE = int(os.environ.get("EXPRESSENTRY_VECTORIZED_PROFILES", "20000"))

#: date -> profiles; every formula version and several category years
DATES: dict[dt.date, int] = {
    dt.date(2016, 6, 1): 10_000,  # launch shapes: LMIA-only offers worth 600
    dt.date(2017, 1, 1): 5_000,  # MI 2016-1: offers 200/50, LMIA-exempt, Canadian education
    dt.date(2018, 1, 1): 10_000,  # MI 2017-1: French 15/30 and sibling
    dt.date(2021, 1, 1): 10_000,  # French 25/50
    dt.date(2023, 9, 1): 5_000,  # the 2023 categories
    dt.date(2024, 6, 1): 10_000,  # the 2024 categories
    dt.date(2026, 1, 10): 5_000,  # no offer points; 2025 categories, physicians continuous
    CURRENT: CURRENT_SIZE,  # the 2026 categories (military recruits: four criteria)
}

#: every code listed by some category, to put listed work in profiles
LISTED = sorted(
    {
        occupation.code
        for version in default_categories()
        for c in version.criteria_of(OccupationExperienceCriterion)
        for occupation in c.occupations
    }
)
MILITARY = ("40042", "42102", "43204")
CODES = sorted(noc.unit_groups())
SENIOR = [c for c in CODES if c.startswith("00")]
TRADES = [c for c in CODES if c[0] == "7"]


def _day(day: dt.date) -> str:
    return min(day, dt.date.today()).isoformat()


def _result(rng: random.Random, test: str, taken: dt.date) -> dict[str, Any]:
    """A result on the scale of ``test``'s chart on ``taken``, often in the upper half."""
    out: dict[str, Any] = {"test": test, "taken_on": taken.isoformat()}
    for ability in ("listening", "reading", "writing", "speaking"):
        values = scale_values(test, taken, ability)
        out[ability] = rng.choice(values[len(values) // 2 :] if rng.random() < 0.7 else values)
    return out


def enrich(doc: dict[str, Any], rng: random.Random, as_of: dt.date) -> dict[str, Any]:
    """The profile with, each at random, what synthetic profiles lack."""
    doc = dict(doc)
    taken = as_of - dt.timedelta(days=rng.randint(5, 700))
    if rng.random() < 0.15:
        doc["job_offer"] = {
            "noc": rng.choice(SENIOR if rng.random() < 0.3 else CODES),
            "lmia": rng.random() < 0.5,
            "lmia_exempt": rng.random() < 0.5,
            "full_time": rng.random() < 0.85,
            "duration_months": rng.choice((0, 6, 11, 12, 12, 24, 36, 48)),
            "non_seasonal": rng.random() < 0.85,
        }
        if rng.random() < 0.4:
            doc["job_offer"]["employer"] = rng.choice(
                ("Canadian Armed Forces", "canadian armed forces HQ", "Acme Ltd")
            )
    if rng.random() < 0.10:
        coq: dict[str, Any] = {"noc": rng.choice(TRADES), "issued_by": "ON"}
        if rng.random() < 0.5:
            coq["issued_on"] = _day(as_of + dt.timedelta(days=rng.randint(-2000, 300)))
        doc["certificate_of_qualification"] = coq
    tests = list(doc.get("language_tests", []))
    if rng.random() < 0.10:  # a second English result: the one that scores more counts
        tests.append(_result(rng, "celpip_general", taken))
    if rng.random() < 0.08:
        tests.append(_result(rng, "tcf_canada", taken))
    if rng.random() < 0.03:  # the only result has expired, or is not taken yet
        tests = [_result(rng, "celpip_general", as_of - dt.timedelta(days=800))]
    doc["language_tests"] = tests
    if "first_official_language" in doc and rng.random() < 0.3:
        del doc["first_official_language"]  # the language that gives more points is first
    jobs = [dict(j) for j in doc.get("work_history", [])]
    for job in jobs:
        if rng.random() < 0.04:
            job["paid"] = False
        if rng.random() < 0.04:
            job["self_employed"] = True
        if rng.random() < 0.04:
            job["during_full_time_study"] = True
    if rng.random() < 0.15:  # work in a listed occupation, sometimes part time or in pieces
        start = as_of - dt.timedelta(days=rng.randint(100, 1500))
        end = start + dt.timedelta(days=rng.randint(30, 700))
        for _ in range(rng.choice((1, 1, 2))):
            jobs.append(
                {
                    "noc": rng.choice(LISTED),
                    "country": "CA" if rng.random() < 0.6 else "IN",
                    "start": _day(start),
                    "end": None if rng.random() < 0.3 else _day(end),
                    "hours_per_week": rng.choice((40, 30, 20, 15)),
                }
            )
            start = end + dt.timedelta(days=rng.randint(1, 90))
            end = start + dt.timedelta(days=rng.randint(30, 500))
    if rng.random() < 0.04:  # a military career, and an offer from the Canadian Armed Forces
        jobs.append(
            {
                "noc": rng.choice(MILITARY),
                "country": rng.choice(("US", "GB", "FR")),
                "start": _day(as_of - dt.timedelta(days=rng.randint(200, 4000))),
                "end": None,
                "hours_per_week": 40,
            }
        )
        doc["job_offer"] = {
            "noc": rng.choice(MILITARY),
            "employer": "Canadian Armed Forces",
            "duration_months": rng.choice((24, 36, 48)),
        }
    doc["work_history"] = jobs
    if rng.random() < 0.10:
        doc["education"] = [
            *doc.get("education", []),
            {
                "level": rng.choice(("one_year", "two_year", "bachelors", "masters")),
                "country": "CA",
                "completed_on": _day(as_of - dt.timedelta(days=rng.randint(-100, 3000))),
                "full_time": rng.random() < 0.8,
                "months_in_canada": rng.randint(0, 30),
            },
        ]
    spouse = doc.get("spouse")
    if spouse is not None and rng.random() < 0.3:
        spouse = dict(spouse)
        spouse["work_history"] = [
            {
                "noc": rng.choice(CODES),
                "country": "CA",
                "start": _day(as_of - dt.timedelta(days=rng.randint(100, 3000))),
                "end": None,
                "hours_per_week": rng.choice((40, 20)),
            }
        ]
        if rng.random() < 0.3:
            spouse["language_tests"] = [
                _result(rng, "celpip_general", taken),
                _result(rng, "tcf_canada", taken),
            ]
        doc["spouse"] = spouse
    return doc


def pool(size: int, as_of: dt.date, seed: int = 11) -> tuple[list[Any], list[Any]]:
    """``size`` synthetic profiles, about half enriched, parsed; and their facts."""
    rng = random.Random(seed)
    profiles = []
    for doc in synth.profiles(size, as_of, seed):
        if rng.random() < 0.5:
            doc = enrich(doc, rng, as_of)
        profiles.append(parse_profile(doc))
    return profiles, [derive(p, as_of) for p in profiles]


#: block parts that give points only from a date (before it, every row has 0)
PARTS_FROM = {
    "additional.canadian_education": dt.date(2016, 11, 19),
    "additional.french": dt.date(2017, 6, 6),
    "additional.sibling": dt.date(2017, 6, 6),
}
PARTS_UNTIL = {"additional.job_offer": dt.date(2025, 3, 24)}


@pytest.mark.parametrize("as_of", list(DATES), ids=str)
def test_pool_scores_and_flags_equal_the_single_path(as_of: dt.date) -> None:
    profiles, facts = pool(DATES[as_of], as_of)
    outcome = assert_same(profiles, facts, as_of)
    print(f"{as_of}: {outcome.rows} profiles, every total, part and flag equal")

    # the pool reaches every part that gives points on the date, and every cap
    s = outcome.scores
    for key, values in s.items():
        start, end = PARTS_FROM.get(key, dt.date.min), PARTS_UNTIL.get(key, dt.date.max)
        if start <= as_of <= end:
            assert values.any(), f"no profile has points for {key} on {as_of}"
        else:
            assert not values.any(), f"{key} gives points on {as_of}"
    parts = s["transferability.education"] + s["transferability.foreign_work"]
    assert (parts + s["transferability.certificate"] > s["transferability.total"]).any()
    assert (s["core.second_language"] == 22).any() or (s["core.second_language"] == 24).any()
    additional = sum(s[f"additional.{p}"] for p in ADDITIONAL_PARTS)
    assert (additional > s["additional.total"]).any()  # nominated, and more
    assert len(np.unique(s["total"])) > 300

    # every category in force has members and non-members
    in_force = default_categories().in_force(as_of)
    assert list(outcome.flags) == [f"{v.slug}:{v.year}" for v in in_force]
    for key, flags in outcome.flags.items():
        assert 0 < flags.sum() < len(flags), f"{key}: {flags.sum()} of {len(flags)} eligible"
