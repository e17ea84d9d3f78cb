"""What the pool stores about a profile: its CRS, programs, categories and expiry, as of a date.

One function computes it for every path into the pool (submit, update, import, rescoring), so
the stored facts never disagree with ``expressentry score`` and ``expressentry eligibility``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from expressentry.eligibility.categories import context, meets
from expressentry.eligibility.programs import ProgramsResult, assess_programs, eligible_programs
from expressentry.pool.changes import next_change
from expressentry.pool.schema import PROGRAM_BITS
from expressentry.profile.facts import add_months, derive
from expressentry.profile.model import Profile
from expressentry.rules.categories import CategoryBook, default_categories
from expressentry.rules.tables import RuleBook, default_rulebook
from expressentry.scoring.crs import score_facts


@dataclass(frozen=True, slots=True)
class PoolAssessment:
    as_of: dt.date
    eligible: bool
    reasons: tuple[str, ...]
    crs: int
    crs_document: str
    rules_version: str
    programs: int
    nominated: bool
    categories: tuple[str, ...]  # "slug:year" of every category the profile meets
    expires_on: dt.date
    #: the first day after ``as_of`` on which the assessment can change (``changes``)
    next_change: dt.date


def category_key(slug: str, year: int) -> str:
    return f"{slug}:{year}"


def expiry(profile: Profile, submitted: dt.date, as_of: dt.date, rulebook: RuleBook) -> dt.date:
    """The day the profile leaves the pool for time: 12 months after submission (MI s. 4(1)).

    A language result or an ECA that stops counting is not the profile's end: it ends the
    points and the program criteria it gave, which a re-assessment on that day finds
    (``changes.next_change``); the profile leaves then only if it meets no program any more.
    """
    months = rulebook["pool.profile_validity"].at(max(submitted, dt.date(2015, 1, 1)))["months"]
    return add_months(submitted, months)


def _refusal(programs: ProgramsResult) -> tuple[str, ...]:
    """Why a profile meets no program, program by program."""
    doc = programs.document()
    return tuple(f"{name.upper()}: {r}" for name, p in doc.items() for r in p["reasons"])


def assess_for_pool(
    profile: Profile,
    submitted: dt.date,
    as_of: dt.date,
    rulebook: RuleBook | None = None,
    categories: CategoryBook | None = None,
) -> PoolAssessment:
    rulebook = rulebook or default_rulebook()
    categories = categories or default_categories()
    facts = derive(profile, as_of, rulebook)
    score = score_facts(facts, rulebook)
    programs = assess_programs(profile, as_of, rulebook, facts=facts)
    mask = 0
    for name, bit in PROGRAM_BITS.items():
        if getattr(programs, name).eligible:
            mask |= bit
    eca_years = rulebook["programs.eca_validity"].at(as_of)["years"]
    ctx = context(profile, as_of, facts.principal, eca_years, explain=False)
    met = tuple(category_key(v.slug, v.year) for v in categories.in_force(as_of) if meets(v, ctx))
    expires_on = expiry(profile, submitted, as_of, rulebook)
    reasons: tuple[str, ...] = ()
    if not programs.express_entry_eligible:
        reasons = _refusal(programs)
    return PoolAssessment(
        as_of=as_of,
        eligible=programs.express_entry_eligible,
        reasons=reasons,
        crs=score.total,
        crs_document=json.dumps(score.document()),
        rules_version=score.rules_version,
        programs=mask,
        nominated=facts.provincial_nomination,
        categories=met,
        expires_on=expires_on,
        next_change=next_change(profile, as_of, expires_on, rulebook, categories, eca_years),
    )


def assess_many(
    profiles: list[Profile],
    submitted: list[dt.date],
    as_of: dt.date,
    rulebook: RuleBook | None = None,
    categories: CategoryBook | None = None,
) -> list[PoolAssessment]:
    """``assess_for_pool`` for many profiles as of one date, the CRS and the category flags
    computed column-wise (``scoring.vectorized``: the same rules, the same results); programs
    (their verdicts, ``eligible_programs``; the reasons of a refusal) and expiry profile by
    profile. The pool's bulk import and rescoring use it."""
    from expressentry.eligibility.vectorized import category_flags
    from expressentry.scoring.vectorized import (
        columns_from_facts,
        documents_json,
        rules_version,
        score_columns,
    )

    rulebook = rulebook or default_rulebook()
    categories = categories or default_categories()
    if not profiles:
        return []
    facts = [derive(p, as_of, rulebook) for p in profiles]
    cols = columns_from_facts(
        facts, profiles, as_of=as_of, rulebook=rulebook, categories=categories
    )
    scores = score_columns(cols, as_of, rulebook)
    flags = category_flags(cols, categories)
    crs_documents = documents_json(scores, as_of)
    totals = scores["total"].tolist()
    met = {key: column.tolist() for key, column in flags.items()}
    version = rules_version(as_of, rulebook)
    bits = (PROGRAM_BITS["fsw"], PROGRAM_BITS["cec"], PROGRAM_BITS["fst"])
    eca_years = rulebook["programs.eca_validity"].at(as_of)["years"]
    out = []
    for i, (profile, f) in enumerate(zip(profiles, facts, strict=True)):
        verdicts = eligible_programs(profile, f, rulebook)
        mask = 0
        for bit, eligible in zip(bits, verdicts, strict=True):
            if eligible:
                mask |= bit
        expires_on = expiry(profile, submitted[i], as_of, rulebook)
        reasons: tuple[str, ...] = ()
        if not mask:  # refused: the explained path says why
            reasons = _refusal(assess_programs(profile, as_of, rulebook, facts=f))
        out.append(
            PoolAssessment(
                as_of=as_of,
                eligible=bool(mask),
                reasons=reasons,
                crs=totals[i],
                crs_document=crs_documents[i],
                rules_version=version,
                programs=mask,
                nominated=f.provincial_nomination,
                categories=tuple(key for key, column in met.items() if column[i]),
                expires_on=expires_on,
                next_change=next_change(
                    profile, as_of, expires_on, rulebook, categories, eca_years
                ),
            )
        )
    return out
