"""The categories report: invitations by year, and by category, program and round type.

From IRCC's history it reproduces the published totals (110,266 invitations in 2023, 98,903 in
2024) and the invitations per category, counted round by round.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from expressentry.reports.common import cutoff_chart, series_label, share, table
from expressentry.reports.model import Chart, Paragraph, Report, Section, Series
from expressentry.reports.rounds import period_text
from expressentry.reports.sources import PROGRAM_ORDER, ROUND_TYPES, RoundRecord, category_name

if TYPE_CHECKING:
    from expressentry.reports.sources import Source
    from expressentry.reports.strings import Strings
    from expressentry.rules.categories import CategoryBook


def _group(records: Sequence[RoundRecord], key: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for r in records:
        value = getattr(r, key)
        if value is None:
            continue
        g = out.setdefault(
            value, {"rounds": 0, "invitations": 0, "crs_low": None, "crs_high": None}
        )
        g["rounds"] += 1
        g["invitations"] += r.invitations
        if r.crs_cutoff is not None and r.invitations:
            low, high = g["crs_low"], g["crs_high"]
            g["crs_low"] = r.crs_cutoff if low is None else min(low, r.crs_cutoff)
            g["crs_high"] = r.crs_cutoff if high is None else max(high, r.crs_cutoff)
        g.setdefault("first", r.date.isoformat())
        g["last"] = r.date.isoformat()
    return out


def summarize(records: Sequence[RoundRecord], invited_programs: dict[str, int] | None) -> dict:
    """A year's figures: totals, and by round type, program (program rounds) and category."""
    by_type = _group(records, "round_type")
    total = sum(r.invitations for r in records)
    return {
        "rounds": len(records),
        "invitations": total,
        "round_type": {
            k: {
                "rounds": by_type.get(k, {}).get("rounds", 0),
                "invitations": by_type.get(k, {}).get("invitations", 0),
            }
            for k in ROUND_TYPES
        },
        "program": {
            k: {"rounds": v["rounds"], "invitations": v["invitations"]}
            for k, v in sorted(
                _group(records, "program").items(), key=lambda kv: PROGRAM_ORDER.index(kv[0])
            )
        },
        "category": dict(sorted(_group(records, "category").items())),
        "invited_program": invited_programs,
    }


def _tidy(year: int, summary: dict, s: Strings, book: CategoryBook) -> list[dict[str, Any]]:
    total = summary["invitations"]
    rows = [
        {
            "year": year,
            "dimension": "total",
            "key": "total",
            "label": s("common.total"),
            "rounds": summary["rounds"],
            "invitations": total,
            "share_of_year": 1.0 if total else None,
        }
    ]

    def add(dimension: str, key: str, label: str, rounds: int | None, invitations: int) -> None:
        rows.append(
            {
                "year": year,
                "dimension": dimension,
                "key": key,
                "label": label,
                "rounds": rounds,
                "invitations": invitations,
                "share_of_year": round(invitations / total, 6) if total else None,
            }
        )

    for k, v in summary["round_type"].items():
        add("round_type", k, s.round_type(k), v["rounds"], v["invitations"])
    for k, v in summary["program"].items():
        add("program", k, s.program(k), v["rounds"], v["invitations"])
    for k, v in summary["category"].items():
        add("category", k, category_name(k, book), v["rounds"], v["invitations"])
    for k, n in (summary["invited_program"] or {}).items():
        add("invited_program", k, s.program(k), None, n)
    return rows


CSV_COLUMNS = ["year", "dimension", "key", "label", "rounds", "invitations", "share_of_year"]


def _year_sections(
    year: int, summary: dict, records: Sequence[RoundRecord], s: Strings, book: CategoryBook
) -> list[Section]:
    total = summary["invitations"]
    cat_total = summary["round_type"]["category"]["invitations"]
    sections = []
    sections.append(
        Section("round_type", s("categories.section.round_type")).add(
            Paragraph(
                s(
                    "categories.summary.year",
                    invitations=s.int(total),
                    year=year,
                    rounds=s.int(summary["rounds"]),
                    category=s.int(cat_total),
                    share=s.pct(cat_total, total),
                )
            ),
            table(
                "by_round_type",
                None,
                [
                    ("label", s("col.round_type"), "text"),
                    ("rounds", s("col.rounds"), "int"),
                    ("invitations", s("col.invitations"), "int"),
                    ("share", s("col.share_all"), "share"),
                ],
                (
                    {
                        "label": s.round_type(k),
                        "rounds": v["rounds"],
                        "invitations": v["invitations"],
                        "share": share(v["invitations"], total),
                    }
                    for k, v in summary["round_type"].items()
                ),
                s,
                total={
                    "label": s("common.total"),
                    "rounds": summary["rounds"],
                    "invitations": total,
                    "share": 1.0 if total else None,
                },
            ),
        )
    )
    programs = summary["program"]
    if programs:
        sections.append(
            Section("program", s("categories.section.program")).add(
                table(
                    "by_program",
                    None,
                    [
                        ("label", s("col.program"), "text"),
                        ("rounds", s("col.rounds"), "int"),
                        ("invitations", s("col.invitations"), "int"),
                        ("share", s("col.share_all"), "share"),
                    ],
                    (
                        {
                            "label": s.program(k),
                            "rounds": v["rounds"],
                            "invitations": v["invitations"],
                            "share": share(v["invitations"], total),
                        }
                        for k, v in programs.items()
                    ),
                    s,
                )
            )
        )
    invited = summary["invited_program"]
    if invited is not None and sum(invited.values()):
        sections.append(
            Section("invited_program", s("categories.section.invited_program")).add(
                table(
                    "by_invited_program",
                    None,
                    [
                        ("label", s("col.program"), "text"),
                        ("invitations", s("col.invitations"), "int"),
                        ("share", s("col.share_all"), "share"),
                    ],
                    (
                        {
                            "label": s.program(k),
                            "invitations": n,
                            "share": share(n, sum(invited.values())),
                        }
                        for k, n in invited.items()
                    ),
                    s,
                    note=s("categories.section.invited_program.note"),
                )
            )
        )
    cats = summary["category"]
    section = Section("category", s("categories.section.category"))
    if cats:
        section.add(
            table(
                "by_category",
                None,
                [
                    ("label", s("col.category"), "text"),
                    ("rounds", s("col.rounds"), "int"),
                    ("invitations", s("col.invitations"), "int"),
                    ("share_category", s("col.share_category"), "share"),
                    ("share_all", s("col.share_all"), "share"),
                    ("cutoffs", s("col.cutoff_range"), "text"),
                ],
                (
                    {
                        "label": category_name(k, book),
                        "rounds": v["rounds"],
                        "invitations": v["invitations"],
                        "share_category": share(v["invitations"], cat_total),
                        "share_all": share(v["invitations"], total),
                        "cutoffs": _range(v, s),
                    }
                    for k, v in cats.items()
                ),
                s,
                total={
                    "label": s("common.total"),
                    "rounds": sum(v["rounds"] for v in cats.values()),
                    "invitations": cat_total,
                    "share_category": 1.0 if cat_total else None,
                    "share_all": share(cat_total, total),
                },
                note=s("categories.section.category.note"),
            ),
            Chart(
                id="category_invitations",
                title=s("categories.section.category"),
                kind="hbar",
                categories=[category_name(k, book) for k in cats],
                series=[
                    Series(
                        s("common.invitations"),
                        [category_name(k, book) for k in cats],
                        [v["invitations"] for v in cats.values()],
                        key="invitations",
                    )
                ],
                x_label=s("common.invitations"),
                description=s("categories.section.category"),
            ),
        )
        chart = cutoff_chart(
            "category_cutoffs",
            s("categories.section.cutoffs"),
            [r for r in records if r.round_type == "category"],
            s,
            book,
        )
        section.add(chart)
    else:
        section.add(Paragraph(s("categories.section.category.none", period=year), muted=True))
    sections.append(section)
    return sections


def _range(v: dict[str, Any], s: Strings) -> str:
    low, high = v.get("crs_low"), v.get("crs_high")
    if low is None:
        return "—"
    return s.int(low) if low == high else f"{s.int(low)}–{s.int(high)}"


def _all_years_sections(
    summaries: dict[int, dict], records: Sequence[RoundRecord], s: Strings, book: CategoryBook
) -> list[Section]:
    years = sorted(summaries)
    per_year = table(
        "by_year",
        None,
        [
            ("year", s("common.year"), "text"),
            ("rounds", s("col.rounds"), "int"),
            ("invitations", s("col.invitations"), "int"),
            ("general", s("col.general"), "int"),
            ("program", s("col.program_rounds"), "int"),
            ("category", s("col.category_rounds"), "int"),
            ("category_share", s("col.category_share"), "share"),
        ],
        (
            {
                "year": str(y),
                "rounds": summaries[y]["rounds"],
                "invitations": summaries[y]["invitations"],
                **{k: summaries[y]["round_type"][k]["invitations"] for k in ROUND_TYPES},
                "category_share": share(
                    summaries[y]["round_type"]["category"]["invitations"],
                    summaries[y]["invitations"],
                ),
            }
            for y in years
        ),
        s,
        total={
            "year": s("common.total"),
            "rounds": sum(v["rounds"] for v in summaries.values()),
            "invitations": sum(v["invitations"] for v in summaries.values()),
            **{
                k: sum(v["round_type"][k]["invitations"] for v in summaries.values())
                for k in ROUND_TYPES
            },
            "category_share": share(
                sum(v["round_type"]["category"]["invitations"] for v in summaries.values()),
                sum(v["invitations"] for v in summaries.values()),
            ),
        },
    )
    type_chart = Chart(
        id="round_type_years",
        title=s("categories.section.years"),
        kind="stacked",
        categories=[str(y) for y in years],
        series=[
            Series(
                s.round_type(k),
                [str(y) for y in years],
                [summaries[y]["round_type"][k]["invitations"] for y in years],
                key={"general": "general", "program": "program", "category": "category"}[k],
            )
            for k in ROUND_TYPES
        ],
        y_label=s("common.invitations"),
        description=s("categories.section.years"),
    )
    sections = [Section("years", s("categories.section.years")).add(per_year, type_chart)]
    cat_years = [y for y in years if summaries[y]["category"]]
    slugs = sorted({k for y in cat_years for k in summaries[y]["category"]})
    if cat_years:
        cat_table = table(
            "category_by_year",
            None,
            [
                ("label", s("col.category"), "text"),
                *((str(y), str(y), "int") for y in cat_years),
                ("total", s("common.total"), "int"),
            ],
            (
                {
                    "label": category_name(k, book),
                    **{
                        str(y): summaries[y]["category"].get(k, {}).get("invitations")
                        for y in cat_years
                    },
                    "total": sum(
                        summaries[y]["category"].get(k, {}).get("invitations", 0) for y in cat_years
                    ),
                }
                for k in slugs
            ),
            s,
            total={
                "label": s("common.total"),
                **{
                    str(y): summaries[y]["round_type"]["category"]["invitations"] for y in cat_years
                },
                "total": sum(summaries[y]["round_type"]["category"]["invitations"] for y in years),
            },
            note=s("categories.section.category.note"),
        )
        cat_chart = Chart(
            id="category_years",
            title=s("categories.section.category_years"),
            kind="stacked",
            categories=[str(y) for y in cat_years],
            series=[
                Series(
                    category_name(k, book),
                    [str(y) for y in cat_years],
                    [summaries[y]["category"].get(k, {}).get("invitations", 0) for y in cat_years],
                    key=k,
                )
                for k in slugs
            ],
            y_label=s("common.invitations"),
            description=s("categories.section.category_years"),
        )
        sections.append(
            Section("category_years", s("categories.section.category_years")).add(
                cat_table, cat_chart
            )
        )
    programs = [p for p in PROGRAM_ORDER if any(p in summaries[y]["program"] for y in years)]
    if programs:
        sections.append(
            Section("program_years", s("categories.section.program_years")).add(
                table(
                    "program_by_year",
                    None,
                    [
                        ("year", s("common.year"), "text"),
                        *((p, s(f"program.short.{p}"), "int") for p in programs),
                    ],
                    (
                        {
                            "year": str(y),
                            **{
                                p: summaries[y]["program"].get(p, {}).get("invitations")
                                for p in programs
                            },
                        }
                        for y in years
                    ),
                    s,
                )
            )
        )
    chart = cutoff_chart(
        "category_cutoffs",
        s("categories.section.cutoffs"),
        [r for r in records if r.round_type == "category"],
        s,
        book,
    )
    if chart is not None:
        sections.append(Section("cutoffs", s("categories.section.cutoffs")).add(chart))
    return sections


def build(
    source: Source,
    year: int | None,
    s: Strings,
    book: CategoryBook,
    generated_at: dt.datetime,
) -> Report:
    records = source.records(year)
    period = period_text(year, source, s)
    years = [year] if year is not None else sorted({r.year for r in records})
    summaries = {
        y: summarize([r for r in records if r.year == y], source.invited_programs(y)) for y in years
    }
    csv_rows = [row for y in years for row in _tidy(y, summaries[y], s, book)]
    report = Report(
        kind="categories",
        title=s("categories.title", period=period),
        subtitle=None,
        year=year,
        source=source.kind,
        source_text=source.text(s),
        generated_at=generated_at,
        lang=s.lang,
        sections=[],
        data={"years": {str(y): summaries[y] for y in years}},
        csv_columns=CSV_COLUMNS,
        csv_rows=csv_rows,
    )
    if not records:
        first, last = source.span()
        report.empty = True
        report.empty_message = s(
            f"categories.empty.{source.kind}", period=period, first=first, last=last
        )
        report.data = {"years": {}}
        report.csv_rows = []
        report.sections.append(
            Section("empty", s("categories.section.round_type")).add(
                Paragraph(s("common.empty", message=report.empty_message))
            )
        )
        return report
    if year is not None:
        report.sections.extend(_year_sections(year, summaries[year], records, s, book))
    else:
        report.sections.extend(_all_years_sections(summaries, records, s, book))
    return report


__all__ = ["build", "series_label", "summarize"]
