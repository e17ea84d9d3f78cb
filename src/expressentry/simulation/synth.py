"""Synthetic Express Entry profiles: valid, varied and reproducible for a seed.

Profiles are drawn as documents of the exchange format (not as scores), so everything downstream
— parsing, scoring, eligibility, the pool — runs on them exactly as on real input. The mix (ages,
education, tests of every kind, work across NOC codes and TEERs, spouses, nominations, French)
is chosen to look like a plausible pool, not to match a published distribution.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from functools import cache
from typing import Any

from expressentry.profile.model import EXPRESS_ENTRY_START
from expressentry.rules import noc

COUNTRIES = ("IN", "CN", "NG", "PH", "PK", "IR", "FR", "GB", "US", "BR", "MX", "MA", "CM", "VN")
LEVELS = ("secondary", "one_year", "two_year", "bachelors", "two_or_more", "masters", "doctoral")
LEVEL_WEIGHTS = (4, 6, 12, 38, 10, 25, 5)
#: test score ladders that reach roughly CLB 4..10 per ability (L, R, W, S)
IELTS = (
    (4.5, 3.5, 4.0, 4.0),
    (5.0, 4.0, 5.0, 5.0),
    (5.5, 5.0, 5.5, 5.5),
    (6.0, 6.0, 6.0, 6.0),
    (7.5, 6.5, 6.5, 6.5),
    (8.0, 7.0, 7.0, 7.0),
    (8.5, 8.0, 7.5, 7.5),
)
TEF = (
    (306, 306, 268, 328),
    (352, 352, 330, 387),
    (393, 393, 379, 422),
    (434, 434, 428, 456),
    (462, 462, 472, 494),
    (503, 503, 512, 518),
    (546, 546, 558, 556),
)
TCF = (
    (331, 342, 4, 4),
    (369, 375, 6, 6),
    (398, 406, 7, 7),
    (458, 453, 10, 10),
    (503, 499, 12, 12),
    (523, 524, 14, 14),
    (549, 549, 16, 16),
)
PTE = (
    (28, 33, 41, 42),
    (39, 42, 51, 51),
    (50, 51, 60, 59),
    (60, 60, 69, 68),
    (71, 69, 79, 76),
    (82, 78, 88, 84),
    (89, 88, 90, 89),
)


@cache
def _skilled_codes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    groups = noc.unit_groups().values()
    skilled = tuple(g.code for g in groups if g.teer <= 3)
    other = tuple(g.code for g in groups if g.teer > 3)
    return skilled, other


def _date(day: dt.date) -> str:
    return day.isoformat()


def _test(rng: random.Random, french: bool, band: int, taken: dt.date) -> dict[str, Any]:
    band = max(0, min(6, band + rng.choice((-1, 0, 0, 1))))
    if french:
        name, ladder = ("tef_canada", TEF) if rng.random() < 0.6 else ("tcf_canada", TCF)
        if name == "tef_canada" and taken < dt.date(2023, 12, 11):
            taken = dt.date(2023, 12, 11) + dt.timedelta(days=rng.randint(0, 200))
    else:
        pick = rng.random()
        if pick < 0.55:
            name, ladder = "ielts_general", IELTS
        elif pick < 0.85 or taken < dt.date(2024, 1, 30):
            name, ladder = "celpip_general", None
        else:
            name, ladder = "pte_core", PTE
    if ladder is None:
        level = band + 4
        scores = [min(12, max(4, level + rng.choice((-1, 0, 0, 1)))) for _ in range(4)]
    else:
        scores = list(ladder[max(0, min(6, band + rng.choice((-1, 0, 0, 0, 1))))])
    return {
        "test": name,
        "taken_on": _date(taken),
        "listening": scores[0],
        "reading": scores[1],
        "writing": scores[2],
        "speaking": scores[3],
    }


def _jobs(rng: random.Random, as_of: dt.date, canadian_share: float) -> list[dict[str, Any]]:
    skilled, other = _skilled_codes()
    jobs = []
    end = as_of - dt.timedelta(days=rng.randint(0, 200))
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        months = rng.randint(8, 72)
        start = end - dt.timedelta(days=months * 30)
        in_canada = rng.random() < canadian_share
        code = rng.choice(skilled) if rng.random() < 0.93 else rng.choice(other)
        jobs.append(
            {
                "noc": code,
                "country": "CA" if in_canada else rng.choice(COUNTRIES),
                "start": _date(start),
                "end": None if not jobs and rng.random() < 0.5 else _date(end),
                "hours_per_week": rng.choice((40, 40, 37.5, 35, 30, 20)),
            }
        )
        end = start - dt.timedelta(days=rng.randint(1, 120))
    return jobs


def profile(rng: random.Random, number: int, as_of: dt.date) -> dict[str, Any]:
    """One synthetic profile submitted within the year before ``as_of``."""
    submitted = dt.datetime.combine(as_of, dt.time(12), dt.UTC) - dt.timedelta(
        seconds=rng.randint(0, 330 * 86400)
    )
    # no profile was submitted before Express Entry opened (a pool of early 2015 is young)
    submitted = max(submitted, EXPRESS_ENTRY_START + dt.timedelta(seconds=number % 43200))
    age = max(18, min(55, int(rng.gauss(31, 5.5))))
    birth = submitted.date() - dt.timedelta(days=age * 365 + rng.randint(0, 364))
    french_first = rng.random() < 0.07
    band = rng.choices(range(7), weights=(3, 6, 10, 22, 24, 22, 13))[0]
    taken = submitted.date() - dt.timedelta(days=rng.randint(10, 500))
    tests = [_test(rng, french_first, band, taken)]
    if french_first and rng.random() < 0.7:
        tests.append(_test(rng, False, max(0, band - 2), taken))
    elif not french_first and rng.random() < 0.06:
        tests.append(_test(rng, True, rng.randint(2, 6), taken))
    level = rng.choices(LEVELS, weights=LEVEL_WEIGHTS)[0]
    canadian_study = rng.random() < 0.3
    completed = submitted.date() - dt.timedelta(days=rng.randint(200, 4000))
    credential: dict[str, Any] = {
        "level": level,
        "country": "CA" if canadian_study else rng.choice(COUNTRIES),
        "completed_on": _date(completed),
    }
    if not canadian_study:
        # an ECA assesses a completed credential: never issued before its completion
        issued = submitted.date() - dt.timedelta(days=rng.randint(30, 1400))
        credential["eca"] = {"issued_on": _date(max(issued, completed))}
    doc: dict[str, Any] = {
        "profile_id": f"s-{number:07d}",
        "submitted_at": submitted.isoformat().replace("+00:00", "Z"),
        "date_of_birth": _date(birth),
        "marital_status": "single",
        "education": [credential],
        "language_tests": tests,
        "work_history": _jobs(rng, submitted.date(), 0.75 if canadian_study else 0.35),
        "settlement_funds_cad": rng.choice((15000, 20000, 30000, 45000)),
        "family_size": 1,
        "authorized_to_work_in_canada": canadian_study or rng.random() < 0.2,
    }
    if french_first:
        doc["first_official_language"] = "french"
    if rng.random() < 0.45:
        doc["marital_status"] = rng.choice(("married", "common_law"))
        doc["family_size"] = 2
        doc["settlement_funds_cad"] += 8000
        spouse: dict[str, Any] = {"accompanying": rng.random() < 0.85}
        if rng.random() < 0.6:
            spouse["language_tests"] = [_test(rng, False, max(0, band - 1), taken)]
        if rng.random() < 0.7:
            spouse["education"] = [
                {
                    "level": rng.choices(LEVELS, weights=LEVEL_WEIGHTS)[0],
                    "country": "CA",
                    "completed_on": _date(completed),
                }
            ]
        doc["spouse"] = spouse
    if rng.random() < 0.05:
        doc["provincial_nomination"] = {
            "province": rng.choice(("ON", "BC", "AB", "SK", "MB", "NS")),
            "nominated_on": _date(submitted.date()),
        }
    if rng.random() < 0.04:
        doc["sibling_in_canada"] = True
    return doc


def profiles(count: int, as_of: dt.date, seed: int = 1) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for number in range(1, count + 1):
        yield profile(rng, number, as_of)


def jsonl(count: int, as_of: dt.date, seed: int = 1) -> Iterator[str]:
    for doc in profiles(count, as_of, seed):
        yield json.dumps(doc, separators=(",", ":"))
