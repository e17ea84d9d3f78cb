"""Golden cases for program eligibility (``cases/*.yaml``), one file per rule.

Each case gives ``as_of``, a ``profile`` in the exchange format (profile-format.md) and
``expect``: ``express_entry_eligible`` and, per program (``fsw``, ``cec``, ``fst``), any of
``eligible``, ``points``, ``grid`` and ``adaptability`` (subsets), ``criteria`` (name -> met, a
subset), ``reasons`` (the exact list), ``reasons_contain`` (each text appears in some reason) and
``details_contain`` (criterion name -> texts its detail contains). ``also_as_of`` maps other dates
to expectations of the same form for the same profile.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from expressentry.eligibility.programs import ProgramResult, assess_programs
from expressentry.profile.model import parse_profile

CASES = Path(__file__).parent / "cases"
PROGRAMS = ("fsw", "cec", "fst")
CASE_KEYS = {"rule", "as_of", "profile", "expect", "also_as_of"}
EXPECT_KEYS = {
    "eligible",
    "points",
    "grid",
    "adaptability",
    "criteria",
    "reasons",
    "reasons_contain",
    "details_contain",
}


def _json_default(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {value!r} as JSON")


def load_case(path: Path) -> dict[str, Any]:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = set(case) - CASE_KEYS
    assert not unknown, f"{path.name}: unknown keys {sorted(unknown)}"
    assert case.get("rule"), f"{path.name}: every case states its rule"
    return case


def case_paths() -> list[Path]:
    return sorted(CASES.glob("*.yaml"))


def check(result: Any, expect: dict[str, Any], where: str) -> None:
    if "express_entry_eligible" in expect:
        assert result.express_entry_eligible is expect["express_entry_eligible"], where
    unknown = set(expect) - {"express_entry_eligible", *PROGRAMS}
    assert not unknown, f"{where}: unknown expectation keys {sorted(unknown)}"
    for name in PROGRAMS:
        if name not in expect:
            continue
        want = expect[name]
        unknown = set(want) - EXPECT_KEYS
        assert not unknown, f"{where}: {name}: unknown expectation keys {sorted(unknown)}"
        got: ProgramResult = getattr(result, name)
        at = f"{where}: {name}"
        if "eligible" in want:
            assert got.eligible is want["eligible"], f"{at}: reasons {got.reasons}"
        if "points" in want:
            assert got.points == want["points"], f"{at}: grid {got.grid}"  # type: ignore[attr-defined]
        for part in ("grid", "adaptability"):
            if part in want:
                have = getattr(got, part)
                assert {k: have[k] for k in want[part]} == want[part], f"{at}: {part} {have}"
        if "criteria" in want:
            met = {c.name: c.met for c in got.criteria}
            assert {k: met[k] for k in want["criteria"]} == want["criteria"], f"{at}: {met}"
        if "reasons" in want:
            assert got.reasons == [" ".join(r.split()) for r in want["reasons"]], at
        for text in want.get("reasons_contain", ()):
            assert any(text in reason for reason in got.reasons), f"{at}: {text!r} in {got.reasons}"
        for criterion, texts in want.get("details_contain", {}).items():
            detail = got.criterion(criterion).detail
            for text in texts:
                assert text in detail, f"{at}: {criterion}: {text!r} not in {detail!r}"


@pytest.mark.parametrize("path", case_paths(), ids=lambda p: p.stem)
def test_case(path: Path) -> None:
    case = load_case(path)
    # the profile goes through its JSON form, as every interface receives it
    profile = parse_profile(json.dumps(case["profile"], default=_json_default))
    result = assess_programs(profile, case["as_of"])
    check(result, case["expect"], path.stem)
    for on, expect in (case.get("also_as_of") or {}).items():
        check(assess_programs(profile, on), expect, f"{path.stem} as of {on}")


def test_there_are_cases_for_every_program() -> None:
    stems = [p.stem for p in case_paths()]
    for prefix in ("fsw_", "cec_", "fst_", "entry_"):
        assert sum(s.startswith(prefix) for s in stems) >= 2, prefix
