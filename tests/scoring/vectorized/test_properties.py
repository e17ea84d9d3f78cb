"""Property tests: the vectorised path equals the single path on generated batches.

* batches of profiles from ``tests/scoring/strategies.py`` (every kind: several results per
  language, first language declared or not, spouses, offers, certificates), assessed on one
  drawn date: every total, block part and category flag (the single path with reasons);
* batches of arbitrary ``Facts``, including combinations no profile derives to (a spouse who is
  not scored, CLB 0 results, offers of every kind, ages and years beyond the tables), as
  what-if scenarios may build them: every total and block part;
* the language criterion, column-wise, against its evaluator, for every French, English or
  first-language minimum and set of abilities.

``VECTORIZED_PROPERTY_EXAMPLES`` raises the number of batches.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expressentry.eligibility.categories import EVALUATORS, Context
from expressentry.eligibility.vectorized import VECTORISED
from expressentry.profile.facts import POST_SECONDARY, Facts, JobOfferFacts, PersonFacts, derive
from expressentry.profile.model import EDUCATION_ORDER, parse_profile
from expressentry.rules.categories import ABILITIES, LanguageCriterion
from expressentry.rules.tables import DATA_DIR, RuleBook
from expressentry.scoring.vectorized import columns_from_facts

from ..strategies import AS_OF_MAX, AS_OF_MIN, profile_cases
from .check import assert_same

PROPERTY = settings(
    max_examples=int(os.environ.get("VECTORIZED_PROPERTY_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


@st.composite
def profile_batches(draw: st.DrawFn) -> tuple[list[dict], dt.date]:
    as_of = draw(st.dates(AS_OF_MIN, AS_OF_MAX))
    plain = draw(st.booleans())
    cases = profile_cases(as_of, one_per_language=plain, declare_first_language=plain)
    docs = draw(st.lists(cases, min_size=1, max_size=25))
    return [doc for doc, _ in docs], as_of


@PROPERTY
@given(profile_batches())
def test_profile_batches(batch: tuple[list[dict], dt.date]) -> None:
    docs, as_of = batch
    profiles = [parse_profile(doc) for doc in docs]
    facts = [derive(p, as_of) for p in profiles]
    assert_same(profiles, facts, as_of, explain=True)


# --- arbitrary facts --------------------------------------------------------------------------

ability = st.integers(0, 12)
#: four levels; often the same four, as results usually are (so that caps are reached)
levels = st.tuples(*[ability] * 4) | ability.map(lambda level: (level,) * 4)
maybe_levels = st.none() | levels
person = st.builds(
    PersonFacts,
    age=st.none() | st.integers(0, 80) | st.integers(81, 400),  # beyond int8: stored as 127
    education=st.sampled_from(EDUCATION_ORDER),
    canadian_education=st.none() | st.sampled_from(sorted(POST_SECONDARY)),
    first_language=st.sampled_from((None, "english", "french")),
    first_levels=maybe_levels,
    second_levels=maybe_levels,
    english_levels=maybe_levels,
    french_levels=maybe_levels,
    canadian_work_years=st.integers(0, 12) | st.integers(13, 400),
    foreign_work_years=st.integers(0, 12) | st.integers(13, 400),
)
offers = st.none() | st.builds(
    JobOfferFacts,
    noc=st.just("21231"),
    teer=st.integers(0, 5),
    major_group=st.sampled_from(("00", "10", "21", "72")),
    skilled=st.booleans(),
    lmia=st.booleans(),
    lmia_exempt=st.booleans(),
    full_time=st.booleans(),
    duration_months=st.sampled_from((0, 6, 11, 12, 13, 36)),
    non_seasonal=st.booleans(),
)


def facts_on(as_of: dt.date) -> st.SearchStrategy[Facts]:
    return st.builds(
        Facts,
        as_of=st.just(as_of),
        with_spouse=st.booleans(),
        principal=person,
        spouse=st.none() | person,
        certificate_of_qualification=st.booleans(),
        provincial_nomination=st.booleans(),
        job_offer=offers,
        sibling_in_canada=st.booleans(),
    )


@st.composite
def facts_batches(draw: st.DrawFn) -> list[Facts]:
    as_of = draw(st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)))
    return draw(st.lists(facts_on(as_of), min_size=1, max_size=40))


@PROPERTY
@given(facts_batches())
def test_facts_batches(facts: list[Facts]) -> None:
    assert_same(None, facts, facts[0].as_of)


def _add_level_zero(table: dict) -> None:
    """Points at level 0 (or from level 0) wherever a table has levels: a result at CLB 0 and
    no result then score differently."""
    for key, value in table.items():
        if isinstance(value, dict):
            if value and all(type(k) is int and type(v) is int for k, v in value.items()):
                value[0] = 1
            else:
                _add_level_zero(value)
        elif key in ("french_minimum_nclc", "english_minimum_clb"):
            table[key] = 0


@pytest.fixture(scope="module")
def changed_rules(tmp_path_factory: pytest.TempPathFactory) -> RuleBook:
    """The shipped CRS tables, with points for level 0 added to every language table, in a
    rule book of their own (the tables both paths read)."""
    data = tmp_path_factory.mktemp("rules") / "data"
    shutil.copytree(DATA_DIR / "crs", data / "crs")
    for name in ("core/first_language", "core/second_language", "spouse/language",
                 "transferability/education", "transferability/foreign_work",
                 "transferability/certificate", "additional/french"):  # fmt: skip
        path = data / "crs" / f"{name}.yaml"
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for version in doc["versions"]:
            _add_level_zero(version["value"])
        path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return RuleBook.load(data)


@PROPERTY
@given(batch=facts_batches())
def test_facts_batches_with_changed_tables(batch: list[Facts], changed_rules: RuleBook) -> None:
    """Both paths read the same rule data: change it, and both change alike."""
    assert_same(None, batch, batch[0].as_of, rulebook=changed_rules)


# --- the language criterion -------------------------------------------------------------------

language_criteria = st.builds(
    LanguageCriterion,
    language=st.sampled_from(("french", "english", "first_official")),
    minimum=st.integers(0, 12),  # 0 is not allowed in data, but tells no result from CLB 0
    abilities=st.sets(st.sampled_from(ABILITIES), min_size=1).map(
        lambda chosen: tuple(a for a in ABILITIES if a in chosen)
    ),
)


@PROPERTY
@given(language_criteria, st.lists(person, min_size=1, max_size=40))
def test_language_criterion(criterion: LanguageCriterion, people: list[PersonFacts]) -> None:
    as_of = dt.date(2026, 11, 1)
    facts = [
        Facts(as_of, False, p, None, False, False, None, False)  # only the principal is read
        for p in people
    ]
    cols = columns_from_facts(facts)
    got = VECTORISED[LanguageCriterion](criterion, cols)
    evaluator = EVALUATORS[LanguageCriterion]
    want = [
        evaluator(criterion, Context(None, as_of, p, (), 5), None).met  # type: ignore[arg-type]
        for p in people
    ]
    assert got.tolist() == want
    assert isinstance(got, np.ndarray)
