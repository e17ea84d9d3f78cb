"""The repository stands on its own: packaging metadata and the documents it ships (issue 17)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_license_is_an_spdx_expression_with_a_setuptools_that_reads_it() -> None:
    # setuptools warns that a license table stops building after 2027-02-18 (PEP 639)
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["license"] == "MIT"
    requires = data["build-system"]["requires"]
    setuptools = next(r for r in requires if r.startswith("setuptools"))
    minimum = re.search(r">=\s*(\d+)", setuptools)
    assert minimum and int(minimum.group(1)) >= 77, setuptools


def test_the_profile_format_names_only_files_that_exist() -> None:
    text = (ROOT / "docs" / "profile-format.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([\w./-]+/[\w.-]+\.(?:csv|json|jsonl|yaml|md))`", text))
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert not missing, f"docs/profile-format.md names files not in the repository: {missing}"


def test_no_test_reads_a_file_outside_the_repository() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("*.py")
        if path != Path(__file__) and re.search(r"Path\(\"/(work|home|tmp)/", path.read_text())
    ]
    assert not offenders, offenders
