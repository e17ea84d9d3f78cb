"""Golden category cases: a profile, a date and a category, with the expected outcome.

Each file under ``cases/`` (by year or by theme) is a YAML list of cases::

    - name: 2025 STEM exactly 6 continuous full-time months met    # the test id; unique
      as_of: 2025-06-01
      category: stem            # a slug of rules/data/categories
      year: 2025                # optional: the version in force on as_of must be this year's
      profile: {...}            # the profile exchange format (shared/spec/profile-format.md)
      expect:
        eligible: true
        reasons_contain: [...]      # substrings, each found in one of the document's reasons
        reasons_not_contain: [...]  # substrings found in none of them
        summary_contains: [...]     # substrings of the one-line explanation (met or not)
      note: why                 # optional, free text

or ``expect: {in_force: false}`` for a category that must be absent on ``as_of``.

The profile goes through JSON text, as a profile file would (``parse_profile``); the categories
are evaluated as ``assess`` does (``derive``, ``context``, ``assess_categories``). A second test
runs ``assess(...).document()`` on every case and checks the document's shape against the spec.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from expressentry.eligibility.assess import assess
from expressentry.eligibility.categories import CategoryResult, assess_categories, context
from expressentry.profile.facts import derive
from expressentry.profile.model import Profile, parse_profile
from expressentry.rules.categories import CategoryNotInForce, default_categories
from expressentry.rules.tables import default_rulebook

CASES_DIR = Path(__file__).parent / "cases"
#: the repository's copy of the exchange format (docs/profile-format.md)
SPEC = Path(__file__).resolve().parents[3] / "docs" / "profile-format.md"

#: the eligibility document of the spec (shared/spec/profile-format.md)
DOCUMENT_KEYS = {"as_of", "express_entry_eligible", "programs", "categories"}
CATEGORY_KEYS = {"eligible", "reasons"}

CASE_KEYS = {"name", "as_of", "category", "year", "profile", "expect", "note"}
EXPECT_KEYS = {"eligible", "reasons_contain", "reasons_not_contain", "summary_contains", "in_force"}


def _json_default(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{value!r} cannot be written as JSON")


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
PARAMS = [pytest.param(rel, case, id=str(case.get("name"))) for rel, case in CASES]


def profile_of(rel: str, case: dict[str, Any]) -> Profile:
    """The case's profile, read from JSON text as a profile file would be."""
    return parse_profile(json.dumps(case["profile"], default=_json_default), source=rel)


def categories_on(profile: Profile, as_of: dt.date) -> dict[str, CategoryResult]:
    """Every category in force on ``as_of``, evaluated as ``assess`` evaluates them."""
    rulebook = default_rulebook()
    eca_years = rulebook["programs.eca_validity"].at(as_of)["years"]
    ctx = context(profile, as_of, derive(profile, as_of, rulebook).principal, eca_years)
    return {r.slug: r for r in assess_categories(ctx)}


def test_case_files_are_well_formed() -> None:
    """Unique names, known keys and slugs (a typo in a case must not silently check nothing)."""
    assert CASES, f"no cases under {CASES_DIR}"
    slugs = set(default_categories().slugs())
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
        if unknown := set(case) - CASE_KEYS:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
        for key in ("as_of", "category", "profile", "expect"):
            if key not in case:
                problems.append(f"{where}: missing {key!r}")
        if case.get("category") not in slugs:
            problems.append(f"{where}: unknown category {case.get('category')!r}")
        expect = case.get("expect") or {}
        if unknown := set(expect) - EXPECT_KEYS:
            problems.append(f"{where}: unknown expect keys {sorted(unknown)}")
        if "in_force" in expect:
            if expect != {"in_force": False}:
                problems.append(f"{where}: 'in_force: false' stands alone in expect")
            if "year" in case:
                problems.append(f"{where}: a category not in force has no year")
        elif not isinstance(expect.get("eligible"), bool):
            problems.append(f"{where}: expect.eligible must be true or false")
        elif expect["eligible"] and expect.get("reasons_contain"):
            problems.append(f"{where}: an eligible case has no reasons")
        for key in ("reasons_contain", "reasons_not_contain", "summary_contains"):
            value = expect.get(key, [])
            if not (isinstance(value, list) and all(isinstance(s, str) and s for s in value)):
                problems.append(f"{where}: expect.{key} must be a list of text")
    assert not problems, "\n".join(problems)


def _differences(case: dict[str, Any], result: CategoryResult) -> list[str]:
    expect = case["expect"]
    doc = result.document()
    out = []
    if set(doc) != CATEGORY_KEYS:
        out.append(f"category document keys {sorted(doc)}")
    if "year" in case and result.year != case["year"]:
        out.append(f"year: expected the {case['year']} version, got {result.year}")
    if doc["eligible"] is not expect["eligible"]:
        out.append(f"eligible: expected {expect['eligible']}, got {doc['eligible']}")
    if doc["eligible"] and doc["reasons"]:
        out.append("an eligible result has reasons")
    if not doc["eligible"] and not doc["reasons"]:
        out.append("an ineligible result gives no reason")
    for text in expect.get("reasons_contain", []):
        if not any(text in reason for reason in doc["reasons"]):
            out.append(f"no reason contains {text!r}")
    for text in expect.get("reasons_not_contain", []):
        if any(text in reason for reason in doc["reasons"]):
            out.append(f"a reason contains {text!r}")
    for text in expect.get("summary_contains", []):
        if text not in result.summary:
            out.append(f"the summary does not contain {text!r}")
    return out


@pytest.mark.parametrize(("rel", "case"), PARAMS)
def test_golden(rel: str, case: dict[str, Any]) -> None:
    as_of, slug = _as_date(case["as_of"]), case["category"]
    results = categories_on(profile_of(rel, case), as_of)
    if case["expect"].get("in_force") is False:
        assert slug not in results, f"{slug} is evaluated on {as_of} but is not in force"
        with pytest.raises(CategoryNotInForce):
            default_categories().version_at(slug, as_of)
        return
    assert slug in results, f"{slug} is not in force on {as_of}: {sorted(results)}"
    result = results[slug]
    problems = _differences(case, result)
    assert not problems, (
        f"{rel}: {case['name']}\n  "
        + "\n  ".join(problems)
        + f"\n  summary: {result.summary}\n  reasons: {result.reasons}"
    )


# --- the eligibility document -------------------------------------------------------------------


def _spec_eligibility_document() -> dict[str, Any]:
    text = SPEC.read_text(encoding="utf-8")
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", text, re.S)]
    docs = [b for b in blocks if "categories" in b and "programs" in b]
    assert len(docs) == 1, "expected one eligibility document in the spec"
    return docs[0]


def test_document_keys_match_the_spec() -> None:
    spec = _spec_eligibility_document()
    assert set(spec) == DOCUMENT_KEYS
    for slug, entry in spec["categories"].items():
        assert set(entry) == CATEGORY_KEYS, slug


def assert_eligibility_document(doc: dict[str, Any], as_of: dt.date) -> None:
    """Exactly the spec's top-level keys; every category in force on ``as_of`` and no other."""
    assert set(doc) == DOCUMENT_KEYS, f"document keys {sorted(doc)}"
    assert doc["as_of"] == as_of.isoformat()
    assert isinstance(doc["express_entry_eligible"], bool)
    in_force = {v.slug for v in default_categories().in_force(as_of)}
    assert set(doc["categories"]) == in_force
    for slug, entry in doc["categories"].items():
        assert set(entry) == CATEGORY_KEYS, f"{slug}: keys {sorted(entry)}"
        assert isinstance(entry["eligible"], bool), slug
        assert all(isinstance(r, str) and r for r in entry["reasons"]), slug
        assert entry["eligible"] == (not entry["reasons"]), slug
    json.dumps(doc)  # the document is JSON as it stands


@pytest.mark.parametrize(("rel", "case"), PARAMS)
def test_eligibility_document(rel: str, case: dict[str, Any]) -> None:
    """``assess(...).document()`` agrees with the golden case and has the spec's shape."""
    as_of, slug = _as_date(case["as_of"]), case["category"]
    profile = profile_of(rel, case)
    doc = assess(profile, as_of).document()
    assert_eligibility_document(doc, as_of)
    if case["expect"].get("in_force") is False:
        assert slug not in doc["categories"]
    else:
        assert doc["categories"][slug] == categories_on(profile, as_of)[slug].document()
        assert doc["categories"][slug]["eligible"] is case["expect"]["eligible"]


#: the categories in force on dates around each change (research/categories.md, section 1)
SIX_OF_2023 = {
    "french_language_proficiency",
    "healthcare",
    "stem",
    "trades",
    "transport",
    "agriculture_and_agri_food",
}
OF_2025 = {
    "french_language_proficiency",
    "healthcare_and_social_services",
    "stem",
    "trades",
    "agriculture_and_agri_food",
    "education",
}
OF_2026 = {
    "french_language_proficiency",
    "healthcare_and_social_services",
    "stem",
    "trades",
    "education",
    "transport",
    "physicians_with_canadian_work_experience",
    "senior_managers_with_canadian_work_experience",
    "researchers_with_canadian_work_experience",
    "skilled_military_recruits",
}
IN_FORCE = {
    "2023-05-30": set(),
    "2023-05-31": SIX_OF_2023,
    "2024-01-01": SIX_OF_2023,
    "2025-02-26": SIX_OF_2023,
    "2025-02-27": OF_2025,
    "2025-12-07": OF_2025,
    "2025-12-08": OF_2025 | {"physicians_with_canadian_work_experience"},
    "2026-02-17": OF_2025 | {"physicians_with_canadian_work_experience"},
    "2026-02-18": OF_2026,
    "2026-08-07": OF_2026,
}


@pytest.mark.parametrize(("day", "slugs"), IN_FORCE.items(), ids=list(IN_FORCE))
def test_document_holds_exactly_the_categories_in_force(day: str, slugs: set[str]) -> None:
    as_of = dt.date.fromisoformat(day)
    profile = parse_profile(
        {
            "date_of_birth": "1990-01-01",
            "work_history": [
                {"noc": "21300", "country": "CA", "start": "2020-01-01", "hours_per_week": 40}
            ],
        }
    )
    doc = assess(profile, as_of).document()
    assert_eligibility_document(doc, as_of)
    assert set(doc["categories"]) == slugs
