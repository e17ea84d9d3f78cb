"""Language test scores -> CLB/NCLC levels, and the two-year validity of a result.

The golden cases live in ``cases/*.yaml`` and read as tables; each case's name states the rule.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from expressentry.rules import language
from expressentry.rules.language import (
    ABILITIES,
    TEST_LANGUAGE,
    LanguageRuleError,
    UnknownTest,
    check_scores,
    convert,
    is_valid_on,
    valid_until,
)
from expressentry.rules.tables import (
    DATA_DIR,
    NotInForce,
    RuleBook,
    RuleDataError,
    default_rulebook,
    parse_table,
)

CASES_DIR = Path(__file__).parent / "cases"
LANGUAGE_DIR = DATA_DIR / "language"
CHART_FIELDS = {"name", "test", "taken_on", "scores", "levels", "chart_from"}


def _load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            case["file"] = path.name
            cases.append(case)
    names = [c["name"] for c in cases]
    duplicates = {n for n in names if names.count(n) > 1}
    assert not duplicates, f"duplicate case names: {duplicates}"
    return cases


CASES = _load_cases()


def _params(kind: str) -> list[Any]:
    return [pytest.param(c, id=c["name"]) for c in CASES if kind in c]


# ---------------------------------------------------------------- golden cases


@pytest.mark.parametrize("case", _params("levels"))
def test_conversion(case: dict[str, Any]) -> None:
    result = convert(case["test"], case["taken_on"], case["scores"])
    assert dict(zip(ABILITIES, result.levels, strict=True)) == case["levels"]
    assert check_scores(case["test"], case["taken_on"], case["scores"]) == []
    assert result.language == TEST_LANGUAGE[case["test"]]
    assert result.minimum == min(case["levels"].values())
    assert all(result.level(a) == case["levels"][a] for a in ABILITIES)
    if "chart_from" in case:
        assert result.chart_from == case["chart_from"]


@pytest.mark.parametrize("case", _params("problems"))
def test_off_scale(case: dict[str, Any]) -> None:
    problems = check_scores(case["test"], case["taken_on"], case["scores"])
    assert dict(problems) == case["problems"]
    assert len(problems) == len(case["problems"])
    with pytest.raises(LanguageRuleError) as err:
        convert(case["test"], case["taken_on"], case["scores"])
    for message in case["problems"].values():
        assert message in str(err.value)


@pytest.mark.parametrize("case", _params("not_accepted"))
def test_not_accepted(case: dict[str, Any]) -> None:
    with pytest.raises(NotInForce):
        language.chart(case["test"], case["taken_on"])
    with pytest.raises(NotInForce):
        convert(case["test"], case["taken_on"], case["scores"])
    # not bad input: the scores are on the test's scale, the result just gives no points
    assert check_scores(case["test"], case["taken_on"], case["scores"]) == []
    off_scale = {**case["scores"], "reading": 91}
    assert dict(check_scores(case["test"], case["taken_on"], off_scale)).keys() == {"reading"}


@pytest.mark.parametrize("case", _params("valid"))
def test_validity(case: dict[str, Any]) -> None:
    assert is_valid_on(case["taken_on"], case["as_of"]) is case["valid"]


@pytest.mark.parametrize("case", _params("valid_until"))
def test_valid_until(case: dict[str, Any]) -> None:
    last = valid_until(case["taken_on"])
    assert last == case["valid_until"]
    assert is_valid_on(case["taken_on"], last)
    assert not is_valid_on(case["taken_on"], last + dt.timedelta(days=1))


def test_every_case_has_a_kind() -> None:
    kinds = {"levels", "problems", "not_accepted", "valid", "valid_until"}
    assert all(kinds & set(c) for c in CASES), [c["name"] for c in CASES if not kinds & set(c)]


def test_every_chart_version_has_edge_cases() -> None:
    covered = {
        (c["test"], language.chart(c["test"], c["taken_on"]).effective_from)
        for c in CASES
        if "levels" in c and c["file"].startswith("edges_")
    }
    book = default_rulebook()
    expected = {
        (test, version.effective_from)
        for test in TEST_LANGUAGE
        for version in book[f"language.{test}"].versions
    }
    assert covered == expected


# ---------------------------------------------------------------- shipped data


@pytest.mark.parametrize("stem", [*TEST_LANGUAGE, "validity"])
def test_data_file_parses_with_dated_references(stem: str) -> None:
    path = LANGUAGE_DIR / f"{stem}.yaml"
    table = parse_table(path.read_text(encoding="utf-8"), f"language.{stem}", path)
    assert table.last_verified_on == dt.date(2026, 11, 25)
    assert table.confidence in {"H", "M"}
    for version in table.versions:
        assert isinstance(version.effective_from, dt.date)
        assert version.reference.title
        assert version.reference.href and version.reference.href.startswith(
            "https://www.canada.ca/"
        )


@pytest.mark.parametrize("test", TEST_LANGUAGE)
def test_chart_values_are_well_formed(test: str) -> None:
    table = default_rulebook()[f"language.{test}"]
    for version in table.versions:
        value = version.value
        assert value["language"] == TEST_LANGUAGE[test]
        assert set(value["scale"]) == set(ABILITIES) == set(value["minimums"])
        for ability in ABILITIES:
            minimums = value["minimums"][ability]
            levels = sorted(minimums)
            assert levels[-1] == 10  # the charts stop at CLB/NCLC 10
            assert all(minimums[a] < minimums[b] for a, b in itertools.pairwise(levels))
        assert version.reference.title == "IRCC — Language test equivalency charts (Express Entry)"


def test_tef_has_three_charts_by_test_date() -> None:
    versions = default_rulebook()["language.tef_canada"].versions
    spans = [(v.effective_from, v.effective_to) for v in versions]
    assert spans == [
        (dt.date(2013, 1, 1), dt.date(2019, 9, 30)),
        (dt.date(2019, 10, 1), dt.date(2023, 12, 10)),
        (dt.date(2023, 12, 11), None),
    ]
    assert "2019-09-30" in (versions[0].note or "")


def test_rulebook_loads_every_language_table() -> None:
    names = set(default_rulebook().names())
    assert {f"language.{t}" for t in TEST_LANGUAGE} | {"language.validity"} <= names


def test_validity_value() -> None:
    assert default_rulebook()["language.validity"].at(dt.date(2025, 1, 1)) == {"years": 2}


# ---------------------------------------------------------------- API behaviour


def test_chart_returns_the_version_in_force() -> None:
    version = language.chart("tef_canada", dt.date(2020, 1, 1))
    assert version.effective_from == dt.date(2019, 10, 1)
    assert version.reference.href


def test_unknown_test_is_a_clear_key_error() -> None:
    with pytest.raises(KeyError, match="unknown language test 'toefl'"):
        language.chart("toefl", dt.date(2025, 1, 1))
    with pytest.raises(UnknownTest):
        convert("ielts_academic", dt.date(2025, 1, 1), dict.fromkeys(ABILITIES, 7.0))
    [(where, message)] = check_scores("toefl", dt.date(2025, 1, 1), {})
    assert where == "test" and "toefl" in message


def test_conversion_level_rejects_an_unknown_ability() -> None:
    result = convert("celpip_general", dt.date(2025, 1, 1), dict.fromkeys(ABILITIES, 9))
    assert result.reference.href
    with pytest.raises(LanguageRuleError):
        result.level("grammar")


@pytest.mark.parametrize("bad", [None, "7", True, float("nan"), float("inf")])
def test_non_numbers_are_off_scale(bad: Any) -> None:
    scores = {**dict.fromkeys(ABILITIES, 7.0), "reading": bad}
    problems = check_scores("ielts_general", dt.date(2025, 1, 1), scores)
    assert [a for a, _ in problems] == ["reading"]
    with pytest.raises(LanguageRuleError):
        convert("ielts_general", dt.date(2025, 1, 1), scores)


def test_float_noise_stays_on_the_half_band() -> None:
    scores = dict.fromkeys(ABILITIES, 0.1 * 3 + 6.2)  # 6.500000000000001
    assert convert("ielts_general", dt.date(2025, 1, 1), scores).levels == (7, 8, 8, 8)


# ---------------------------------------------------------------- other rule books


def _copy_book(tmp_path: Path, extra: dict[str, str] | None = None) -> RuleBook:
    target = tmp_path / "language"
    target.mkdir()
    for path in LANGUAGE_DIR.glob("*.yaml"):
        (target / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    for name, text in (extra or {}).items():
        (target / name).write_text(text, encoding="utf-8")
    return RuleBook.load(tmp_path)


def test_a_new_chart_is_a_data_change(tmp_path: Path) -> None:
    text = (LANGUAGE_DIR / "celpip_general.yaml").read_text(encoding="utf-8")
    text += """
  - effective_from: 2030-01-01
    reference: {title: A future chart, citation: hypothetical}
    value:
      language: english
      scale:
        listening: {min: 0, max: 12, step: 1}
        reading: {min: 0, max: 12, step: 1}
        writing: {min: 0, max: 12, step: 1}
        speaking: {min: 0, max: 12, step: 1}
      minimums:
        listening: {10: 11, 9: 10, 8: 9, 7: 8, 6: 7, 5: 6, 4: 5}
        reading: {10: 11, 9: 10, 8: 9, 7: 8, 6: 7, 5: 6, 4: 5}
        writing: {10: 11, 9: 10, 8: 9, 7: 8, 6: 7, 5: 6, 4: 5}
        speaking: {10: 11, 9: 10, 8: 9, 7: 8, 6: 7, 5: 6, 4: 5}
"""
    book = _copy_book(tmp_path, {"celpip_general.yaml": text})
    scores = dict.fromkeys(ABILITIES, 10)
    assert convert("celpip_general", dt.date(2029, 12, 31), scores, book).levels == (10,) * 4
    later = convert("celpip_general", dt.date(2030, 1, 1), scores, book)
    assert later.levels == (9,) * 4
    assert later.chart_from == dt.date(2030, 1, 1)
    # the shipped rule book is unaffected (no cache leaks between rule books)
    assert convert("celpip_general", dt.date(2030, 1, 1), scores).levels == (10,) * 4


def test_a_malformed_chart_is_a_data_error(tmp_path: Path) -> None:
    text = (LANGUAGE_DIR / "ielts_general.yaml").read_text(encoding="utf-8")
    book = _copy_book(tmp_path, {"ielts_general.yaml": text.replace("10: 8.5,", "10: 8.3,")})
    with pytest.raises(RuleDataError, match="off scale"):
        convert("ielts_general", dt.date(2025, 1, 1), dict.fromkeys(ABILITIES, 7.0), book)


def test_a_longer_validity_is_a_data_change(tmp_path: Path) -> None:
    text = (LANGUAGE_DIR / "validity.yaml").read_text(encoding="utf-8")
    text = text.replace("years: 2", "years: 3")
    book = _copy_book(tmp_path, {"validity.yaml": text})
    assert is_valid_on(dt.date(2023, 3, 15), dt.date(2025, 3, 15), book)
    assert valid_until(dt.date(2023, 3, 15), book) == dt.date(2026, 3, 14)


# ---------------------------------------------------------------- properties


def _scales() -> list[tuple[str, dt.date, str, Any]]:
    out = []
    book = default_rulebook()
    for test in TEST_LANGUAGE:
        for version in book[f"language.{test}"].versions:
            for ability in ABILITIES:
                out.append((test, version.effective_from, ability, version.value))
    return out


SCALES = _scales()


def _score(value: Any, ability: str, position: int) -> float:
    scale = value["scale"][ability]
    return scale["min"] + position * scale["step"]


def _positions(value: Any, ability: str) -> int:
    scale = value["scale"][ability]
    return round((scale["max"] - scale["min"]) / scale["step"]) + 1


def _level(test: str, day: dt.date, value: Any, ability: str, score: float) -> int:
    scores = {a: value["scale"][a]["min"] for a in ABILITIES}
    scores[ability] = score
    return convert(test, day, scores).level(ability)


@given(data=st.data(), which=st.sampled_from(SCALES))
def test_a_higher_score_never_gives_a_lower_level(data: st.DataObject, which: Any) -> None:
    test, day, ability, value = which
    top = _positions(value, ability) - 1
    low = data.draw(st.integers(0, top), label="lower position")
    high = data.draw(st.integers(low, top), label="higher position")
    assert _level(test, day, value, ability, _score(value, ability, low)) <= _level(
        test, day, value, ability, _score(value, ability, high)
    )


@pytest.mark.parametrize("which", SCALES, ids=lambda w: f"{w[0]}-{w[1]}-{w[2]}")
def test_every_score_matches_the_chart_rows(which: Any) -> None:
    """Exhaustive: each score's level is the highest row whose minimum it reaches (or 0)."""
    test, day, ability, value = which
    minimums = value["minimums"][ability]
    previous = 0
    for position in range(_positions(value, ability)):
        score = _score(value, ability, position)
        expected = max((lvl for lvl, m in minimums.items() if score >= m), default=0)
        level = _level(test, day, value, ability, score)
        assert level == expected, (score, level, expected)
        assert level >= previous
        previous = level
