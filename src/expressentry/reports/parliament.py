"""The annual report to Parliament on category-based selection (IRPA s. 10.3(1)(h.1)-(h.2)).

For a year: the categories in force (from the category data files), the economic goal and the
reasons for each, the Ministerial Instructions (dates, criteria in words, occupation lists in
annexes), the invitations issued per category (IRCC's history for real years, or this system's
rounds) and the consultation notes recorded with the categories.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from expressentry.reports.common import cutoff_chart, share, table
from expressentry.reports.model import (
    Bullets,
    Chart,
    Facts,
    Link,
    Paragraph,
    Report,
    Section,
    Series,
)

if TYPE_CHECKING:
    from expressentry.reports.sources import RoundRecord, Source
    from expressentry.reports.strings import Strings
    from expressentry.rules.categories import CategoryBook, CategoryVersion

CSV_COLUMNS = [
    "year",
    "category",
    "name",
    "versions",
    "rounds",
    "invitations",
    "share_of_category_invitations",
    "share_of_all_invitations",
    "lowest_crs_min",
    "lowest_crs_max",
]


def versions_in_year(book: CategoryBook, year: int) -> list[CategoryVersion]:
    """Every category version in force at some time in the year, in the book's order."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return [
        v
        for v in book
        if v.effective_from <= end and (v.effective_to is None or v.effective_to >= start)
    ]


def _version_title(v: CategoryVersion) -> str:
    return f"{v.official_name} ({v.year})"


def _criteria(v: CategoryVersion) -> list[str]:
    from expressentry.eligibility.categories import describe

    return [describe(c)[:1].upper() + describe(c)[1:] for c in v.criteria]


def _version_doc(v: CategoryVersion, year: int, annex: str | None) -> dict[str, Any]:
    return {
        "slug": v.slug,
        "year": v.year,
        "official_name": v.official_name,
        "effective_from": v.effective_from.isoformat(),
        "effective_to": v.effective_to.isoformat() if v.effective_to else None,
        "instruction_label": v.instruction_label,
        "established_in_year": v.effective_from.year == year,
        "priority": v.priority,
        "economic_goal": v.economic_goal,
        "selection_rationale": v.selection_rationale,
        "consultation_notes": v.consultation_notes,
        "criteria": _criteria(v),
        "reference": {
            "title": v.reference.title,
            "href": v.reference.href,
            "citation": v.reference.citation,
        },
        "occupations": [{"noc": o.code, "title": o.title, "teer": o.teer} for o in v.occupations()],
        "annex": annex,
        "notes": list(v.notes),
        "confidence": v.confidence,
    }


def _invitations(
    records: list[RoundRecord], slugs: list[str], total: int
) -> dict[str, dict[str, Any]]:
    category_total = sum(r.invitations for r in records)
    out: dict[str, dict[str, Any]] = {}
    for slug in [*slugs, *sorted({r.category for r in records if r.category} - set(slugs))]:
        mine = [r for r in records if r.category == slug]
        cutoffs = [r.crs_cutoff for r in mine if r.crs_cutoff is not None and r.invitations]
        invitations = sum(r.invitations for r in mine)
        out[slug] = {
            "rounds": len(mine),
            "invitations": invitations,
            "versions": sorted({r.category_version for r in mine if r.category_version}),
            "lowest_crs_min": min(cutoffs) if cutoffs else None,
            "lowest_crs_max": max(cutoffs) if cutoffs else None,
            "share_of_category_invitations": share(invitations, category_total),
            "share_of_all_invitations": share(invitations, total),
        }
    return out


def build(
    source: Source,
    year: int,
    s: Strings,
    book: CategoryBook,
    generated_at: dt.datetime,
) -> Report:
    versions = versions_in_year(book, year)
    records = source.records(year)
    category_records = [r for r in records if r.round_type == "category"]
    total = sum(r.invitations for r in records)
    category_total = sum(r.invitations for r in category_records)
    slugs = list(dict.fromkeys(v.slug for v in versions))
    names = {v.slug: v.official_name for v in versions}
    from expressentry.reports.sources import category_name

    for r in category_records:
        if r.category and r.category not in names:
            names[r.category] = category_name(r.category, book)
    with_lists = [v for v in versions if v.occupations()]
    annexes = {id(v): f"A{i}" for i, v in enumerate(with_lists, start=1)}
    by_category = _invitations(category_records, slugs, total)
    categories_text = s("common.source.categories", path="rules/data/categories")
    report = Report(
        kind="parliament",
        title=s("parliament.title", year=year),
        subtitle=s("parliament.subtitle"),
        year=year,
        source=source.kind,
        source_text=f"{categories_text}; {source.text(s)}",
        generated_at=generated_at,
        lang=s.lang,
        sections=[],
        data={
            "categories": [_version_doc(v, year, annexes.get(id(v))) for v in versions],
            "invitations": {
                "total": total,
                "rounds": len(records),
                "category_total": category_total,
                "category_rounds": len(category_records),
                "by_category": by_category,
            },
            "category_rounds": [r.document() for r in category_records],
        },
        csv_columns=CSV_COLUMNS,
        csv_rows=[
            {
                "year": year,
                "category": slug,
                "name": names.get(slug, slug),
                "versions": " ".join(v["versions"]),
                **{k: v[k] for k in CSV_COLUMNS[4:]},
            }
            for slug, v in by_category.items()
        ],
    )
    if not versions:
        first = min((v.effective_from for v in book), default=None)
        report.empty = True
        report.empty_message = s(
            "parliament.empty", year=year, first=first.isoformat() if first else "—"
        )
        report.sections.append(
            Section("empty", s("parliament.section.categories", year=year)).add(
                Paragraph(s("common.empty", message=report.empty_message))
            )
        )
        return report

    # 1. the law
    report.sections.append(
        Section("intro", s("parliament.section.intro")).add(
            Paragraph(s("parliament.intro.law")),
            Paragraph(
                s(
                    "parliament.intro.scope",
                    year=year,
                    categories=categories_text,
                    invitations=source.text(s),
                )
            ),
        )
    )
    # 2. the categories in force
    established = [v for v in versions if v.effective_from.year == year]
    report.sections.append(
        Section("categories", s("parliament.section.categories", year=year)).add(
            Paragraph(
                s(
                    "parliament.categories.summary",
                    count=len(slugs),
                    year=year,
                    established=len(established),
                )
            ),
            table(
                "categories",
                None,
                [
                    ("name", s("col.category"), "text"),
                    ("version", s("col.version_year"), "text"),
                    ("from", s("col.effective_from"), "date"),
                    ("to", s("col.effective_to"), "text"),
                    ("label", s("col.instruction"), "text"),
                    ("priority", s("col.priority"), "text"),
                    ("occupations", s("col.occupations"), "int"),
                    ("established", s("col.established", year=year), "text"),
                ],
                (
                    {
                        "name": v.official_name,
                        "version": str(v.year),
                        "from": v.effective_from,
                        "to": v.effective_to.isoformat()
                        if v.effective_to
                        else s("common.open_ended"),
                        "label": v.instruction_label or "—",
                        "priority": s("common.yes") if v.priority else s("common.no"),
                        "occupations": len(v.occupations()) or None,
                        "established": s("common.yes")
                        if v.effective_from.year == year
                        else s("common.no"),
                    }
                    for v in versions
                ),
                s,
                compact=True,
            ),
        )
    )
    # 3. goals and reasons
    goals = Section("goals", s("parliament.section.goals"))
    if s.lang != "en":  # the goals, reasons and consultations are data written in English
        goals.add(Paragraph(s("parliament.data_language"), muted=True))
    report.sections.append(goals)
    for slug in slugs:
        mine = [v for v in versions if v.slug == slug]
        seen: set[tuple[str, str]] = set()
        sub = Section(f"goal-{slug}", names[slug], level=3)
        for v in mine:
            key = (v.economic_goal, v.selection_rationale)
            if key in seen:
                continue
            seen.add(key)
            label = f" ({v.year})" if len(mine) > 1 else ""
            sub.add(
                Facts(
                    [
                        (s("parliament.goal") + label, v.economic_goal),
                        (s("parliament.rationale") + label, v.selection_rationale),
                    ]
                )
            )
        report.sections.append(sub)
    # 4. the instructions
    report.sections.append(
        Section("instructions", s("parliament.section.instructions"), page_break=True).add(
            Paragraph(s("parliament.instructions.note")),
            Paragraph(s("parliament.instr.common")),
        )
    )
    for v in versions:
        sub = Section(f"instr-{v.slug}-{v.year}", _version_title(v), level=3)
        occupations = v.occupations()
        pairs = [
            (s("parliament.instr.in_force"), v.period()),
            (
                s("parliament.instr.round_name"),
                v.instruction_label or s("parliament.instr.round_name.none"),
            ),
            (
                s("parliament.instr.reference"),
                " — ".join(p for p in (v.reference.title, v.reference.citation) if p),
            ),
            (
                s("parliament.instr.occupations"),
                s(
                    "parliament.instr.occupations.annex",
                    count=len(occupations),
                    annex=annexes[id(v)],
                )
                if occupations
                else s("parliament.instr.occupations.none"),
            ),
        ]
        if v.priority:
            pairs.append((s("parliament.instr.priority"), s("common.yes")))
        sub.add(Facts(pairs))
        if v.reference.href:
            sub.add(Link(v.reference.href, v.reference.href))
        sub.add(Paragraph(s("parliament.instr.criteria") + ":"), Bullets(_criteria(v)))
        if v.confidence in ("M", "L"):
            sub.add(Paragraph(s("parliament.instr.confidence"), muted=True))
        report.sections.append(sub)
    # 5. invitations per category
    inv = Section("invitations", s("parliament.section.invitations", year=year), page_break=True)
    if category_records:
        inv.add(
            Paragraph(
                s(
                    "parliament.invitations.summary",
                    category=s.int(category_total),
                    rounds=s.int(len(category_records)),
                    year=year,
                    share=s.pct(category_total, total),
                    total=s.int(total),
                )
            )
        )
    else:
        inv.add(Paragraph(s("parliament.invitations.none", year=year)))
    inv.add(
        table(
            "invitations_by_category",
            None,
            [
                ("name", s("col.category"), "text"),
                ("versions", s("col.version"), "text"),
                ("rounds", s("col.rounds"), "int"),
                ("invitations", s("col.invitations"), "int"),
                ("cutoffs", s("col.cutoff_range"), "text"),
                ("share_category", s("col.share_category"), "share"),
                ("share_all", s("col.share_all"), "share"),
            ],
            (
                {
                    "name": names.get(slug, slug),
                    "versions": ", ".join(v["versions"]) or "—",
                    "rounds": v["rounds"],
                    "invitations": v["invitations"],
                    "cutoffs": _range(v, s),
                    "share_category": v["share_of_category_invitations"],
                    "share_all": v["share_of_all_invitations"],
                }
                for slug, v in by_category.items()
            ),
            s,
            total={
                "name": s("common.total"),
                "rounds": len(category_records),
                "invitations": category_total,
                "share_category": 1.0 if category_total else None,
                "share_all": share(category_total, total),
            },
            note=s("categories.section.category.note"),
        )
    )
    if category_records:
        shown = {k: v for k, v in by_category.items() if v["rounds"]}
        inv.add(
            Chart(
                id="parliament_invitations",
                title=s("parliament.section.invitations", year=year),
                kind="hbar",
                categories=[names.get(k, k) for k in shown],
                series=[
                    Series(
                        s("common.invitations"),
                        [names.get(k, k) for k in shown],
                        [v["invitations"] for v in shown.values()],
                        key="invitations",
                    )
                ],
                x_label=s("common.invitations"),
                description=s("parliament.section.invitations", year=year),
            ),
            cutoff_chart(
                "parliament_cutoffs",
                s("categories.section.cutoffs"),
                category_records,
                s,
                book,
            ),
        )
    report.sections.append(inv)
    if category_records:
        report.sections.append(
            Section(
                "category_rounds", s("parliament.section.category_rounds", year=year), level=3
            ).add(
                table(
                    "category_rounds",
                    None,
                    [
                        ("number", s("col.number"), "text"),
                        ("date", s("col.date"), "date"),
                        ("name", s("col.round_type"), "text"),
                        ("invitations", s("col.invitations"), "int"),
                        ("crs_cutoff", s("col.crs_cutoff.short"), "int"),
                    ],
                    (
                        {
                            "number": r.number,
                            "date": r.date,
                            "name": r.name,
                            "invitations": r.invitations,
                            "crs_cutoff": r.crs_cutoff,
                        }
                        for r in category_records
                    ),
                    s,
                    compact=True,
                )
            )
        )
    # 6. consultations
    consult = Section("consultations", s("parliament.section.consultations"))
    groups: dict[str, list[CategoryVersion]] = {}
    for v in versions:
        groups.setdefault(v.consultation_notes, []).append(v)
    for text, mine in groups.items():
        consult.add(
            Paragraph(text),
            Paragraph(
                s(
                    "parliament.consultations.applies",
                    categories=", ".join(_version_title(v) for v in mine),
                ),
                muted=True,
            ),
        )
    report.sections.append(consult)
    # the data files' own notes are for the people who keep them (why a date was chosen, what
    # was read): they stay in the report's data, not in its text
    # annexes
    if with_lists:
        report.sections.append(
            Section("annexes", s("parliament.annex.title"), page_break=True).add(
                Paragraph(s("parliament.annex.note"), muted=True)
            )
        )
        for v in with_lists:
            report.sections.append(
                Section(
                    f"annex-{annexes[id(v)]}",
                    s("parliament.annex", annex=annexes[id(v)], name=v.official_name, year=v.year),
                    level=3,
                ).add(
                    table(
                        f"annex_{annexes[id(v)]}",
                        None,
                        [
                            ("noc", s("col.noc"), "text"),
                            ("title", s("col.title"), "text"),
                            ("teer", s("col.teer"), "text"),
                        ],
                        (
                            {"noc": o.code, "title": o.title, "teer": str(o.teer)}
                            for o in v.occupations()
                        ),
                        s,
                        compact=True,
                    )
                )
            )
    return report


def _range(v: dict[str, Any], s: Strings) -> str:
    low, high = v.get("lowest_crs_min"), v.get("lowest_crs_max")
    if low is None:
        return "—"
    return s.int(low) if low == high else f"{s.int(low)}–{s.int(high)}"


def parliament_years(book: CategoryBook | None = None, today: dt.date | None = None) -> list[int]:
    """The years a report to Parliament has categories for (newest first): each year from the
    first category in force (2023) to this year in which a category version was in force."""
    from expressentry.rules.categories import default_categories

    book = book or default_categories()
    today = today or dt.date.today()
    years = set()
    for v in book:
        last = min(v.effective_to or today, today)
        years.update(range(v.effective_from.year, last.year + 1))
    return sorted(years, reverse=True)
