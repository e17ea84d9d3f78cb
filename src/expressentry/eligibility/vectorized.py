"""Category eligibility of a whole pool, column-wise, with the single-profile criteria.

What is vectorised, and what is not:

* **language** criteria are decided column-wise (numpy), from the level columns of
  :class:`~expressentry.scoring.vectorized.FactColumns` (French, English or first official
  language; each listed ability compared with the minimum);
* **attestation** criteria are met by every row, as the single-profile evaluator assumes;
* **occupation experience**, **job offer** and **credential** criteria read work histories, the
  offer's employer and the credentials, which are records of varying length, not numbers. They
  are decided while loading (:func:`precompute_criteria`), once per profile and per criterion of
  every category version in force, by the single-profile evaluators themselves
  (``eligibility.categories.EVALUATORS``). Occupation experience skips, without calling the
  evaluator, the profiles that worked in no listed occupation, which is the evaluator's own
  first test. The vectorised step only reads these verdicts.

A category is met by a row when all its criteria are (``eligibility.categories.evaluate``); a
criterion kind with no evaluator is never met, as there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from expressentry.eligibility.categories import EVALUATORS, context
from expressentry.rules.categories import (
    AttestationCriterion,
    CategoryBook,
    CategoryVersion,
    Criterion,
    LanguageCriterion,
    OccupationExperienceCriterion,
    default_categories,
)
from expressentry.rules.language import ABILITIES
from expressentry.rules.tables import RuleBook, default_rulebook
from expressentry.scoring.vectorized import Bool, FactColumns

if TYPE_CHECKING:
    from expressentry.profile.facts import Facts
    from expressentry.profile.model import Profile

CriterionKey = tuple[str, int, int]
"""A criterion of a category version: ``(slug, year, index in the version's criteria)``."""


def criterion_key(version: CategoryVersion, index: int) -> CriterionKey:
    return (version.slug, version.year, index)


def category_key(version: CategoryVersion) -> str:
    """``"slug:year"``, as the pool stores a category met (``pool.assessment.category_key``)."""
    return f"{version.slug}:{version.year}"


# --- criteria decided column-wise -------------------------------------------------------------


def _language(c: Criterion, cols: FactColumns) -> Bool:
    assert isinstance(c, LanguageCriterion)
    if c.language == "french":
        levels, present = cols.french_levels, cols.has_french
    elif c.language == "english":
        levels, present = cols.english_levels, cols.has_english
    else:
        levels, present = cols.first_levels, cols.has_first
    index = [ABILITIES.index(a) for a in c.abilities]
    return present & np.all(levels[:, index] >= c.minimum, axis=1)


def _attestation(c: Criterion, cols: FactColumns) -> Bool:
    return np.ones(len(cols), dtype=bool)  # not verifiable from a profile: assumed met


#: criterion kinds decided from the columns, without a verdict computed while loading
VECTORISED: dict[type[Criterion], Callable[[Criterion, FactColumns], Bool]] = {
    LanguageCriterion: _language,
    AttestationCriterion: _attestation,
}


# --- criteria decided while loading -----------------------------------------------------------


def precompute_criteria(
    profiles: Sequence[Profile],
    facts: Sequence[Facts],
    as_of: dt.date,
    book: CategoryBook | None = None,
    rulebook: RuleBook | None = None,
) -> dict[CriterionKey, Bool]:
    """The verdict of every criterion that is not decided column-wise, for every profile and
    every category version in force on ``as_of`` (loading: a Python loop over profiles).

    The context is the pool's (``pool.assessment.assess_for_pool``): the principal's facts, the
    work periods, and the ECA validity in force.
    """
    book = book or default_categories()
    rulebook = rulebook or default_rulebook()
    n = len(profiles)
    todo = []
    out: dict[CriterionKey, Bool] = {}
    for version in book.in_force(as_of):
        for i, criterion in enumerate(version.criteria):
            if type(criterion) in VECTORISED:
                continue
            key = criterion_key(version, i)
            out[key] = np.zeros(n, dtype=bool)
            evaluator = EVALUATORS.get(type(criterion))
            if evaluator is None:
                continue  # cannot be assessed: never met
            listed = (
                criterion.occupations.codes()
                if isinstance(criterion, OccupationExperienceCriterion)
                else None
            )
            todo.append((out[key], version, criterion, evaluator, listed))
    if not todo:
        return out
    eca_years = rulebook["programs.eca_validity"].at(as_of)["years"]
    for row, (profile, f) in enumerate(zip(profiles, facts, strict=True)):
        ctx = context(profile, as_of, f.principal, eca_years, explain=False)
        worked = {p.noc for p in ctx.periods}
        for column, version, criterion, evaluator, listed in todo:
            if listed is not None and worked.isdisjoint(listed):
                continue  # no work in a listed occupation: not met (the evaluator's first test)
            column[row] = evaluator(criterion, ctx, version).met
    return out


# --- categories -------------------------------------------------------------------------------


def category_flags(cols: FactColumns, book: CategoryBook | None = None) -> dict[str, Bool]:
    """Whether each row meets each category version in force on ``cols.as_of``, by
    ``"slug:year"`` (the order of ``CategoryBook.in_force``)."""
    book = book or default_categories()
    out: dict[str, Bool] = {}
    for version in book.in_force(cols.as_of):
        met = np.ones(len(cols), dtype=bool)
        for i, criterion in enumerate(version.criteria):
            vectorised = VECTORISED.get(type(criterion))
            if vectorised is not None:
                met &= vectorised(criterion, cols)
                continue
            key = criterion_key(version, i)
            column = cols.criteria.get(key)
            if column is None:
                raise LookupError(
                    f"criterion {i} ({criterion.kind}) of {category_key(version)} is decided "
                    "while loading: build the columns with the profiles "
                    "(columns_from_facts(facts, profiles))"
                )
            met &= column
        out[category_key(version)] = met
    return out
