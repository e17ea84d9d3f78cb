"""The eligibility document: programs, the Express Entry entry rule, and every category in force.

A profile enters the pool only if it meets the minimum criteria of at least one program (FSW,
CEC, FST); a category-based round invites only candidates who also meet the category's criteria.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from expressentry.eligibility.categories import CategoryResult, assess_categories, context
from expressentry.eligibility.programs import ProgramsResult, assess_programs
from expressentry.profile.facts import derive
from expressentry.profile.model import Profile
from expressentry.rules.categories import CategoryBook
from expressentry.rules.tables import RuleBook, default_rulebook


@dataclass(frozen=True)
class Eligibility:
    as_of: dt.date
    programs: ProgramsResult
    categories: list[CategoryResult]

    @property
    def express_entry_eligible(self) -> bool:
        return self.programs.express_entry_eligible

    def document(self) -> dict[str, Any]:
        """The eligibility document of the profile exchange format."""
        return {
            "as_of": self.as_of.isoformat(),
            "express_entry_eligible": self.express_entry_eligible,
            "programs": self.programs.document(),
            "categories": {c.slug: c.document() for c in self.categories},
        }


def assess(
    profile: Profile,
    as_of: dt.date,
    rulebook: RuleBook | None = None,
    categories: CategoryBook | None = None,
) -> Eligibility:
    """Program and category eligibility of a profile as of ``as_of``."""
    rulebook = rulebook or default_rulebook()
    facts = derive(profile, as_of, rulebook)
    eca_years = rulebook["programs.eca_validity"].at(as_of)["years"]
    ctx = context(profile, as_of, facts.principal, eca_years)
    return Eligibility(
        as_of=as_of,
        programs=assess_programs(profile, as_of, rulebook, facts=facts),
        categories=assess_categories(ctx, categories),
    )
