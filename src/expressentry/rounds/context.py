"""Is my score enough? A profile beside the real rounds of the last 12 months.

For each round IRCC held in the twelve months up to a date (the shipped or imported rounds
history), whether the profile, as it stands on that date, would have been invited, and why not:
not eligible for the round (no program met, the round's program not met, the round's category
not met) or a score below the round's cutoff. A score equal to the cutoff was invited only if the
profile had been submitted before the round's tie-breaking time, so that outcome is its own.

The profile's score and programs are those on the date asked (the person's question is "with my
profile today"); a category round is checked against the category's instructions in force on
the day of that round, since the category's criteria change from one year's instructions to the
next. Rounds of invitations: canada.ca "Express Entry rounds of invitations"; the tie-breaking
rule: MI respecting the Express Entry system, s. 11 ("Rank").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from expressentry.eligibility.assess import assess
from expressentry.eligibility.categories import CategoryResult, context, evaluate
from expressentry.profile.facts import add_months, derive
from expressentry.profile.model import Profile
from expressentry.rounds.history import HistoricalRound, load_history
from expressentry.rules.categories import CategoryBook, default_categories
from expressentry.rules.tables import RuleBook, default_rulebook
from expressentry.scoring.crs import score

#: the outcomes, best first (the pages read ``rounds_context.outcome.<id>``)
OUTCOMES = ("invited", "tie", "below_cutoff", "not_eligible_category", "not_eligible_program")
MONTHS = 12


@dataclass(frozen=True)
class RoundOutcome:
    round: HistoricalRound
    outcome: str  #: one of OUTCOMES
    #: points above (positive) or below (negative) the round's cutoff
    margin: int
    #: for a program round, the program not met; for a category round, the category's slug
    missing: str | None = None

    @property
    def invited(self) -> bool:
        return self.outcome == "invited"

    def document(self) -> dict[str, Any]:
        r = self.round
        return {
            "round": r.draw_number,
            "date": r.date.isoformat(),
            "round_type": r.round_type,
            "program": r.program,
            "category": r.category,
            "crs_cutoff": r.crs_cutoff,
            "invitations": r.invitations,
            "tie_break": r.tie_break.isoformat() if r.tie_break else None,
            "outcome": self.outcome,
            "margin": self.margin,
            "missing": self.missing,
        }


@dataclass(frozen=True)
class RoundsContext:
    as_of: dt.date
    since: dt.date
    crs: int
    outcomes: list[RoundOutcome] = field(default_factory=list)

    @property
    def invited(self) -> list[RoundOutcome]:
        return [o for o in self.outcomes if o.invited]

    @property
    def not_invited(self) -> list[RoundOutcome]:
        return [o for o in self.outcomes if not o.invited]

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    def document(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "since": self.since.isoformat(),
            "crs": self.crs,
            "rounds": len(self.outcomes),
            "invited": len(self.invited),
            "outcomes": [o.document() for o in self.outcomes],
        }


def recent_rounds(
    history: Iterable[HistoricalRound] | None, as_of: dt.date, months: int = MONTHS
) -> list[HistoricalRound]:
    """The rounds held in the ``months`` months up to ``as_of`` (both ends included), newest
    first."""
    since = add_months(as_of, -months)
    chosen = [
        r for r in (load_history() if history is None else history) if since < r.date <= as_of
    ]
    return sorted(chosen, key=lambda r: (r.date, r.number), reverse=True)


def compare(
    profile: Profile,
    as_of: dt.date,
    *,
    history: Iterable[HistoricalRound] | None = None,
    months: int = MONTHS,
    rulebook: RuleBook | None = None,
    categories: CategoryBook | None = None,
) -> RoundsContext:
    """The profile on ``as_of`` beside every round of the ``months`` months before it."""
    rulebook = rulebook or default_rulebook()
    book = categories or default_categories()
    crs = score(profile, as_of, rulebook).total
    eligibility = assess(profile, as_of, rulebook, book)
    programs = {k: v["eligible"] for k, v in eligibility.programs.document().items()}
    in_pool = eligibility.express_entry_eligible
    nominated = profile.provincial_nomination is not None and (
        profile.provincial_nomination.nominated_on <= as_of
    )
    facts = derive(profile, as_of, rulebook)
    eca_years = rulebook["programs.eca_validity"].at(as_of)["years"]
    ctx = context(profile, as_of, facts.principal, eca_years, explain=False)
    category_cache: dict[tuple[str, int], CategoryResult | None] = {}

    def category_met(r: HistoricalRound) -> bool:
        assert r.category is not None
        try:
            version = book.version_at(r.category, r.date)
        except LookupError:
            return False
        key = (version.slug, version.year)
        if key not in category_cache:
            category_cache[key] = evaluate(version, ctx)
        result = category_cache[key]
        return result is not None and result.eligible

    out = []
    for r in recent_rounds(history, as_of, months):
        margin = crs - r.crs_cutoff
        missing = None
        if r.round_type == "program":
            program = r.program or ""
            ok = (nominated and in_pool) if program == "pnp" else programs.get(program, False)
            outcome = None if ok else "not_eligible_program"
            missing = None if ok else program
        elif r.round_type == "category":
            wanted = [p for p in r.eligible_programs if programs.get(p)] or not r.eligible_programs
            if not (in_pool and wanted):
                outcome, missing = "not_eligible_program", None
            elif not category_met(r):
                outcome, missing = "not_eligible_category", r.category
            else:
                outcome = None
        else:
            outcome = None if in_pool else "not_eligible_program"
        if outcome is None:
            outcome = "invited" if margin > 0 else ("tie" if margin == 0 else "below_cutoff")
        out.append(RoundOutcome(r, outcome, margin, missing))
    return RoundsContext(as_of, add_months(as_of, -months), crs, out)
