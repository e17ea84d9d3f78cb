"""Issue 14: an import goes on past any bad line. Overflowing dates, infinities, NaN, huge
numbers, bad ids and impossible submission times are each reported by line number with a
reason naming the field; every good line is imported; the audit events say which lines and
profiles each batch wrote and which lines it reported. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

AS_OF = dt.date(2026, 11, 1)


def synth_lines(count: int, as_of: dt.date, seed: int) -> list[str]:
    from expressentry.simulation import synth

    return list(synth.jsonl(count, as_of, seed))


#: (how to break a good line, the field the report must name)
BREAKS = [
    (lambda d: d["work_history"].append(dict(d["work_history"][0], end="9999-12-31")) if d.get(
        "work_history") else d.update(work_history=[{"noc": "21231", "country": "CA",
        "start": "2020-01-01", "end": "9999-12-31", "hours_per_week": 40}]), "work_history["),
    (lambda d: d.update(submitted_at="9999-12-31T23:59:59Z"), "submitted_at"),
    (lambda d: d.update(submitted_at="2014-06-01T00:00:00Z"), "submitted_at"),
    (lambda d: d.update(submitted_at="0001-01-01T00:00:00Z"), "submitted_at"),
    (lambda d: d.update(profile_id=d["profile_id"] + "\u202e"), "profile_id"),
    (lambda d: d.update(profile_id="two words"), "profile_id"),
]  # fmt: skip


def _lines(count: int, every: int) -> tuple[list[str], dict[int, str]]:
    lines = synth_lines(count, AS_OF, seed=21)
    bad: dict[int, str] = {}
    for n, i in enumerate(range(every // 2, len(lines), every)):
        doc = json.loads(lines[i])
        kind = n % (len(BREAKS) + 2)
        if kind < len(BREAKS):
            breaker, field = BREAKS[kind]
            breaker(doc)
            lines[i] = json.dumps(doc)
        else:  # JSON has no infinity, but 1e400 reads as one; NaN is no number
            doc.pop("settlement_funds_cad", None)
            raw = "1e400" if kind == len(BREAKS) else "NaN"
            lines[i] = json.dumps(doc)[:-1] + f', "settlement_funds_cad": {raw}}}'
            field = "settlement_funds_cad"
        bad[i + 1] = field
    return lines, bad


def test_an_import_reports_every_bad_line_and_imports_every_good_one(pool, engine, audit) -> None:
    lines, bad = _lines(1200, every=37)
    report = pool.import_lines(lines, as_of=AS_OF, batch=250, workers=1, source="pool.jsonl")
    reported = dict(report.problems)
    assert set(bad) <= set(reported)
    for number, field in bad.items():
        assert reported[number].startswith(field) or f" {field}" in reported[number], (
            number,
            reported[number],
        )
        assert "finite" in reported[number] or field != "settlement_funds_cad"
    refused = {n for n, r in report.problems if r.startswith("not eligible")}
    assert set(reported) - refused == set(bad)  # nothing else went wrong
    assert report.imported == len(lines) - len(reported)
    events = audit(engine, "pool", kind="pool.imported")
    assert sum(e["after"]["profiles"] for e in events) == report.imported
    assert sum(e["after"]["lines_reported"] for e in events) == len(reported)
    written = [pid for e in events for pid in e["after"]["profile_ids"]]
    assert len(written) == report.imported == len(set(written))
    assert {e["after"]["source"] for e in events} == {"pool.jsonl"}
    first = events[0]["after"]
    assert first["lines"][0] == 1 and all(isinstance(n, int) for n, _ in first["reported"])
    assert [n for e in events for n, _ in e["after"]["reported"]] == sorted(reported)


def test_in_worker_processes_too(pool) -> None:
    lines, bad = _lines(800, every=23)
    report = pool.import_lines(lines, as_of=AS_OF, workers=2)
    reported = dict(report.problems)
    assert set(bad) <= set(reported)
    assert report.imported == len(lines) - len(reported)


def test_a_profile_that_cannot_be_assessed_is_reported_and_the_rest_imported(
    pool, monkeypatch
) -> None:
    """Should a rule ever fail on a profile the model accepts, its line alone is reported."""
    import expressentry.pool.importer as importer

    lines = synth_lines(300, AS_OF, seed=5)
    poisoned = json.loads(lines[150])["profile_id"]
    original = importer.assess_many

    def assess_many(profiles, *args, **kwargs):
        if any(p.profile_id == poisoned for p in profiles):
            raise OverflowError("date value out of range")
        return original(profiles, *args, **kwargs)

    monkeypatch.setattr(importer, "assess_many", assess_many)
    report = pool.import_lines(lines, as_of=AS_OF, workers=1)
    reported = dict(report.problems)
    assert reported[151] == "(profile): cannot be assessed: date value out of range"
    assert report.imported == len(lines) - len(reported)
