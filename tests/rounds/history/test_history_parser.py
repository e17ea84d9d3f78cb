"""The parser of IRCC's rounds file: every known quirk is read, and anything else is refused.

The quirks are the ones listed in shared/research/rounds-data.md, section 8. The case tables
are in ``cases/datetimes.yaml`` (free-text times) and ``cases/names.yaml`` (round names).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from expressentry.rounds import history
from expressentry.rounds.bands import BANDS
from expressentry.rounds.history import HistoryError, parse_ircc, parse_round

CASES = Path(__file__).parent / "cases"
DATETIMES = yaml.safe_load((CASES / "datetimes.yaml").read_text(encoding="utf-8"))
NAMES = yaml.safe_load((CASES / "names.yaml").read_text(encoding="utf-8"))

UTC = dt.UTC
RawRound = Callable[..., dict[str, Any]]


def iso(value: dt.datetime | None) -> str | None:
    return history.iso_utc(value)


def one(number: str) -> history.HistoricalRound:
    (found,) = history.get(number, history=history.load_shipped())
    return found


# --- free-text dates and times -------------------------------------------------------------------


@pytest.mark.parametrize("case", DATETIMES["ok"], ids=lambda c: c["text"])
def test_datetime_formats(case: dict[str, Any]) -> None:
    stamp = history.parse_text_datetime(case["text"])
    assert stamp.year is not None and stamp.time is not None
    assert iso(stamp.on(stamp.year)) == case["expect"]
    expected = case.get("notes", [])
    for note in expected:
        assert any(note in n for n in stamp.notes), (note, stamp.notes)
    if not expected:
        assert stamp.notes == []


@pytest.mark.parametrize("case", DATETIMES["ok"], ids=lambda c: c["text"])
def test_datetime_formats_in_a_round(case: dict[str, Any], raw_round: RawRound) -> None:
    """The same values as tie-break and as round time, through the whole round parser."""
    expect = dt.datetime.fromisoformat(case["expect"])
    date = expect.date().isoformat()
    r = parse_round(
        raw_round(
            "434",
            drawDate=date,
            drawDateFull=expect.strftime("%B %d, %Y"),
            drawDateTime=case["text"],
            drawCutOff=case["text"],
        )
    )
    assert iso(r.held_at) == case["expect"]
    assert iso(r.tie_break) == case["expect"]
    for note in case.get("notes", []):
        assert any(n.startswith("round time: ") and note in n for n in r.notes), r.notes
        assert any(n.startswith("tie-break: ") and note in n for n in r.notes), r.notes


@pytest.mark.parametrize("case", DATETIMES["errors"], ids=lambda c: c["text"])
def test_datetime_errors(case: dict[str, Any], raw_round: RawRound) -> None:
    with pytest.raises(ValueError, match=case["message"]):
        history.parse_text_datetime(case["text"])
    with pytest.raises(HistoryError) as err:
        parse_round(raw_round("434", drawCutOff=case["text"]))
    message = str(err.value)
    assert message.startswith("round 434: drawCutOff: ")
    assert case["message"] in message
    assert repr(case["text"]) in message


def test_every_datetime_of_the_shipped_file_is_read() -> None:
    """Every round has a round time, and every round from #77 on has a tie-break (UTC)."""
    shipped = history.load_shipped()
    for r in shipped:
        assert r.held_at.tzinfo is not None and r.held_at.utcoffset() == dt.timedelta(0)
        if r.tie_break is not None:
            assert r.tie_break.utcoffset() == dt.timedelta(0)
    assert {r.number for r in shipped if r.tie_break is None} == set(range(1, 77))


def test_tie_break_without_a_year_is_inferred() -> None:
    """#208: "October 7 at 16:38:21 UTC", in a round of 2021-10-27."""
    r = one("208")
    assert iso(r.tie_break) == "2021-10-07T16:38:21Z"
    assert "tie-break: year missing in source, inferred as 2021" in r.notes


@pytest.mark.parametrize(
    ("text", "round_time", "expect"),
    [
        # the latest such date not after the round: the year before, across New Year
        ("December 28 at 10:00:00 UTC", "January 4, 2022 at 14:00:00 UTC", "2021-12-28T10:00:00Z"),
        ("January 4 at 09:00:00 UTC", "January 4, 2022 at 14:00:00 UTC", "2022-01-04T09:00:00Z"),
        ("January 4 at 15:00:00 UTC", "January 4, 2022 at 14:00:00 UTC", "2021-01-04T15:00:00Z"),
        ("February 29 at 10:00:00 UTC", "March 4, 2022 at 14:00:00 UTC", "2020-02-29T10:00:00Z"),
    ],
)
def test_year_inference(text: str, round_time: str, expect: str, raw_round: RawRound) -> None:
    held = history.parse_text_datetime(round_time)
    assert held.year is not None
    date = held.on(held.year).date()
    r = parse_round(
        raw_round(
            "208",
            drawDate=date.isoformat(),
            drawDateFull=f"{date:%B} {date.day}, {date.year}",
            drawDateTime=round_time,
            drawCutOff=text,
        )
    )
    assert iso(r.tie_break) == expect


def test_round_time_missing_falls_back_to_the_date(raw_round: RawRound) -> None:
    r = parse_round(raw_round("434", drawDateTime=""))
    assert r.held_at == dt.datetime(2026, 8, 7, tzinfo=UTC)
    assert any("round time not published" in n for n in r.notes)
    r = parse_round(raw_round("434", drawDateTime="August 7, 2026"))
    assert r.held_at == dt.datetime(2026, 8, 7, tzinfo=UTC)
    assert any("round time not published" in n for n in r.notes)


def test_round_time_on_the_next_utc_day() -> None:
    """Evening rounds in Ottawa fall after midnight UTC: #7, #8, #9, #11, #13 and #139."""
    flagged = {
        r.draw_number
        for r in history.load_shipped()
        if "round time falls on the next UTC day (evening in Ottawa)" in r.notes
    }
    assert flagged == {"7", "8", "9", "11", "13", "139"}
    r = one("7")
    assert r.date == dt.date(2015, 4, 10)
    assert iso(r.held_at) == "2015-04-11T00:00:01Z"


def test_round_time_a_day_off_is_kept_and_flagged() -> None:
    """#104, #108, #146, #148: the round time is dated the day after drawDate, in daytime."""
    for number, day in (("104", "2018-11-15"), ("108", "2019-01-10"), ("146", "2020-05-01")):
        r = one(number)
        assert r.held_at.date().isoformat() == day
        assert f"round time date {day} disagrees with drawDate" in r.notes


def test_round_time_typo_uses_the_round_date() -> None:
    """#357: drawDate 2025-07-22 but "July 12, 2025 at 16:27:45 UTC"; the date is trusted."""
    r = one("357")
    assert r.date == dt.date(2025, 7, 22)
    assert iso(r.held_at) == "2025-07-22T16:27:45Z"
    assert any(n.startswith("round time date 2025-07-12 disagrees") for n in r.notes)


def test_tie_break_not_before_the_round_is_flagged() -> None:
    """#139: drawCutOff is a copy of drawDateTime."""
    r = one("139")
    assert r.tie_break == r.held_at
    assert "tie-break time is not before the round time" in r.notes


def test_draw_date_day_first_is_resolved_by_the_full_date(raw_round: RawRound) -> None:
    """IRCC's file of January 2023 had drawDate "11-01-2023" for #237 (DD-MM-YYYY)."""
    r = parse_round(raw_round("237", drawDate="11-01-2023"))
    assert r.date == dt.date(2023, 1, 11)
    assert any("not in ISO form" in n for n in r.notes)
    bare = raw_round("237", drawDate="11-01-2023")
    del bare["drawDateFull"]
    with pytest.raises(HistoryError, match=r"round 237: drawDate: '11-01-2023' is not a date"):
        parse_round(bare)


def test_draw_date_full_with_a_missing_space(raw_round: RawRound) -> None:
    """IRCC wrote "November 09,2022" for a while."""
    r = parse_round(raw_round("235", drawDateFull="November 09,2022"))
    assert r.date == dt.date(2022, 11, 9)
    assert not any("drawDateFull" in n for n in r.notes)
    r = parse_round(raw_round("235", drawDateFull="November 10, 2022"))
    assert "drawDateFull 2022-11-10 disagrees with drawDate" in r.notes


# --- numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        *[("779", 779), ("1,000", 1000), ("25,123", 25123), ("229,100", 229100), ("0", 0)],
        *[(" 3,500 ", 3500), ("1234", 1234), ("27,332", 27332), (4500, 4500)],
    ],
)
def test_numbers(text: Any, value: int) -> None:
    assert history.parse_count(text) == value


@pytest.mark.parametrize("text", ["", "1,00", "12,3456", ",100", "1.000", "-1", "1 000", "abc"])
def test_bad_numbers(text: str, raw_round: RawRound) -> None:
    with pytest.raises(ValueError, match="is not a whole number"):
        history.parse_count(text)
    with pytest.raises(HistoryError, match=r"^round 434: drawSize: .* is not a whole number"):
        parse_round(raw_round("434", drawSize=text))
    with pytest.raises(HistoryError, match=r"^round 434: dd7: .* is not a whole number"):
        parse_round(raw_round("434", dd7=text))


def test_numbers_with_commas_in_the_shipped_file() -> None:
    r = one("434")
    assert (r.invitations, r.crs_cutoff) == (300, 470)
    assert r.distribution is not None
    assert r.distribution["501-600"] == 19705
    assert r.distribution["total"] == 229100
    assert one("176").invitations == 27332  # "27,332", the largest round (CEC, CRS 75)
    assert one("176").crs_cutoff == 75
    assert one("430").invitations == 4  # Skilled Military Recruits


# --- round numbers -------------------------------------------------------------------------------


def test_round_91_is_two_rounds() -> None:
    shipped = history.load_shipped()
    assert len(shipped) == 435
    assert len({r.number for r in shipped}) == 434
    a, b = history.get("91", history=shipped)
    assert (a.draw_number, a.number, a.program, a.invitations, a.crs_cutoff) == (
        "91a",
        91,
        "fst",
        500,
        288,
    )
    assert (b.draw_number, b.number, b.program, b.invitations, b.crs_cutoff) == (
        "91b",
        91,
        "pnp",
        200,
        902,
    )
    assert history.get("91b", history=shipped) == [b]
    assert history.get("#91A", history=shipped) == [a]
    assert history.get(91, history=shipped) == [a, b]


def test_duplicate_round_numbers_are_refused(doc: dict[str, Any]) -> None:
    doc["rounds"].append(dict(doc["rounds"][0]))
    with pytest.raises(HistoryError, match=r"round 434: drawNumber: appears twice"):
        parse_ircc(doc)


# --- distributions -------------------------------------------------------------------------------


def test_no_distribution_before_2022_01_19() -> None:
    shipped = history.load_shipped()
    without = {r.number for r in shipped if r.distribution is None}
    assert without == set(range(1, 214)) | {223, 224, 226, 227}
    assert sum(1 for r in shipped if r.distribution is None) == 218
    assert sum(1 for r in shipped if r.distribution is not None) == 217
    for r in shipped:
        if r.distribution is None:
            assert r.distribution_date is None
            assert "no distribution published (all dd fields 0)" in r.notes
        else:
            assert r.distribution_date is not None and r.distribution_date <= r.date
    assert min(r.date for r in shipped if r.distribution) == dt.date(2022, 1, 19)
    assert len({r.distribution_date for r in shipped if r.distribution}) == 122


def test_distribution_rows_in_canada_ca_order() -> None:
    r = one("434")
    assert r.distribution is not None
    assert list(r.distribution) == [label for label, _, _ in BANDS] + ["total"]
    assert r.distribution_date == dt.date(2026, 8, 3)
    totals = [r.distribution["total"] for r in history.load_shipped() if r.distribution]
    assert (min(totals), max(totals)) == (195895, 257557)


def test_distribution_arithmetic_error_247_is_flagged() -> None:
    r = one("247")
    assert r.distribution is not None
    assert r.distribution["451-500"] == 55867
    assert "451-500 subranges sum 55687 != 55867" in r.notes
    flagged = [r.draw_number for r in history.load_shipped() if any(" sum " in n for n in r.notes)]
    assert flagged == ["247"]


def test_shared_snapshots_are_flagged() -> None:
    """#219/#220, #251/#252 and #386 vs #387/#388: one snapshot under two dates."""
    notes = {
        r.draw_number: n
        for r in history.load_shipped()
        for n in r.notes
        if n.startswith("distribution identical")
    }
    assert set(notes) == {"219", "220", "251", "252", "386", "387", "388"}
    assert "round(s) 387, 388 published" in notes["386"]


def test_stale_snapshots_are_flagged() -> None:
    stale = {
        r.draw_number
        for r in history.load_shipped()
        if any(n.endswith("days older than the round") for n in r.notes)
    }
    assert stale == {"298", "409", "416"}


def test_distribution_subtotals_are_checked(raw_round: RawRound) -> None:
    r = parse_round(raw_round("434", dd18="229,101"))
    assert "distribution bands sum 229100 != total 229101" in r.notes
    r = parse_round(raw_round("434", dd10="13,596"))
    assert "401-450 subranges sum 60906 != 60905" in r.notes


def test_distribution_dated_after_the_round(raw_round: RawRound) -> None:
    """Like #226 in the 2024 copy of the file ("July 11, 2022" for a round of July 6)."""
    r = parse_round(raw_round("434", drawDistributionAsOn="August 9, 2026"))
    assert "distribution dated 2026-08-09, after the round" in r.notes


def test_bad_distribution_date(raw_round: RawRound) -> None:
    with pytest.raises(HistoryError, match=r"round 434: drawDistributionAsOn: 'soon'"):
        parse_round(raw_round("434", drawDistributionAsOn="soon"))


# --- round names ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", NAMES, ids=lambda c: c["name"])
def test_round_names(case: dict[str, Any]) -> None:
    kind, program, category, version, notes = history.parse_round_name(case["name"])
    assert (kind, program, category, version) == (
        case["type"],
        case.get("program"),
        case.get("category"),
        case.get("version"),
    )
    if "note" in case:
        assert any(case["note"] in n for n in notes)


@pytest.mark.parametrize(
    ("number", "old_name"),
    [
        # the names in IRCC's file of 2024-04-06 (heinthetaung-dev/express-entry-data, 889df13)
        ("284", "Healthcare occupations (2023-1)"),
        ("285", "Agriculture and agri-food occupations (2023-1)"),
        ("287", "French language proficiency (2024-1)"),
        ("289", "Transport occupations (2024-1)"),
        ("291", "French language proficiency (2024-1)"),
        ("290", "General"),
    ],
)
def test_renamed_rounds_are_the_same_round(number: str, old_name: str, raw_round: RawRound) -> None:
    today = one(number)
    before = parse_round(raw_round(number, drawName=old_name))
    assert before.name == old_name
    assert (before.round_type, before.category, before.category_version) == (
        today.round_type,
        today.category,
        today.category_version,
    )


def test_every_category_of_the_history_is_a_category_of_the_rules() -> None:
    from expressentry.rules.categories import default_categories

    slugs = set(default_categories().slugs())
    assert set(history.CATEGORY_SLUGS) == slugs
    assert {r.category for r in history.load_shipped() if r.category} <= slugs


@pytest.mark.parametrize("name", ["Lottery", "Express Entry", "", "Family class"])
def test_unknown_round_names_are_refused(name: str, raw_round: RawRound) -> None:
    with pytest.raises(HistoryError, match=r"^round 434: drawName: .* is not a round type known"):
        parse_round(raw_round("434", drawName=name))


def test_eligible_programs() -> None:
    assert one("1").eligible_programs == ("fsw", "cec", "fst", "pnp")
    assert one("434").eligible_programs == ("fsw", "cec", "fst")
    assert one("432").eligible_programs == ("cec",)
    assert history.parse_eligible_programs(
        "Federal Skilled Worker Program, Canadian Experience Class, Federal Skilled Trades "
        "Program and Provincial Nominee Program"
    ) == ("fsw", "cec", "fst", "pnp")
    with pytest.raises(ValueError, match="is not a list of Express Entry programs"):
        history.parse_eligible_programs("Canadian Experience Class and Family Class")


# --- strict on everything else -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"drawNumber": "x1"}, r"^round at position 1: drawNumber: 'x1' is not a round number"),
        ({"drawNumber": "0"}, r"^round at position 1: drawNumber: '0' is not a round number"),
        ({"drawDate": "2026/08/07"}, r"^round 434: drawDate: '2026/08/07' is not a date"),
        ({"drawDateFull": "someday"}, r"^round 434: drawDateFull: 'someday'"),
        ({"drawCRS": "1,500"}, r"^round 434: drawCRS: 1500 is not a CRS score"),
        ({"drawCRS": "high"}, r"^round 434: drawCRS: 'high' is not a whole number"),
        ({"drawDateTime": "tomorrow"}, r"^round 434: drawDateTime: 'tomorrow'"),
        ({"drawCutOff": "August 1, 2026"}, r"^round 434: drawCutOff: .* has no time of day"),
        ({"drawText2": "Family class"}, r"^round 434: drawText2: 'Family class'"),
        ({"drawSize": None}, r"^round 434: drawSize: None is not a string"),
        ({"drawSize": ["300"]}, r"^round 434: drawSize: \['300'\] is not a string"),
    ],
)
def test_bad_values_name_the_round_and_field(
    fields: dict[str, Any], message: str, raw_round: RawRound
) -> None:
    with pytest.raises(HistoryError, match=message):
        parse_ircc({"rounds": [raw_round("434", **fields)]})


@pytest.mark.parametrize("key", ["drawNumber", "drawSize", "drawCRS", "dd5", "dd18", "drawCutOff"])
def test_missing_fields(key: str, raw_round: RawRound) -> None:
    raw = raw_round("434")
    del raw[key]
    where = "round at position 1" if key == "drawNumber" else "round 434"
    with pytest.raises(HistoryError, match=f"^{where}: {key}: missing"):
        parse_ircc({"rounds": [raw]})


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{not json", r"^not JSON \(.* at line 1, column 2\)"),
        ("", r"^not JSON"),
        ("[1, 2]", r"^not IRCC's rounds file: .* got a list"),
        ('{"classes": "wb-tables"}', r"^not IRCC's rounds file: .* without a 'rounds' list"),
        ('{"rounds": {}}', r"^not IRCC's rounds file"),
        ('{"rounds": []}', r"^not IRCC's rounds file: the 'rounds' list is empty"),
        ('{"rounds": ["434"]}', r"^round at position 1: not an object but a string"),
    ],
)
def test_not_ircc_files(source: str, message: str) -> None:
    with pytest.raises(HistoryError, match=message):
        parse_ircc(source)


def test_text_bytes_and_mapping_give_the_same_rounds(doc: dict[str, Any]) -> None:
    text = json.dumps(doc)
    from_text = parse_ircc(text)
    assert parse_ircc(text.encode()) == from_text
    assert parse_ircc(b"\xef\xbb\xbf" + text.encode()) == from_text  # with a byte-order mark
    assert parse_ircc(doc) == from_text
    # IRCC's own layout: one compact object per line, tabs
    compact = '{"classes": "wb-tables", "rounds": [\n' + ",\n".join(
        "\t" + json.dumps(r) for r in doc["rounds"]
    )
    assert parse_ircc(compact + "\n]}") == from_text


def test_rounds_are_oldest_first(doc: dict[str, Any]) -> None:
    parsed = parse_ircc(doc)
    assert [r.draw_number for r in parsed[:3]] == ["1", "2", "3"]
    assert parsed[-1].draw_number == "434"
    keys = [(r.date, r.number) for r in parsed]
    assert keys == sorted(keys)


def test_round_record_is_frozen_hashable_and_json_ready() -> None:
    r = one("434")
    with pytest.raises(AttributeError):
        r.invitations = 1  # type: ignore[misc]
    assert len({r, one("434"), one("433")}) == 2
    document = r.document()
    assert json.loads(json.dumps(document)) == document
    assert document["tie_break"] == "2025-10-11T14:55:49Z"
    assert document["held_at"] == "2026-08-07T10:08:20Z"
    assert document["rank_needed"] == document["invitations"] == 300
    assert (r.round_type, r.category, r.category_version) == ("category", "transport", "2026-2")
    assert r.label == "category: transport (v2026-2)"
    assert one("1").document()["tie_break"] is None
