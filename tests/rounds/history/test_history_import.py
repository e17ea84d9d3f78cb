"""Importing a newer copy of IRCC's rounds file: checked, saved, and then the active history.

Every test runs with its own ``XDG_DATA_HOME`` (conftest.py), so imports stay in the test.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from expressentry.rounds import history
from expressentry.rounds.history import HistoryError, import_file, load_history

WriteJson = Callable[..., Path]
NewRound = Callable[..., dict[str, Any]]


def newer(doc: dict[str, Any], new_round: NewRound) -> dict[str, Any]:
    """IRCC's file as it would be after one more round: the new round goes first."""
    doc["rounds"].insert(0, new_round())
    return doc


def test_shipped_history_is_active_by_default(data_home: Path) -> None:
    assert history.active_file() == history.SHIPPED_FILE
    assert history.user_history_file() == data_home / "expressentry" / "ee_rounds.json"
    assert len(load_history()) == 435


def test_import_a_newer_file(
    doc: dict[str, Any], new_round: NewRound, write_json: WriteJson, data_home: Path
) -> None:
    source = write_json(newer(doc, new_round))
    report = import_file(source)
    assert report.added == ("435",)
    assert report.changed == ()
    assert report.missing == ()
    assert report.rounds == 436
    assert report.previous_rounds == 435
    assert report.latest.draw_number == "435"
    target = data_home / "expressentry" / "ee_rounds.json"
    assert report.saved_to == target
    assert target.read_bytes() == source.read_bytes()  # saved unchanged
    # it is now the active history, in this process and in a new one
    assert history.active_file() == target
    rounds = load_history()
    assert len(rounds) == 436
    latest = rounds[-1]
    assert (latest.draw_number, latest.date, latest.program) == ("435", dt.date(2026, 8, 12), "cec")
    assert (latest.invitations, latest.crs_cutoff) == (3250, 512)
    assert history.get(435)[0] == latest
    history.clear_cache()
    assert len(load_history()) == 436
    assert history.total_invitations(2026) == 113_423 + 3_250
    # the shipped history is still there
    assert len(history.load_shipped()) == 435
    assert report.document()["added"] == ["435"]


def test_import_again_counts_against_the_shipped_file(
    doc: dict[str, Any], new_round: NewRound, write_json: WriteJson
) -> None:
    import_file(write_json(newer(doc, new_round), "first.json"))
    doc["rounds"].insert(0, new_round(436))
    report = import_file(write_json(doc, "second.json"))
    assert report.added == ("435", "436")
    assert report.previous_rounds == 436
    assert len(load_history()) == 437


def test_retroactive_changes_are_reported(
    doc: dict[str, Any], new_round: NewRound, write_json: WriteJson
) -> None:
    """IRCC renames rounds and edits past values; a new name alone is not a change of data."""
    rounds = {r["drawNumber"]: r for r in doc["rounds"]}
    rounds["262"]["drawCutOff"] = "August 01, 2023 at 12:59:52 UTC"  # the 2024 value of #262
    rounds["223"]["dd1"] = "635"  # a distribution restored
    report = import_file(write_json(newer(doc, new_round)))
    assert report.changed == ("223", "262")
    assert history.get(262)[0].tie_break == dt.datetime(2023, 8, 1, 12, 59, 52, tzinfo=dt.UTC)


def test_an_older_file_is_refused(doc: dict[str, Any], write_json: WriteJson) -> None:
    """A copy of 2024 lacks the later rounds: refused unless forced, and nothing changes."""
    doc["rounds"] = [r for r in doc["rounds"] if r["drawDate"] < "2024-04-07"]
    source = write_json(doc)
    with pytest.raises(HistoryError, match=r"lacks 143 rounds of the shipped history \(292, 293"):
        import_file(source)
    assert history.active_file() == history.SHIPPED_FILE
    report = import_file(source, allow_missing=True)
    assert len(report.missing) == 143
    assert len(load_history()) == 292


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", r": not JSON \("),
        (b"\xff\xfe{}", r": not a UTF-8 text file"),
        ([{"drawNumber": "1"}], r": not IRCC's rounds file"),
        ({"rounds": []}, r": not IRCC's rounds file: the 'rounds' list is empty"),
    ],
)
def test_bad_files_are_refused(content: Any, message: str, write_json: WriteJson) -> None:
    source = write_json(content, "bad.json")
    with pytest.raises(HistoryError, match=f"^{re.escape(str(source))}{message}"):
        import_file(source)
    assert history.active_file() == history.SHIPPED_FILE


def test_bad_value_names_round_and_field(
    doc: dict[str, Any], new_round: NewRound, write_json: WriteJson
) -> None:
    doc = newer(doc, new_round)
    doc["rounds"][0]["drawSize"] = "3,25O"
    source = write_json(doc)
    with pytest.raises(
        HistoryError, match=f"^{re.escape(str(source))}: round 435: drawSize: '3,25O' is not a"
    ):
        import_file(source)
    assert len(load_history()) == 435


def test_a_failed_import_keeps_the_previous_import(
    doc: dict[str, Any], new_round: NewRound, write_json: WriteJson
) -> None:
    import_file(write_json(newer(doc, new_round), "good.json"))
    with pytest.raises(HistoryError):
        import_file(write_json("[]", "bad.json"))
    assert len(load_history()) == 436


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(HistoryError, match=r"nope\.json: no such file"):
        import_file(tmp_path / "nope.json")
    with pytest.raises(HistoryError, match="is a folder"):
        import_file(tmp_path)


def test_unwritable_data_folder(
    doc: dict[str, Any], write_json: WriteJson, data_home: Path
) -> None:
    data_home.mkdir(parents=True)
    (data_home / "expressentry").write_text("a file where the folder should be")
    with pytest.raises(HistoryError, match="cannot be written"):
        import_file(write_json(doc))


def test_remove_import(doc: dict[str, Any], new_round: NewRound, write_json: WriteJson) -> None:
    import_file(write_json(newer(doc, new_round)))
    assert history.remove_import() is True
    assert history.active_file() == history.SHIPPED_FILE
    assert len(load_history()) == 435
    assert history.remove_import() is False


def test_a_damaged_imported_file_is_reported(data_home: Path) -> None:
    target = data_home / "expressentry" / "ee_rounds.json"
    target.parent.mkdir(parents=True)
    target.write_text('{"rounds": [}', encoding="utf-8")
    with pytest.raises(
        HistoryError, match=f"^{re.escape(str(target))}: not JSON .*import a good file again"
    ):
        load_history()


def test_the_imported_file_is_read_again_when_it_changes(
    doc: dict[str, Any], new_round: NewRound, write_json: WriteJson
) -> None:
    """Another process may import a newer file: the cache follows the file."""
    import_file(write_json(newer(doc, new_round)))
    assert len(load_history()) == 436
    doc["rounds"].insert(0, new_round(436))
    target = history.user_history_file()
    target.write_text(json.dumps(doc), encoding="utf-8")
    assert len(load_history()) == 437


def test_default_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    expected = tmp_path / ".local" / "share" / "expressentry" / "ee_rounds.json"
    assert history.user_history_file() == expected


def test_byte_order_mark_and_ircc_layout(
    doc: dict[str, Any], new_round: NewRound, write_json: WriteJson
) -> None:
    """IRCC's own file: one compact object per line, with tabs; maybe a byte-order mark."""
    doc = newer(doc, new_round)
    body = ",\n".join("\t" + json.dumps(r, separators=(",", ":")) for r in doc["rounds"])
    text = '{"classes":"wb-tables","rounds":[\n' + body + "\n]}"
    report = import_file(write_json(b"\xef\xbb\xbf" + text.encode()))
    assert report.added == ("435",)
    assert len(load_history()) == 436
