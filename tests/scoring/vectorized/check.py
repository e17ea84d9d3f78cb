"""The comparison of the two paths: one profile at a time, and a whole batch column-wise.

``assert_same`` scores and classifies every row both ways and fails, naming the rows and their
documents, on the first difference in any CRS total, any block part, or any category flag.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from expressentry.eligibility.categories import assess_categories, context, meets
from expressentry.eligibility.vectorized import category_flags
from expressentry.profile.facts import Facts
from expressentry.profile.model import Profile
from expressentry.rules.categories import default_categories
from expressentry.rules.tables import RuleBook, default_rulebook
from expressentry.scoring.crs import Score, score_facts
from expressentry.scoring.vectorized import (
    BLOCK_KEYS,
    columns_from_facts,
    document,
    documents_json,
    score_columns,
)


@dataclass
class Outcome:
    """What was compared: the arrays of both paths, for checks of coverage."""

    rows: int
    scores: dict[str, np.ndarray]  # the vectorised path (equal to the single path)
    flags: dict[str, np.ndarray]


def expected_arrays(scores: Sequence[Score]) -> dict[str, np.ndarray]:
    """The single path's score documents as columns (the same keys as ``score_columns``)."""
    docs = [s.document() for s in scores]
    keys = ["total"] + [f"{b}.{p}" for b in BLOCK_KEYS for p in docs[0][b]] if docs else []
    for doc in docs:
        got = ["total"] + [f"{b}.{p}" for b in BLOCK_KEYS for p in doc[b]]
        assert got == keys, f"documents of different shapes: {got} and {keys}"
    out: dict[str, np.ndarray] = {}
    for key in keys:
        if key == "total":
            out[key] = np.fromiter((d["total"] for d in docs), dtype=np.int64, count=len(docs))
        else:
            block, part = key.split(".")
            out[key] = np.fromiter((d[block][part] for d in docs), np.int64, count=len(docs))
    return out


def _show(rows: np.ndarray, key: str, got: np.ndarray, want: np.ndarray, facts: Sequence[Facts],
          scores: dict[str, np.ndarray], single: Sequence[Score], as_of: dt.date) -> str:  # fmt: skip
    lines = [f"{len(rows)} rows differ in {key}:"]
    for row in rows[:3]:
        lines.append(f"  row {row}: vectorised {got[row]}, single {want[row]}")
        lines.append(f"    single:     {single[row].document()}")
        lines.append(f"    vectorised: {document(scores, int(row), as_of)}")
        lines.append(f"    facts: {facts[row]}")
    return "\n".join(lines)


def assert_same(
    profiles: Sequence[Profile] | None,
    facts: Sequence[Facts],
    as_of: dt.date,
    *,
    explain: bool = False,
    rulebook: RuleBook | None = None,
) -> Outcome:
    """Score (and, with profiles, classify) every row both ways; fail on any difference.

    ``explain``: the single path's category evaluation with reasons (the CLI's) or without
    (the pool's); the verdicts must not depend on it.
    """
    single = [score_facts(f, rulebook) for f in facts]
    cols = columns_from_facts(facts, profiles, as_of=as_of)
    got = score_columns(cols, as_of, rulebook)
    want = expected_arrays(single)
    if single:
        assert list(got) == list(want), f"keys: {list(got)} != {list(want)}"
    for key, values in got.items():
        assert values.shape == (len(facts),), key
        if key in want:
            bad = np.flatnonzero(values != want[key])
            assert not bad.size, _show(bad, key, values, want[key], facts, got, single, as_of)
    for row in range(min(len(single), 3)):  # the documents themselves, field for field
        assert document(got, row, as_of) == single[row].document()
    # and as the pool stores them, JSON text, every row
    assert documents_json(got, as_of) == [json.dumps(s.document()) for s in single]
    flags: dict[str, np.ndarray] = {}
    if profiles is not None:
        flags = category_flags(cols)
        eca_years = default_rulebook()["programs.eca_validity"].at(as_of)["years"]
        expected: dict[str, list[bool]] = {key: [] for key in flags}
        in_force = default_categories().in_force(as_of)
        for profile, f in zip(profiles, facts, strict=True):
            ctx = context(profile, as_of, f.principal, eca_years, explain=explain)
            results = assess_categories(ctx)
            assert [f"{r.slug}:{r.year}" for r in results] == list(flags)
            for r in results:
                expected[f"{r.slug}:{r.year}"].append(r.eligible)
            # the pool's early-exit check (``meets``) agrees with the full evaluation
            assert [meets(v, ctx) for v in in_force] == [r.eligible for r in results]
        for key, values in flags.items():
            assert values.dtype == bool and values.shape == (len(facts),), key
            bad = np.flatnonzero(values != np.asarray(expected[key], dtype=bool))
            assert not bad.size, (
                f"{len(bad)} rows differ in category {key}: rows {bad[:10].tolist()}; "
                f"first: vectorised {values[bad[0]]}, single {expected[key][bad[0]]}, "
                f"profile {profiles[bad[0]].model_dump_json()}"
            )
    return Outcome(len(facts), got, flags)
