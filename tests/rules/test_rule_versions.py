"""CRS rule versions: dated formulas for shape changes, dated tables for value changes.

A new rule version (for example a change dated 2026-11-03) is a data change: append a version
to the table and to ``crs/versions.yaml``. The last test here does exactly that in a copy of the
data folder and checks that scores change on and after the date, and only then.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from expressentry.profile.model import parse_profile
from expressentry.rules.tables import DATA_DIR, RuleBook, default_rulebook
from expressentry.scoring.crs import BeforeExpressEntry, formulas, score

REQUIRED_VERSIONS = ["2015-01-01", "2016-11-19", "2017-06-06", "2020-10-27", "2025-03-25"]

PROFILE = parse_profile(
    {
        "date_of_birth": "1995-03-01",
        "education": [{"level": "bachelors", "country": "CA", "completed_on": "2019-05-01"}],
        "language_tests": [
            {
                "test": "celpip_general",
                "taken_on": "2026-01-10",
                "listening": 9,
                "reading": 9,
                "writing": 9,
                "speaking": 9,
            }
        ],
        "work_history": [
            {
                "noc": "21231",
                "country": "CA",
                "start": "2020-01-01",
                "end": None,
                "hours_per_week": 40,
            }
        ],
    }
)


def test_the_rule_set_versions_are_recorded_in_data() -> None:
    versions = default_rulebook()["crs.versions"].versions
    assert [v.effective_from.isoformat() for v in versions] == REQUIRED_VERSIONS


@pytest.mark.parametrize(
    ("on", "version"),
    [
        ("2015-01-01", "2015-01-01"),
        ("2016-11-18", "2015-01-01"),
        ("2016-11-19", "2016-11-19"),
        ("2017-06-05", "2016-11-19"),
        ("2017-06-06", "2017-06-06"),
        ("2025-03-24", "2017-06-06"),
        ("2025-03-25", "2025-03-25"),
        ("2026-11-25", "2025-03-25"),
    ],
)
def test_the_additional_points_formula_in_force(on: str, version: str) -> None:
    fn = formulas.at("crs.additional", dt.date.fromisoformat(on))
    assert fn.effective_from == dt.date.fromisoformat(version)


def test_no_crs_before_express_entry() -> None:
    with pytest.raises(BeforeExpressEntry, match="2015-01-01"):
        score(PROFILE, dt.date(2014, 12, 31))


NEW_VERSION = """
  - effective_from: 2026-11-03
    reference:
      title: Hypothetical amending instructions (test only)
      citation: test fixture
    value:
      window_years: 10
      single: {1: 50, 2: 70, 3: 90, 4: 100, 5: 110}
      with_spouse: {1: 45, 2: 60, 3: 80, 4: 90, 5: 100}
"""

NEW_RULE_SET = """
  - effective_from: 2026-11-03
    reference:
      title: Hypothetical amending instructions (test only)
      citation: test fixture
    value: {id: crs-2026-11-03, summary: "More points for Canadian work (test)"}
"""


def test_a_new_rule_version_is_a_data_change(tmp_path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    with (data / "crs" / "core" / "canadian_work.yaml").open("a") as fh:
        fh.write(NEW_VERSION)
    with (data / "crs" / "versions.yaml").open("a") as fh:
        fh.write(NEW_RULE_SET)
    book = RuleBook.load(data)

    before, on = dt.date(2026, 11, 2), dt.date(2026, 11, 3)
    # the day before: the shipped rules, whichever book is used
    assert score(PROFILE, before, book).document() == score(PROFILE, before).document()
    old, new = score(PROFILE, on), score(PROFILE, on, book)
    # 6 years of Canadian work: 80 points under the shipped rules, 110 under the new version
    assert old.core["canadian_work"] == 80
    assert new.core["canadian_work"] == 110
    assert new.total == old.total + 30
    assert new.rules_version == "crs-2026-11-03"
    assert old.rules_version == "crs-2025-03-25"
