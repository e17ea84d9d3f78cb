"""Bad profiles are rejected with the exact field path and a reason (``bad_profiles.yaml``), and
every profile example of the spec loads.

A profile goes in as the JSON text of a profile file (the reasons are checked on this route), and
again as the decoded mapping: both routes of ``parse_profile`` must name the same fields (pydantic
words some reasons differently in JSON and Python mode).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from expressentry.profile.model import ProfileError, load_profile, parse_profile

HERE = Path(__file__).parent
#: the repository's copy of the exchange format (docs/profile-format.md)
SPEC = Path(__file__).resolve().parents[2] / "docs" / "profile-format.md"
REPO = HERE.parent.parent
CASE_KEYS = {"name", "profile", "problems", "xfail", "note"}


def _json_default(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{value!r} cannot be written as JSON")


def _load_cases() -> list[dict[str, Any]]:
    cases = yaml.safe_load((HERE / "bad_profiles.yaml").read_text(encoding="utf-8"))
    assert isinstance(cases, list)
    return cases


CASES = _load_cases()


def _param(case: dict[str, Any]) -> Any:
    marks = []
    if case.get("xfail"):
        marks.append(pytest.mark.xfail(reason=str(case["xfail"]), strict=True))
    return pytest.param(case, id=case["name"], marks=marks)


def test_case_file_is_well_formed() -> None:
    names = [c.get("name") for c in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    for case in CASES:
        assert set(case) <= CASE_KEYS, (case.get("name"), set(case) - CASE_KEYS)
        assert case.get("problems"), case.get("name")
        for problem in case["problems"]:
            assert set(problem) == {"path", "reason"}, (case["name"], problem)


def _problems(data: Any) -> list[tuple[str, str]]:
    with pytest.raises(ProfileError) as info:
        parse_profile(data, source="bad.json")
    problems = info.value.problems
    assert problems, "a ProfileError must list at least one problem"
    message = str(info.value)
    for path, reason in problems:
        assert isinstance(path, str) and isinstance(reason, str) and reason.strip()
        assert reason in message  # the message shows every problem
    assert message.startswith("bad.json: ")
    return problems


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_bad_profile_is_rejected_with_field_path_and_reason(case: dict[str, Any]) -> None:
    text = json.dumps(case["profile"], default=_json_default)
    from_text = _problems(text)
    from_mapping = _problems(json.loads(text)) if text.startswith("{") else from_text
    assert [p for p, _ in from_text] == [p for p, _ in from_mapping], (
        f"JSON text and mapping name different fields: {from_text} vs {from_mapping}"
    )
    expected = {p["path"]: p["reason"] for p in case["problems"]}
    got = dict(from_text)
    assert sorted(got) == sorted(expected), f"paths {sorted(got)}; problems {from_text}"
    for path, want in expected.items():
        assert want.casefold() in got[path].casefold(), f"{path}: {got[path]!r} lacks {want!r}"


def test_load_profile_reports_invalid_json_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"date_of_birth": "1990-01-01",}', encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(str(path))
    [(where, reason)] = info.value.problems
    assert where == "(file)"
    assert "line 1" in reason and "column" in reason
    assert str(path) in str(info.value)


def test_load_profile_names_the_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"date_of_birth": "1990-01-01", "hobbies": []}), encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(str(path))
    assert info.value.problems == [("hobbies", "unknown field (not part of the profile format)")]
    assert str(info.value).startswith(f"{path}: hobbies: ")


def _spec_json_blocks() -> list[dict[str, Any]]:
    blocks = re.findall(r"```json\n(.*?)```", SPEC.read_text(encoding="utf-8"), re.S)
    assert blocks, "the spec has JSON examples"
    return [json.loads(b) for b in blocks]


def test_every_spec_json_example_is_valid_json_and_the_profile_loads() -> None:
    blocks = _spec_json_blocks()
    profiles = [b for b in blocks if "date_of_birth" in b]
    assert len(profiles) == 1, "the spec has one profile example"
    profile = parse_profile(json.dumps(profiles[0]))
    assert profile.profile_id == "c-000123"
    assert profile.spouse is not None and profile.spouse.accompanying
    assert len(profile.language_tests) == 2 and len(profile.work_history) == 2


def test_spec_profile_example_loads_from_a_file(tmp_path: Path) -> None:
    [profile] = [b for b in _spec_json_blocks() if "date_of_birth" in b]
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(profile, indent=2), encoding="utf-8")
    assert load_profile(str(path)).date_of_birth == dt.date(1996, 4, 2)


@pytest.mark.parametrize("path", sorted((REPO / "examples").glob("*.json")), ids=lambda p: p.name)
def test_repository_example_profiles_load(path: Path) -> None:
    load_profile(str(path))
