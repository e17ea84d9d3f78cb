"""The rounds report: every round of a year as canada.ca publishes it, with the pool's
distribution and a chart of the lowest score invited."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from expressentry.reports.common import cutoff_chart, table
from expressentry.reports.model import Paragraph, Report, Section
from expressentry.rounds.bands import BANDS

if TYPE_CHECKING:
    from expressentry.reports.sources import RoundRecord, Source
    from expressentry.reports.strings import Strings
    from expressentry.rules.categories import CategoryBook

#: the ranges that partition the pool (IRCC's broad rows)
BROAD_BANDS = ("601-1200", "501-600", "451-500", "401-450", "351-400", "301-350", "0-300")
DISTRIBUTION_KEYS = (*(label for label, _, _ in BANDS), "total")


def band_column(label: str) -> str:
    """``601-1200`` as a CSV column name: ``dist_601_1200``."""
    return "dist_" + label.replace("-", "_")


def period_text(year: int | None, source: Source, s: Strings) -> str:
    if year is not None:
        return str(year)
    first, last = source.span()
    return f"{first}–{last}" if first != last else first


def csv_rows(records: list[RoundRecord], system: bool) -> tuple[list[str], list[dict[str, Any]]]:
    """One row per round with every published value, the ten-point ranges included."""
    columns = [
        "number",
        "date",
        "held_at",
        "round_type",
        "program",
        "category",
        "category_version",
        "name",
        "invitations",
        "crs_cutoff",
        "tie_break",
        "rank_needed",
        "distribution_date",
        *(band_column(k) for k in DISTRIBUTION_KEYS),
    ]
    if system:
        columns += ["size", "pool_size", "eligible"]
    rows = []
    for r in records:
        doc = r.document()
        row = {k: doc.get(k) for k in columns[:13]}
        for k in DISTRIBUTION_KEYS:
            row[band_column(k)] = r.distribution.get(k) if r.distribution else None
        if system:
            row.update(size=r.size, pool_size=r.pool_size, eligible=r.eligible)
        rows.append(row)
    return columns, rows


def records_table(records: list[RoundRecord], s: Strings, id: str = "rounds") -> Any:
    return table(
        id,
        None,
        [
            ("number", s("col.number"), "text"),
            ("held_at", s("col.held_at"), "datetime"),
            ("name", s("col.round_type"), "text"),
            ("invitations", s("col.invitations"), "int"),
            ("crs_cutoff", s("col.crs_cutoff"), "int"),
            ("tie_break", s("col.tie_break"), "datetime"),
            ("rank_needed", s("col.rank_needed"), "int"),
        ],
        (
            {
                "number": r.number,
                "held_at": r.held_at,
                "name": r.name,
                "invitations": r.invitations,
                "crs_cutoff": r.crs_cutoff,
                "tie_break": r.tie_break,
                "rank_needed": r.rank_needed,
            }
            for r in records
        ),
        s,
        note=s("rounds.section.records.note"),
    )


def distribution_table(records: list[RoundRecord], s: Strings) -> Any:
    shown = [r for r in records if r.distribution]
    return table(
        "distribution",
        None,
        [
            ("number", s("col.number"), "text"),
            ("distribution_date", s("col.distribution_date"), "date"),
            *((b, b, "int") for b in BROAD_BANDS),
            ("total", s("common.total"), "int"),
        ],
        (
            {
                "number": r.number,
                "distribution_date": r.distribution_date,
                **{b: r.distribution.get(b) for b in (*BROAD_BANDS, "total")},  # type: ignore[union-attr]
            }
            for r in shown
        ),
        s,
        note=s("rounds.section.distribution.note"),
        compact=True,
    )


def build(
    source: Source,
    year: int | None,
    s: Strings,
    book: CategoryBook,
    generated_at: dt.datetime,
) -> Report:
    records = source.records(year)
    period = period_text(year, source, s)
    system = source.kind == "system"
    columns, rows = csv_rows(records, system)
    totals = {
        k: sum(r.invitations for r in records if r.round_type == k)
        for k in ("general", "program", "category")
    }
    total = sum(r.invitations for r in records)
    report = Report(
        kind="rounds",
        title=s("rounds.title", period=period),
        subtitle=s(f"rounds.subtitle.{source.kind}"),
        year=year,
        source=source.kind,
        source_text=source.text(s),
        generated_at=generated_at,
        lang=s.lang,
        sections=[],
        data={
            "summary": {
                "rounds": len(records),
                "invitations": total,
                "by_round_type": totals,
            },
            "rounds": [r.document() for r in records],
        },
        csv_columns=columns,
        csv_rows=rows,
    )
    if not records:
        first, last = source.span()
        report.empty = True
        report.empty_message = s(
            f"rounds.empty.{source.kind}", period=period, first=first, last=last
        )
        report.sections.append(
            Section("empty", s("rounds.section.records")).add(
                Paragraph(s("common.empty", message=report.empty_message))
            )
        )
        return report
    summary = s(
        "rounds.summary",
        rounds=s.int(len(records)),
        period=period,
        invitations=s.int(total),
        general=s.int(totals["general"]),
        program=s.int(totals["program"]),
        category=s.int(totals["category"]),
    )
    report.sections.append(
        Section("records", s("rounds.section.records")).add(
            Paragraph(summary), records_table(records, s)
        )
    )
    chart = cutoff_chart("cutoffs", s("rounds.section.cutoffs"), records, s, book)
    if chart is not None:
        report.sections.append(Section("cutoffs", s("rounds.section.cutoffs")).add(chart))
    dist = Section("distribution", s("rounds.section.distribution"))
    if any(r.distribution for r in records):
        dist.add(distribution_table(records, s))
    else:
        dist.add(Paragraph(s("rounds.section.distribution.none"), muted=True))
    report.sections.append(dist)
    return report
