"""The vectorised formulas follow the single path's dated shapes; the API's edges."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from expressentry.eligibility.vectorized import category_flags
from expressentry.profile.facts import derive
from expressentry.profile.model import parse_profile
from expressentry.rules.categories import default_categories
from expressentry.scoring import crs
from expressentry.scoring.crs import BeforeExpressEntry, score_facts, step
from expressentry.scoring.vectorized import (
    columns_from_facts,
    columns_from_profiles,
    score_columns,
    step_columns,
    vector_formulas,
    vector_rules_at,
)
from expressentry.simulation import synth

from .test_equivalence import DATES


def test_both_registries_have_the_same_formulas_and_dates() -> None:
    assert vector_formulas.names() == crs.formulas.names()
    for name in crs.formulas.names():
        single = [start for start, _ in crs.formulas.versions(name)]
        vectorised = [start for start, _ in vector_formulas.versions(name)]
        assert vectorised == single, f"{name}: {vectorised} != {single}"


def test_the_twins_have_the_names_of_the_single_formulas() -> None:
    for name in crs.formulas.names():
        pairs = zip(crs.formulas.versions(name), vector_formulas.versions(name), strict=True)
        for (_, single), (_, vectorised) in pairs:
            assert vectorised.__name__ == single.__name__, name


def test_the_equivalence_dates_cover_every_formula_version() -> None:
    for name in crs.formulas.names():
        versions = crs.formulas.versions(name)
        ends = [start for start, _ in versions[1:]] + [dt.date.max]
        for (start, fn), end in zip(versions, ends, strict=True):
            assert any(start <= day < end for day in DATES), (
                f"{name} from {start} ({fn.__name__}) is not compared on any date"
            )


def test_the_formulas_in_force_are_the_twins_of_the_single_ones() -> None:
    for day in DATES:
        _, single = crs.rules_at(crs.default_rulebook(), day)
        _, vectorised = vector_rules_at(crs.default_rulebook(), day)
        assert [f.effective_from for f in vectorised] == [f.effective_from for f in single]


@pytest.mark.parametrize("size", [1, 2, 3, 7, 12])
def test_step_columns_is_step(size: int) -> None:
    points = tuple(range(10, 10 + 3 * size, 3))
    levels = np.arange(-128, 128).astype(np.int8)  # every value of an int8 column
    got = step_columns(points, levels)
    assert got.tolist() == [step(points, int(level)) for level in levels]
    with pytest.raises(TypeError, match="int8"):
        step_columns(points, levels.astype(np.int16))


# --- edges ------------------------------------------------------------------------------------

AS_OF = dt.date(2026, 11, 1)


def _pool(count: int, as_of: dt.date = AS_OF) -> tuple[list, list]:
    profiles = [parse_profile(doc) for doc in synth.profiles(count, as_of, 5)]
    return profiles, [derive(p, as_of) for p in profiles]


def test_an_empty_pool() -> None:
    cols = columns_from_facts([], [], as_of=AS_OF)
    assert len(cols) == 0
    scores = score_columns(cols)
    assert scores["total"].shape == (0,) and "additional.sibling" in scores
    flags = category_flags(cols)
    assert len(flags) == len(default_categories().in_force(AS_OF))
    assert all(f.shape == (0,) for f in flags.values())


def test_columns_hold_one_date() -> None:
    _, facts = _pool(2)
    other = derive(parse_profile(next(synth.profiles(1, AS_OF, 9))), dt.date(2026, 1, 1))
    with pytest.raises(ValueError, match="one date"):
        columns_from_facts([*facts, other])
    with pytest.raises(ValueError, match="one date"):
        columns_from_facts([])
    with pytest.raises(ValueError, match="derive the facts again"):
        score_columns(columns_from_facts(facts), dt.date(2026, 1, 1))


def test_before_express_entry() -> None:
    cols = columns_from_facts([], as_of=dt.date(2014, 12, 31))
    with pytest.raises(BeforeExpressEntry):
        score_columns(cols)


def test_flags_need_the_profiles_for_criteria_decided_while_loading() -> None:
    _, facts = _pool(3)
    with pytest.raises(LookupError, match="while loading"):
        category_flags(columns_from_facts(facts))


def test_take_repeats_rows_with_their_scores_and_flags() -> None:
    profiles, facts = _pool(50)
    cols = columns_from_profiles(profiles, AS_OF)
    rows = np.tile(np.arange(50), 3)[::-1]
    bigger = cols.take(rows)
    assert len(bigger) == 150
    scores, more = score_columns(cols), score_columns(bigger)
    for key, values in scores.items():
        assert (more[key] == values[rows]).all(), key
    flags, more_flags = category_flags(cols), category_flags(bigger)
    for key, values in flags.items():
        assert (more_flags[key] == values[rows]).all(), key
    assert scores["total"].tolist() == [score_facts(f).total for f in facts]
