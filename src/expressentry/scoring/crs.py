"""The Comprehensive Ranking System (CRS), as of any date since Express Entry began (2015-01-01).

Four blocks (Ministerial Instructions respecting the Express Entry system, ss. 8-30; the canada.ca
"CRS criteria" page):

A. core / human capital: age, education, first and second official language, Canadian work;
B. spouse or common-law partner: education, first official language, Canadian work;
C. skill transferability: education, foreign work and certificate-of-qualification groups
   (each capped at 50), 100 in all;
D. additional points: provincial nomination, arranged employment (until 2025-03-24), French,
   Canadian education, sibling; 600 in all.

Point values come from the dated tables of ``rules/data/crs``; the shape of each block is a
formula registered with the date it took effect (see ``expressentry.rules.formulas``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from expressentry.profile.facts import Facts, JobOfferFacts, PersonFacts, derive
from expressentry.profile.model import Profile
from expressentry.rules.formulas import FormulaRegistry
from expressentry.rules.tables import RuleBook, default_rulebook

CRS_EPOCH = dt.date(2015, 1, 1)

formulas = FormulaRegistry()

Tables = dict[str, Any]
Block = dict[str, int]


@lru_cache(maxsize=512)
def tables_at(rulebook: RuleBook, on: dt.date) -> Tables:
    """Every CRS table's value in force on ``on`` (tables not in force are absent).

    Threshold tables (points by CLB level or by years, as ``{level: points}``) are compiled into
    arrays indexed by level, so that scoring looks points up instead of searching rows.
    """
    out: Tables = {}
    for name in rulebook.names("crs."):
        value = rulebook[name].get(on, _MISSING)
        if value is not _MISSING:
            out[name] = value if name in EXACT_TABLES else compile_thresholds(value)
    return out


_MISSING = object()
#: tables keyed by an exact value rather than a threshold (ages above 44 give 0, not 6)
EXACT_TABLES = frozenset({"crs.core.age"})

BLOCKS = ("crs.core", "crs.spouse", "crs.transferability", "crs.additional")


def compile_thresholds(value: Any) -> Any:
    """Replace every ``{level: points}`` mapping inside ``value`` by an array indexed by level."""
    if isinstance(value, dict):
        if value and all(type(k) is int and type(v) is int for k, v in value.items()):
            points, row = [], 0
            for level in range(max(value) + 1):
                row = value.get(level, row)
                points.append(row)
            return tuple(points)
        return {k: compile_thresholds(v) for k, v in value.items()}
    return value


@lru_cache(maxsize=512)
def rules_at(rulebook: RuleBook, on: dt.date) -> tuple[Tables, tuple[Callable[..., Block], ...]]:
    """The tables and the four block formulas in force on ``on``."""
    return tables_at(rulebook, on), tuple(formulas.at(name, on) for name in BLOCKS)


def step(points: tuple[int, ...] | dict[int, int], level: int) -> int:
    """Points for the highest row whose threshold ``level`` reaches (0 below the first row).

    ``points`` is a compiled threshold table (see ``tables_at``) or a ``{level: points}`` one.
    """
    if isinstance(points, dict):
        points = compile_thresholds(points)
    if level < 0:
        return 0
    return points[level] if level < len(points) else points[-1]  # type: ignore[index]


def _column(facts: Facts) -> str:
    return "with_spouse" if facts.with_spouse else "single"


# --- A. core / human capital ------------------------------------------------------------------


@formulas.register("crs.core", since="2015-01-01")
def core(facts: Facts, t: Tables) -> Block:
    p, col = facts.principal, _column(facts)
    age = t["crs.core.age"][col].get(p.age, 0) if p.age is not None else 0
    education = t["crs.core.education"][col][p.education]
    first_table = t["crs.core.first_language"][col]
    first = sum(step(first_table, lvl) for lvl in p.first_levels) if p.first_levels else 0
    second = 0
    if p.second_levels:
        table = t["crs.core.second_language"]
        second = min(
            sum(step(table["per_ability"], lvl) for lvl in p.second_levels), table["cap"][col]
        )
    work = step(t["crs.core.canadian_work"][col], p.canadian_work_years)
    return {
        "total": age + education + first + second + work,
        "age": age,
        "education": education,
        "first_language": first,
        "second_language": second,
        "canadian_work": work,
    }


# --- B. spouse or common-law partner ----------------------------------------------------------


@formulas.register("crs.spouse", since="2015-01-01")
def spouse(facts: Facts, t: Tables) -> Block:
    s = facts.spouse
    if not facts.with_spouse or s is None:
        return {"total": 0, "education": 0, "language": 0, "canadian_work": 0}
    education = t["crs.spouse.education"][s.education]
    per_ability = t["crs.spouse.language"]["per_ability"]
    language = sum(step(per_ability, lvl) for lvl in s.first_levels) if s.first_levels else 0
    work = step(t["crs.spouse.canadian_work"], s.canadian_work_years)
    return {
        "total": education + language + work,
        "education": education,
        "language": language,
        "canadian_work": work,
    }


# --- C. skill transferability -----------------------------------------------------------------


def _with_language(table: dict[int, int], p: PersonFacts) -> int:
    return step(table, min(p.first_levels)) if p.first_levels else 0


@formulas.register("crs.transferability", since="2015-01-01")
def transferability(facts: Facts, t: Tables) -> Block:
    p = facts.principal
    edu_t = t["crs.transferability.education"]
    row = edu_t["rows"].get(p.education)
    education = 0
    if row is not None:
        education = min(
            _with_language(edu_t["with_language"][row], p)
            + step(edu_t["with_canadian_work"][row], p.canadian_work_years),
            edu_t["cap"],
        )
    fw_t = t["crs.transferability.foreign_work"]
    foreign = 0
    if p.foreign_work_years >= 1:
        row = fw_t["rows"][min(p.foreign_work_years, max(fw_t["rows"]))]
        foreign = min(
            _with_language(fw_t["with_language"][row], p)
            + step(fw_t["with_canadian_work"][row], p.canadian_work_years),
            fw_t["cap"],
        )
    certificate = 0
    if facts.certificate_of_qualification:
        coq_t = t["crs.transferability.certificate"]
        certificate = min(_with_language(coq_t["with_language"], p), coq_t["cap"])
    total = min(education + foreign + certificate, t["crs.transferability.cap"]["cap"])
    return {
        "total": total,
        "education": education,
        "foreign_work": foreign,
        "certificate": certificate,
    }


# --- D. additional points ---------------------------------------------------------------------


def _nomination(facts: Facts, t: Tables) -> int:
    return t["crs.additional.provincial_nomination"]["points"] if facts.provincial_nomination else 0


def qualifying_offer(offer: JobOfferFacts | None, *, lmia_exempt_allowed: bool) -> bool:
    """Arranged employment as the MI define it: full time, non-seasonal, at least one year, in a
    skilled occupation (TEER 0-3), supported by an LMIA (or, from 2016-11-19, LMIA-exempt)."""
    return (
        offer is not None
        and offer.full_time
        and offer.non_seasonal
        and offer.duration_months >= 12
        and offer.skilled
        and (offer.lmia or (lmia_exempt_allowed and offer.lmia_exempt))
    )


def _job_offer_points(facts: Facts, t: Tables) -> int:
    offer = facts.job_offer
    table = t["crs.additional.job_offer"]
    exempt_ok = not table["lmia_required"]
    if offer is None or not qualifying_offer(offer, lmia_exempt_allowed=exempt_ok):
        return 0
    return table["senior_management"] if offer.major_group == "00" else table["other"]


def _french(facts: Facts, t: Tables) -> int:
    table = t["crs.additional.french"]
    p = facts.principal
    if not p.french_levels or min(p.french_levels) < table["french_minimum_nclc"]:
        return 0
    if p.english_levels and min(p.english_levels) >= table["english_minimum_clb"]:
        return table["french_and_english"]
    return table["french_only"]


def _canadian_education(facts: Facts, t: Tables) -> int:
    level = facts.principal.canadian_education
    if level is None:
        return 0
    table = t["crs.additional.canadian_education"]
    return table[table["levels"][level]]


def _sibling(facts: Facts, t: Tables) -> int:
    return t["crs.additional.sibling"]["points"] if facts.sibling_in_canada else 0


def _additional(facts: Facts, t: Tables, **parts: int) -> Block:
    block = {
        "total": 0,
        "provincial_nomination": parts.get("provincial_nomination", 0),
        "job_offer": parts.get("job_offer", 0),
        "french": parts.get("french", 0),
        "canadian_education": parts.get("canadian_education", 0),
        "sibling": parts.get("sibling", 0),
    }
    block["total"] = min(sum(parts.values()), t["crs.additional.cap"]["cap"])
    return block


@formulas.register("crs.additional", since="2015-01-01")
def additional_2015(facts: Facts, t: Tables) -> Block:
    """Launch: a nomination or an LMIA-supported job offer, 600 points, at most 600 in all."""
    return _additional(
        facts,
        t,
        provincial_nomination=_nomination(facts, t),
        job_offer=_job_offer_points(facts, t),
    )


@formulas.register("crs.additional", since="2016-11-19")
def additional_2016(facts: Facts, t: Tables) -> Block:
    """MI 2016-1: job offer 200 (Major Group 00) or 50; Canadian education 15 or 30."""
    return _additional(
        facts,
        t,
        provincial_nomination=_nomination(facts, t),
        job_offer=_job_offer_points(facts, t),
        canadian_education=_canadian_education(facts, t),
    )


@formulas.register("crs.additional", since="2017-06-06")
def additional_2017(facts: Facts, t: Tables) -> Block:
    """MI 2017-1: French-language points and sibling points added."""
    return _additional(
        facts,
        t,
        provincial_nomination=_nomination(facts, t),
        job_offer=_job_offer_points(facts, t),
        french=_french(facts, t),
        canadian_education=_canadian_education(facts, t),
        sibling=_sibling(facts, t),
    )


@formulas.register("crs.additional", since="2025-03-25")
def additional_2025(facts: Facts, t: Tables) -> Block:
    """From 2025-03-25 arranged employment gives no CRS points (the factor was removed)."""
    return _additional(
        facts,
        t,
        provincial_nomination=_nomination(facts, t),
        french=_french(facts, t),
        canadian_education=_canadian_education(facts, t),
        sibling=_sibling(facts, t),
    )


# --- the whole score --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Score:
    """A CRS score with its breakdown, as of a date."""

    as_of: dt.date
    total: int
    core: Block
    spouse: Block
    transferability: Block
    additional: Block
    rules_version: str = ""
    facts: Facts | None = field(default=None, compare=False, repr=False)

    def document(self) -> dict[str, Any]:
        """The score document of the profile exchange format (``score --json``)."""
        return {
            "total": self.total,
            "as_of": self.as_of.isoformat(),
            "core": dict(self.core),
            "spouse": dict(self.spouse),
            "transferability": dict(self.transferability),
            "additional": dict(self.additional),
        }


class BeforeExpressEntry(ValueError):
    """The CRS did not exist before Express Entry began on 2015-01-01."""


def score_facts(facts: Facts, rulebook: RuleBook | None = None) -> Score:
    """The CRS score for already-derived facts (what-if scenarios change facts, then call this)."""
    rulebook = rulebook or default_rulebook()
    on = facts.as_of
    if on < CRS_EPOCH:
        raise BeforeExpressEntry(
            f"as_of {on.isoformat()}: the CRS began with Express Entry on 2015-01-01"
        )
    t, blocks = rules_at(rulebook, on)
    core_f, spouse_f, transferability_f, additional_f = blocks
    a, b = core_f(facts, t), spouse_f(facts, t)
    c, d = transferability_f(facts, t), additional_f(facts, t)
    return Score(
        as_of=on,
        total=a["total"] + b["total"] + c["total"] + d["total"],
        core=a,
        spouse=b,
        transferability=c,
        additional=d,
        rules_version=t["crs.versions"]["id"],
        facts=facts,
    )


def score(profile: Profile, as_of: dt.date, rulebook: RuleBook | None = None) -> Score:
    """The CRS score of a profile as of ``as_of``."""
    if as_of < CRS_EPOCH:
        raise BeforeExpressEntry(
            f"as_of {as_of.isoformat()}: the CRS began with Express Entry on 2015-01-01"
        )
    return score_facts(derive(profile, as_of, rulebook), rulebook)
