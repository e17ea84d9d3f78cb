"""Golden CRS cases: hand-computed scores kept as YAML tables under ``cases/``.

Each file under ``cases/`` (grouped by rule area, mirroring ``rules/data/crs``) is a YAML list of
cases::

    - name: G1 single FSW applicant with no Canadian ties scores 429   # the test id; unique
      as_of: 2025-06-01
      profile: {...}          # the profile exchange format (shared/spec/profile-format.md)
      expect:                 # partial: only the keys given are checked
        total: 429
        core: {age: 110, education: 120}
        rules_version: crs-2025-03-25     # optional: Score.rules_version
      note: why the numbers are what they are     # optional, free text
      xfail: "reason"         # optional: a known bug in the code (strict: fails once fixed)
      error: ProfileError     # optional, instead of expect: the exception parse/score must raise

The profile goes through JSON text, as a profile file would (``parse_profile``), then is scored
with ``expressentry.scoring.crs.score``; every score document must also have exactly the keys of
the spec's score document.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from expressentry.profile.model import ProfileError, parse_profile
from expressentry.scoring import crs

CASES_DIR = Path(__file__).parent / "cases"
#: the repository's copy of the exchange format (docs/profile-format.md)
SPEC = Path(__file__).resolve().parents[3] / "docs" / "profile-format.md"

#: the score document of the spec (shared/spec/profile-format.md, "The score document")
DOCUMENT_KEYS: dict[str, Any] = {
    "total": None,
    "as_of": None,
    "core": {"total", "age", "education", "first_language", "second_language", "canadian_work"},
    "spouse": {"total", "education", "language", "canadian_work"},
    "transferability": {"total", "education", "foreign_work", "certificate"},
    "additional": {
        "total",
        "provincial_nomination",
        "job_offer",
        "french",
        "canadian_education",
        "sibling",
    },
}
CASE_KEYS = {"name", "as_of", "profile", "expect", "xfail", "error", "note"}
EXPECT_KEYS = set(DOCUMENT_KEYS) - {"as_of"} | {"rules_version"}
ERRORS: dict[str, type[Exception]] = {
    "ProfileError": ProfileError,
    "BeforeExpressEntry": crs.BeforeExpressEntry,
}


def _json_default(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{value!r} cannot be written as JSON")


def profile_json(profile: dict[str, Any]) -> str:
    """A case's profile as the JSON text of a profile file (YAML dates become ISO strings)."""
    return json.dumps(profile, default=_json_default)


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def load_cases(root: Path = CASES_DIR) -> list[tuple[str, dict[str, Any]]]:
    """Every case as (file relative to ``cases/``, case), in file then list order."""
    out = []
    for path in sorted(root.rglob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(data, list), f"{rel}: a case file is a YAML list of cases"
        for i, case in enumerate(data):
            assert isinstance(case, dict), f"{rel}[{i}]: a case is a mapping"
            out.append((rel, case))
    return out


CASES = load_cases()


def _param(rel: str, case: dict[str, Any]) -> Any:
    marks = []
    if case.get("xfail"):
        marks.append(pytest.mark.xfail(reason=str(case["xfail"]), strict=True))
    return pytest.param(rel, case, id=str(case.get("name")), marks=marks)


def test_case_files_are_well_formed() -> None:
    """Unique names, known keys only (a typo in a case must not silently check nothing)."""
    assert CASES, f"no cases under {CASES_DIR}"
    seen: dict[str, str] = {}
    problems = []
    for rel, case in CASES:
        name = case.get("name")
        where = f"{rel}: {name!r}"
        if not isinstance(name, str) or not name:
            problems.append(f"{where}: every case needs a name")
        elif name in seen:
            problems.append(f"{where}: name already used in {seen[name]}")
        else:
            seen[name] = rel
        unknown = set(case) - CASE_KEYS
        if unknown:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
        for key in ("as_of", "profile"):
            if key not in case:
                problems.append(f"{where}: missing {key!r}")
        if ("expect" in case) == ("error" in case):
            problems.append(f"{where}: give exactly one of 'expect' and 'error'")
        if "error" in case and case["error"] not in ERRORS:
            problems.append(f"{where}: error must be one of {sorted(ERRORS)}")
        expect = case.get("expect") or {}
        if "expect" in case and not expect:
            problems.append(f"{where}: empty 'expect'")
        for key, value in expect.items():
            if key not in EXPECT_KEYS:
                problems.append(f"{where}: unknown expect key {key!r}")
            elif isinstance(DOCUMENT_KEYS.get(key), set):
                if not isinstance(value, dict):
                    problems.append(f"{where}: expect.{key} must be a mapping")
                else:
                    extra = set(value) - DOCUMENT_KEYS[key]
                    if extra:
                        problems.append(f"{where}: unknown expect.{key} keys {sorted(extra)}")
    assert not problems, "\n".join(problems)


def assert_document_shape(doc: dict[str, Any]) -> None:
    """The document has exactly the spec's keys, and integer points."""
    assert set(doc) == set(DOCUMENT_KEYS), f"document keys {sorted(doc)}"
    assert isinstance(doc["total"], int)
    assert isinstance(doc["as_of"], str)
    for block, keys in DOCUMENT_KEYS.items():
        if isinstance(keys, set):
            assert set(doc[block]) == keys, f"{block} keys {sorted(doc[block])}"
            for key, value in doc[block].items():
                assert isinstance(value, int) and not isinstance(value, bool), (
                    f"{block}.{key} = {value!r} is not an integer"
                )


def _differences(expect: dict[str, Any], doc: dict[str, Any], version: str) -> list[str]:
    out = []
    for key, want in expect.items():
        if key == "rules_version":
            if version != want:
                out.append(f"rules_version: expected {want!r}, got {version!r}")
        elif isinstance(want, dict):
            for part, points in want.items():
                got = doc[key][part]
                if got != points:
                    out.append(f"{key}.{part}: expected {points}, got {got}")
        elif doc[key] != want:
            out.append(f"{key}: expected {want}, got {doc[key]}")
    return out


@pytest.mark.parametrize(("rel", "case"), [_param(rel, case) for rel, case in CASES])
def test_golden(rel: str, case: dict[str, Any]) -> None:
    as_of = _as_date(case["as_of"])
    text = profile_json(case["profile"])
    if "error" in case:
        with pytest.raises(ERRORS[case["error"]]):
            crs.score(parse_profile(text, source=rel), as_of)
        return
    result = crs.score(parse_profile(text, source=rel), as_of)
    doc = result.document()
    assert_document_shape(doc)
    assert doc["as_of"] == as_of.isoformat()
    problems = _differences(case["expect"], doc, result.rules_version)
    assert not problems, (
        f"{rel}: {case['name']}\n  " + "\n  ".join(problems) + f"\n  document: {json.dumps(doc)}"
    )


def _spec_blocks() -> list[dict[str, Any]]:
    text = SPEC.read_text(encoding="utf-8")
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)]


def test_document_keys_match_the_spec() -> None:
    """DOCUMENT_KEYS above is the spec's score document, key for key."""
    docs = [b for b in _spec_blocks() if "core" in b and "transferability" in b]
    assert len(docs) == 1, "expected one score document in the spec"
    spec = docs[0]
    assert set(spec) == set(DOCUMENT_KEYS)
    for block, keys in DOCUMENT_KEYS.items():
        if isinstance(keys, set):
            assert set(spec[block]) == keys, block
