"""Whether a profile meets a category's criteria, with reasons a person can act on.

Categories are Ministerial Instructions made under IRPA s. 10.3(1); their criteria are data
(``rules/data/categories``). Each criterion kind has one evaluation function here, registered by
the criterion's class, so that a new category needs no code and a new kind of criterion needs one
function.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from expressentry.profile.facts import (
    PersonFacts,
    WorkPeriod,
    add_months,
    add_years,
    counted_credentials,
    full_time_days,
)
from expressentry.profile.model import Profile
from expressentry.rules import noc
from expressentry.rules.categories import (
    AttestationCriterion,
    CategoryBook,
    CategoryVersion,
    CredentialCriterion,
    Criterion,
    JobOfferCriterion,
    LanguageCriterion,
    OccupationExperienceCriterion,
    default_categories,
)
from expressentry.rules.language import ABILITIES

DAYS_PER_MONTH = 365 / 12

#: program years of study of each education level, for "a credential of at least N years"
CREDENTIAL_YEARS = {
    "less_than_secondary": 0,
    "secondary": 0,
    "one_year": 1,
    "two_year": 2,
    "bachelors": 3,
    "two_or_more": 3,
    "masters": 3,
    "doctoral": 3,
}


@dataclass(frozen=True, slots=True)
class Context:
    """What criteria read: the profile, its facts and its work periods, as of a date."""

    profile: Profile
    as_of: dt.date
    principal: PersonFacts
    periods: tuple[WorkPeriod, ...]
    eca_years: int
    #: False when only the verdicts are needed (the pool): unmet criteria skip their reasons
    explain: bool = True


@dataclass(frozen=True, slots=True)
class Outcome:
    met: bool
    detail: str


@dataclass(frozen=True)
class CategoryResult:
    slug: str
    name: str
    year: int
    eligible: bool
    outcomes: tuple[Outcome, ...]

    @property
    def reasons(self) -> list[str]:
        return [o.detail for o in self.outcomes if not o.met]

    @property
    def summary(self) -> str:
        """One line: "STEM (2025): eligible — 14 months in 22300 ..." or the reasons not."""
        label = f"{self.name} ({self.year})"
        if self.eligible:
            met = "; ".join(o.detail for o in self.outcomes if o.detail)
            return f"{label}: eligible — {met}" if met else f"{label}: eligible"
        return f"{label}: not eligible — {'; '.join(self.reasons)}"

    def document(self) -> dict[str, object]:
        return {"eligible": self.eligible, "reasons": self.reasons}


Evaluator = Callable[[Criterion, Context, CategoryVersion], Outcome]
EVALUATORS: dict[type[Criterion], Evaluator] = {}


def evaluates(kind: type[Criterion]) -> Callable[[Evaluator], Evaluator]:
    def register(fn: Evaluator) -> Evaluator:
        EVALUATORS[kind] = fn
        return fn

    return register


# --- language -----------------------------------------------------------------------------------


@evaluates(LanguageCriterion)
def _language(c: Criterion, ctx: Context, _: CategoryVersion) -> Outcome:
    assert isinstance(c, LanguageCriterion)
    p = ctx.principal
    if c.language == "french":
        levels, scale, tests = p.french_levels, "NCLC", "a French test (TEF Canada or TCF Canada)"
    elif c.language == "english":
        levels, scale, tests = p.english_levels, "CLB", "an English test"
    else:
        levels = p.first_levels
        scale = "NCLC" if p.first_language == "french" else "CLB"
        tests = "a test in the first official language"
    which = "all four" if len(c.abilities) == 4 else ", ".join(c.abilities)
    language = "" if c.language == "first_official" else f" {c.language.capitalize()}"
    needed = f"{scale} {c.minimum} needed in {which}{language} abilities"
    if not levels:
        return Outcome(False, f"{needed}; no valid result of {tests} (less than 2 years old)")
    short = [
        f"{a} is {scale} {levels[ABILITIES.index(a)]}"
        for a in c.abilities
        if levels[ABILITIES.index(a)] < c.minimum
    ]
    if short:
        return Outcome(False, f"{needed}; {', '.join(short)}")
    return Outcome(True, f"{scale} {min(levels)}+ in {which}{language} abilities")


# --- work experience in a listed occupation ------------------------------------------------------


def whole_months(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end`` (exclusive)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def _spans(periods: Sequence[WorkPeriod]) -> list[list[WorkPeriod]]:
    """Groups of periods that follow each other without a day's gap (continuous work)."""
    spans: list[list[WorkPeriod]] = []
    end = dt.date.min
    for p in sorted(periods, key=lambda p: p.start):
        if spans and p.start <= end:
            spans[-1].append(p)
            end = max(end, p.end)
        else:
            spans.append([p])
            end = p.end
    return spans


@dataclass(frozen=True, slots=True)
class _Experience:
    code: str
    months: int
    met: bool
    equivalent: bool = False  # months of full-time-equivalent (not calendar full-time) work


def _occupation_experience(
    c: OccupationExperienceCriterion, periods: Sequence[WorkPeriod], start: dt.date, end: dt.date
) -> _Experience:
    """Experience in one occupation within ``[start, end)``: whole months and whether enough."""
    code = periods[0].noc
    if not c.part_time_equivalent:
        periods = [p for p in periods if p.hours_per_week >= c.full_time_hours_per_week]
    periods = [p for p in periods if p.end > start and p.start < end]
    if not periods:
        return _Experience(code, 0, False, not c.continuous)
    needed_days = c.minimum_months * DAYS_PER_MONTH
    if not c.continuous:
        days = full_time_days(periods, start, end)
        # 12 months = 365 days of full-time work (1,560 hours at 30 h/week), as for programs
        months = int(days / DAYS_PER_MONTH + 1e-9)
        return _Experience(code, months, days + 1e-9 >= needed_days, True)
    best = _Experience(code, 0, False)
    spans = _spans(periods)
    full_time_only = [p for p in periods if p.hours_per_week >= c.full_time_hours_per_week]
    if len(full_time_only) < len(periods):
        # part-time work next to a full-time stretch must not undo the stretch's calendar months
        spans += _spans(full_time_only)
    for span in spans:
        first = max(min(p.start for p in span), start)
        last = min(max(p.end for p in span), end)
        days = full_time_days(span, first, last)
        full_time = days + 1e-9 >= (last - first).days
        if full_time:  # whole calendar months of unbroken full-time work
            months = whole_months(first, last)
            met = add_months(first, c.minimum_months) <= last
        else:  # part-time: the full-time equivalent of the span
            months = int(days / DAYS_PER_MONTH + 1e-9)
            met = days + 1e-9 >= needed_days
        candidate = _Experience(code, months, met, not full_time)
        if (candidate.met, candidate.months) > (best.met, best.months):
            best = candidate
    return best


def _title(code: str) -> str:
    group = noc.lookup(code)
    return f"{code} {group.title}" if group else code


@lru_cache(maxsize=256)
def _recent(periods: tuple[WorkPeriod, ...], since: dt.date) -> tuple[tuple[str, bool], ...]:
    """(NOC, any of it paid) for each occupation worked since ``since``, by code; the same for
    every category of one assessment, so computed once."""
    paid: dict[str, bool] = {}
    for p in periods:
        if p.end > since:
            paid[p.noc] = paid.get(p.noc, False) or p.paid
    return tuple(sorted(paid.items()))


@evaluates(OccupationExperienceCriterion)
def _experience(c: Criterion, ctx: Context, version: CategoryVersion) -> Outcome:
    assert isinstance(c, OccupationExperienceCriterion)
    listed = c.occupations.codes()
    if not ctx.explain and not any(p.noc in listed for p in ctx.periods):
        return Outcome(False, "")  # the common case in a pool, decided without words
    where = " in Canada" if c.location == "canada" else ""
    window_start = add_years(ctx.as_of, -c.window_years)
    relevant = [
        p
        for p in ctx.periods
        if p.noc in listed and p.paid and (c.location != "canada" or p.in_canada)
    ]
    kind = "continuous months" if c.continuous else "months (need not be continuous)"
    needed = f"{c.minimum_months} {kind} needed"
    window = f"within the past {c.window_years} years"
    if not relevant:
        recent = _recent(ctx.periods, window_start)
        why = []
        for code, paid in recent:
            if code not in listed:
                why.append(f"{code} is not on the {version.year} {version.official_name} list")
            elif paid:  # paid, but not in Canada
                why.append(f"the work in {code} was outside Canada")
            else:
                why.append(f"the work in {code} was unpaid")
        if not why:
            return Outcome(False, f"no listed occupation: no work experience{where} {window}")
        if all(code not in listed for code, _ in recent):
            return Outcome(False, f"no listed occupation: {', '.join(why)}")
        return Outcome(False, f"no paid work in a listed occupation{where}: {', '.join(why)}")
    by_code: dict[str, list[WorkPeriod]] = {}
    for p in relevant:
        by_code.setdefault(p.noc, []).append(p)
    results = [
        _occupation_experience(c, group, window_start, ctx.as_of) for group in by_code.values()
    ]
    best = max(results, key=lambda r: (r.met, r.months))
    full = "full-time-equivalent work" if best.equivalent else "full-time work"
    if best.met:
        return Outcome(True, f"{best.months} months in {_title(best.code)}{where}")
    several = ""
    in_window = {p.noc for p in relevant if p.end > window_start}
    if len(in_window) > 1 and c.single_occupation:
        several = f" (experience in {len(in_window)} listed occupations does not add up)"
    return Outcome(
        False,
        f"{best.months} months of {full} in {best.code}{where} {window}; {needed}{several}",
    )


# --- job offer, credential, attestation -------------------------------------------------------


@evaluates(JobOfferCriterion)
def _job_offer(c: Criterion, ctx: Context, _: CategoryVersion) -> Outcome:
    assert isinstance(c, JobOfferCriterion)
    offer = ctx.profile.job_offer
    needed = f"a job offer from the {c.employer} of at least {c.minimum_months} months needed"
    if offer is None:
        return Outcome(False, f"{needed}; the profile has no job offer")
    if not offer.employer:
        return Outcome(
            False,
            f"{needed}; the offer names no employer, so it cannot be shown to be from the "
            f"{c.employer}",
        )
    if c.employer.casefold() not in offer.employer.casefold():
        return Outcome(False, f"{needed}; the offer is from {offer.employer}")
    if offer.duration_months < c.minimum_months:
        return Outcome(False, f"{needed}; the offer is for {offer.duration_months} months")
    return Outcome(True, f"job offer from the {c.employer} for {offer.duration_months} months")


@evaluates(CredentialCriterion)
def _credential(c: Criterion, ctx: Context, _: CategoryVersion) -> Outcome:
    assert isinstance(c, CredentialCriterion)
    credentials = [
        cr
        for cr in (
            counted_credentials(ctx.profile.education, ctx.as_of, ctx.eca_years)
            if c.eca_required_if_foreign
            else [
                e
                for e in ctx.profile.education
                if not e.completed_on or e.completed_on <= ctx.as_of
            ]
        )
        if CREDENTIAL_YEARS[cr.level] >= c.minimum_years
    ]
    if credentials:
        return Outcome(True, f"a post-secondary credential of {c.minimum_years}+ years")
    eca = " (with a valid ECA if obtained outside Canada)" if c.eca_required_if_foreign else ""
    return Outcome(
        False,
        f"a completed post-secondary credential of at least {c.minimum_years} years{eca} needed",
    )


@evaluates(AttestationCriterion)
def _attestation(c: Criterion, ctx: Context, _: CategoryVersion) -> Outcome:
    assert isinstance(c, AttestationCriterion)
    # not verifiable from the profile: assumed met, and said so
    return Outcome(True, "")


# --- the whole category -------------------------------------------------------------------------


def evaluate(version: CategoryVersion, ctx: Context) -> CategoryResult:
    outcomes = []
    for criterion in version.criteria:
        evaluator = EVALUATORS.get(type(criterion))
        if evaluator is None:  # a kind with no evaluation cannot be met silently
            outcomes.append(Outcome(False, f"criterion {criterion.kind!r} cannot be assessed"))
            continue
        outcomes.append(evaluator(criterion, ctx, version))
    return CategoryResult(
        slug=version.slug,
        name=version.official_name,
        year=version.year,
        eligible=all(o.met for o in outcomes),
        outcomes=tuple(outcomes),
    )


def meets(version: CategoryVersion, ctx: Context) -> bool:
    """Whether the profile meets every criterion of the category (stops at the first unmet)."""
    for criterion in version.criteria:
        evaluator = EVALUATORS.get(type(criterion))
        if evaluator is None or not evaluator(criterion, ctx, version).met:
            return False
    return True


def context(
    profile: Profile,
    as_of: dt.date,
    principal: PersonFacts,
    eca_years: int,
    *,
    explain: bool = True,
) -> Context:
    # the principal's work periods, derived with the facts as of the same date (the categories
    # read neither the skilled-work flag nor anything else a rule book sets)
    return Context(profile, as_of, principal, principal.work, eca_years, explain)


def assess_categories(
    ctx: Context, book: CategoryBook | None = None, on: dt.date | None = None
) -> list[CategoryResult]:
    """Every category in force on the date (``ctx.as_of`` unless ``on`` is given)."""
    book = book or default_categories()
    return [evaluate(version, ctx) for version in book.in_force(on or ctx.as_of)]


def describe(c: Criterion) -> str:
    """A criterion in a person's words, as the category page would state it."""
    if isinstance(c, LanguageCriterion):
        scale = {"french": "NCLC", "english": "CLB"}.get(c.language, "CLB/NCLC")
        which = "all four abilities" if len(c.abilities) == 4 else ", ".join(c.abilities)
        lang = (
            "the first official language"
            if c.language == "first_official"
            else c.language.capitalize()
        )
        return f"{scale} {c.minimum} or higher in {which} of {lang}"
    if isinstance(c, OccupationExperienceCriterion):
        continuity = "continuous" if c.continuous else "not necessarily continuous"
        where = "in Canada" if c.location == "canada" else "in Canada or abroad"
        one = "one of the listed occupations" if c.single_occupation else "the listed occupations"
        part = " (or an equal amount of part-time work)" if c.part_time_equivalent else ""
        return (
            f"at least {c.minimum_months} months of full-time work{part}, {continuity}, "
            f"in {one}, {where}, within the past {c.window_years} years"
        )
    if isinstance(c, JobOfferCriterion):
        through = f" (through the {c.arranged_through})" if c.arranged_through else ""
        return f"a job offer from the {c.employer}{through} of at least {c.minimum_months} months"
    if isinstance(c, CredentialCriterion):
        eca = ", with an ECA if obtained outside Canada" if c.eca_required_if_foreign else ""
        return f"a completed post-secondary credential of at least {c.minimum_years} years{eca}"
    if isinstance(c, AttestationCriterion):
        return f"{c.text} (not shown in the profile: assumed met)"
    return c.kind
