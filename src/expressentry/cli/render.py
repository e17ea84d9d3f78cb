"""Rich renderings of scores, what-if results and suggestions for people at a terminal."""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from expressentry.eligibility.assess import Eligibility
    from expressentry.profile.model import Profile
    from expressentry.rounds.service import RoundResult
    from expressentry.rules.categories import CategoryVersion, Occupation
    from expressentry.rules.noc import UnitGroup
    from expressentry.scoring.crs import Score
    from expressentry.scoring.whatif import Suggestion, WhatIf

console = Console()

BLOCK_TITLES = {
    "core": "A. Core / human capital",
    "spouse": "B. Spouse or common-law partner",
    "transferability": "C. Skill transferability",
    "additional": "D. Additional points",
}
FACTOR_TITLES = {
    "age": "Age",
    "education": "Education",
    "first_language": "First official language",
    "second_language": "Second official language",
    "canadian_work": "Canadian work experience",
    "language": "First official language",
    "foreign_work": "Foreign work experience",
    "certificate": "Certificate of qualification",
    "provincial_nomination": "Provincial nomination",
    "job_offer": "Arranged employment",
    "french": "French-language skills",
    "canadian_education": "Canadian education",
    "sibling": "Brother or sister in Canada",
}


def print_score(label: str, profile: Profile, score: Score, *, explain: bool = False) -> None:
    from expressentry.scoring.explain import explain as explain_score

    who = profile.profile_id or label
    table = Table(
        title=f"CRS score for {who} as of {score.as_of.isoformat()}",
        caption=f"Rules: {score.rules_version}",
    )
    table.add_column("Factor")
    table.add_column("Points", justify="right")
    table.add_column("Based on")
    lines = explain_score(score)
    current = None
    for line in lines:
        if line.block != current:
            current = line.block
            block = getattr(score, line.block)
            table.add_row(
                f"[bold]{BLOCK_TITLES[line.block]}[/bold]", f"[bold]{block['total']}[/bold]", ""
            )
        table.add_row(
            f"  {FACTOR_TITLES.get(line.factor, line.factor)}", str(line.points), line.fact
        )
    table.add_section()
    table.add_row("[bold]Total[/bold]", f"[bold]{score.total}[/bold]", "out of 1,200")
    console.print(table)
    if explain:
        console.print("[bold]Rules applied[/bold] (table, in force since, reference):")
        for line in lines:
            if line.rule:
                console.print(f"  {line.rule} ({line.since or '-'}): {line.reference or ''}")


def print_what_if(label: str, result: WhatIf) -> None:
    table = Table(title=f"What if: {', '.join(result.changes)} ({label})")
    table.add_column("Block")
    table.add_column("Now", justify="right")
    table.add_column("What if", justify="right")
    table.add_column("Change", justify="right")
    for block in ("core", "spouse", "transferability", "additional"):
        before = getattr(result.before, block)["total"]
        after = getattr(result.after, block)["total"]
        table.add_row(BLOCK_TITLES[block], str(before), str(after), f"{after - before:+d}")
    table.add_section()
    table.add_row(
        "[bold]Total[/bold]",
        str(result.before.total),
        str(result.after.total),
        f"[bold]{result.gain:+d}[/bold]",
    )
    console.print(table)
    names = {"fsw": "FSW", "cec": "CEC", "fst": "FST"}
    before = ", ".join(names[p] for p in result.programs_before) or "none"
    after = ", ".join(names[p] for p in result.programs_after) or "none"
    console.print(f"Programs met: now {before}; with the change {after}.")
    if result.loses_every_program:
        console.print(
            "[red]With this change the profile would no longer meet the criteria of any "
            "program (FSW, CEC, FST): it could not enter or stay in the pool.[/red]"
        )


def print_improve(label: str, base: Score, suggestions: list[Suggestion]) -> None:
    if not suggestions:
        console.print(f"{label}: {base.total} points; no single change we know of adds points.")
        return
    table = Table(title=f"Ways to raise {label}'s CRS score of {base.total}")
    commands = [f"--what-if '{s.change}'" for s in suggestions]
    # the command to type is shown whole: in its own column when the terminal is wide
    # enough, else on a line of its own under the change
    beside = console.width >= 60 + max(map(len, commands))
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Change" if beside else "Change, and how to try it", ratio=1)
    table.add_column("Points\ngained", justify="right", no_wrap=True)
    table.add_column("New\ntotal", justify="right", no_wrap=True)
    if beside:
        table.add_column("Try it with", no_wrap=True)
    for i, (s, command) in enumerate(zip(suggestions, commands, strict=True), start=1):
        cells = [str(i), s.description, f"+{s.gain}", str(s.new_total)]
        if beside:
            cells.append(command)
        else:
            cells[1] = f"{s.description}\n[dim]{escape(command)}[/dim]"
        table.add_row(*cells)
    console.print(table)


def print_eligibility(label: str, profile: Profile, result: Eligibility) -> None:
    who = profile.profile_id or label
    verdict = (
        "[green]can enter the Express Entry pool[/green]"
        if result.express_entry_eligible
        else "[red]cannot enter the Express Entry pool[/red]"
    )
    console.print(f"[bold]{who}[/bold] as of {result.as_of.isoformat()}: {verdict}")
    table = Table(title="Programs")
    table.add_column("Program")
    table.add_column("Eligible")
    table.add_column("Reasons", overflow="fold")
    names = {
        "fsw": "Federal Skilled Worker",
        "cec": "Canadian Experience Class",
        "fst": "Federal Skilled Trades",
    }
    for key, doc in result.programs.document().items():
        name = names.get(key, key)
        if "points" in doc:
            name += f" (grid: {doc['points']}/100)"
        table.add_row(name, _yes(doc["eligible"]), "\n".join(doc["reasons"]))
    console.print(table)
    table = Table(title=f"Categories in force on {result.as_of.isoformat()}")
    table.add_column("Category")
    table.add_column("Eligible")
    table.add_column("Why", overflow="fold")
    for c in result.categories:
        detail = (
            "; ".join(o.detail for o in c.outcomes if o.detail)
            if c.eligible
            else "\n".join(c.reasons)
        )
        table.add_row(f"{c.name} ({c.year})", _yes(c.eligible), detail)
    console.print(table)


def _yes(value: bool) -> str:
    return "[green]yes[/green]" if value else "[red]no[/red]"


def print_categories(versions: list[CategoryVersion], on: dt.date | None) -> None:
    title = f"Categories in force on {on.isoformat()}" if on else "Every category version"
    table = Table(title=title, caption="Rules and occupations: expressentry categories show SLUG")
    table.add_column("Slug", overflow="fold", ratio=3)
    table.add_column("Category", ratio=4, min_width=20)
    table.add_column("In force", ratio=2, min_width=12)
    table.add_column("Occupations", justify="right", min_width=5)
    for v in versions:
        table.add_row(
            v.slug,
            f"{v.official_name} ({v.year})" + (" [bold]priority[/bold]" if v.priority else ""),
            f"{v.effective_from.isoformat()} to "
            + (v.effective_to.isoformat() if v.effective_to else "now"),
            str(len(v.occupations())) if v.occupations() else "-",
        )
    console.print(table)


def print_category(
    version: CategoryVersion, rows: list[Occupation], filter_text: str | None
) -> None:
    from expressentry.eligibility.categories import describe

    console.print(
        f"[bold]{version.official_name}[/bold] ({version.year}), in force {version.period()}"
    )
    if version.instruction_label:
        console.print(f"Rounds: {version.instruction_label}")
    console.print("To be eligible, you must have:")
    for c in version.criteria:
        console.print(f"  • {describe(c)}")
    console.print(f"Reference: {version.reference}")
    total = len(version.occupations())
    if not total:
        return
    table = Table(title="Eligible occupations")
    table.add_column("Occupation")
    table.add_column("2021 NOC code")
    table.add_column("TEER", justify="right")
    for o in rows:
        table.add_row(o.title, o.code, str(o.teer))
    console.print(table)
    shown = f"Showing {len(rows)} of {total} entries" if filter_text else f"{total} entries"
    if filter_text:
        shown += f" (filtered by {filter_text!r})"
    console.print(shown)


def print_noc(text: str, hits: list[UnitGroup]) -> None:
    if not hits:
        console.print(f"No NOC 2021 unit group matches {text!r}.")
        return
    table = Table(title=f"NOC 2021 unit groups matching {text!r}")
    table.add_column("NOC code")
    table.add_column("Title")
    table.add_column("TEER", justify="right")
    for g in hits:
        table.add_row(g.code, g.title, str(g.teer))
    console.print(table)


_UTC_TIME = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(?::\d\d(?:\.\d+)?)?(?:Z|\+00:00)\Z")


def _cell(value: object) -> str:
    """A value as a table shows it: a UTC time to the minute, without the ISO punctuation."""
    if value is None:
        return ""
    text = str(value)
    match = _UTC_TIME.match(text)
    return f"{match.group(1)} {match.group(2)}" if match else text


def print_rows(title: str, rows: list[dict[str, object]], keep: Iterable[str] = ()) -> None:
    """A table of rows. At any width every cell is shown whole: the ``keep`` columns (and
    short ones) never wrap, the others wrap or fold; narrow terminals get a table without
    side borders. Times in UTC show to the minute, the heading says UTC."""
    if not rows:
        console.print(f"{title}: none.")
        return
    keys = list(rows[0])
    cells = [[_cell(row.get(k)) for k in keys] for row in rows]
    times = {
        k for i, k in enumerate(keys) if any(_UTC_TIME.match(str(r.get(k) or "")) for r in rows)
    }
    headers = [k.replace("_", " ") + (" (UTC)" if k in times else "") for k in keys]
    values = [max(len(c[i]) for c in cells) for i in range(len(keys))]
    widths = [max(len(h), v) for h, v in zip(headers, values, strict=True)]
    narrow = sum(widths) + 3 * len(keys) + 1 > console.width
    keep = set(keep)
    if narrow:
        # no side borders and one space between columns; a heading longer than its values
        # goes on two lines, so that the values set the width
        table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 0))
        headers = [
            h.replace(" ", "\n", 1) if len(h) > v and " " in h else h
            for h, v in zip(headers, values, strict=True)
        ]
        widths = [
            max(v, *(len(part) for part in h.split("\n")))
            for h, v in zip(headers, values, strict=True)
        ]
    else:
        table = Table(title=title)
    whole = [k in keep or k in times or v <= 12 for k, v in zip(keys, values, strict=True)]
    overhead = (1 if narrow else 3) * len(keys) + 1
    # too wide still: the columns whose heading is wider than their values give way first
    # (their heading folds), never the ``keep`` columns nor the times
    for i in sorted(range(len(keys)), key=lambda i: values[i] - widths[i]):
        kept_width = sum(w for w, kept in zip(widths, whole, strict=True) if kept)
        if kept_width + 6 * whole.count(False) + overhead <= console.width:
            break
        if whole[i] and keys[i] not in keep and keys[i] not in times and widths[i] > values[i]:
            whole[i], widths[i] = False, max(values[i], 4)
    # the columns that may fold share what the whole ones leave
    spare = console.width - sum(w for w, kept in zip(widths, whole, strict=True) if kept)
    spare -= overhead
    folding = max(1, whole.count(False))
    for i, header in enumerate(headers):
        if whole[i]:
            table.add_column(header, no_wrap=True, min_width=widths[i])
        else:
            share = max(min(widths[i], 6), min(widths[i], spare // folding))
            table.add_column(header, overflow="fold", min_width=share)
    for row in cells:
        table.add_row(*row)
    console.print(table)


def print_documents(doc: dict[str, Any], t: dict[str, str]) -> None:
    """``pool show``: the day the profile leaves for time, the day its assessment holds until,
    and the documents it relies on with the day each stops counting (in ``t``'s language)."""
    console.print(t["pool_documents.expires_on"].format(date=doc["expires_on"]))
    if doc.get("next_change"):
        console.print(t["pool_documents.next_change"].format(date=doc["next_change"]))
    rows = doc.get("documents") or []
    if not rows:
        console.print(t["pool_documents.none"])
        return
    table = Table(title=t["pool_documents.title"])
    for key in ("person", "document", "name", "issued_on", "stops_counting_on"):
        table.add_column(t[f"pool_documents.{key}"])
    for row in rows:
        table.add_row(
            t[f"pool_documents.{row['person']}"],
            t[f"pool_documents.{row['document']}"],
            str(row["name"]),
            str(row["issued_on"]),
            str(row["stops_counting_on"]),
        )
    console.print(table)
    console.print(t["pool_documents.note"])


def print_stats(doc: dict[str, object]) -> None:
    console.print(f"[bold]{doc['in_pool']}[/bold] profiles in the pool")
    print_rows(
        "Profiles by status", [{"status": k, "profiles": v} for k, v in doc["by_status"].items()]
    )  # type: ignore[attr-defined]
    print_rows(
        "CRS score distribution (IRCC bands)",
        [{"CRS score range": k, "candidates": v} for k, v in doc["distribution"].items()],  # type: ignore[attr-defined]
    )
    print_rows(
        "Eligible in the pool, per category version",
        [{"category": k, "candidates": v} for k, v in doc["eligible_by_category"].items()],  # type: ignore[attr-defined]
    )


def print_round(result: RoundResult, *, preview: bool) -> None:
    what = "Preview of round" if preview else "Round"
    kind = (
        result.round_type
        + (f": {result.program}" if result.program else "")
        + (f": {result.category} ({result.category_year})" if result.category else "")
    )
    note = " (already held; nothing changed)" if result.already_run else ""
    console.print(
        f"[bold]{what} {result.round_id}[/bold] — {kind}, {result.held_at.isoformat()}{note}"
    )
    record = result.record()
    for key in ("invitations", "lowest_crs", "tie_break", "rank_needed", "eligible", "pool_size"):
        console.print(f"  {key.replace('_', ' ')}: {record[key]}")
    print_rows(
        "Pool distribution at the round",
        [{"CRS score range": k, "candidates": v} for k, v in result.distribution.items()],
    )
    shown = result.invited[:20]
    print_rows(
        f"Invited (first {len(shown)} of {len(result.invited)})",
        [
            {
                "rank": i.rank,
                "profile": i.profile_id,
                "CRS": i.crs,
                "program": i.program,
                "submitted": i.submitted_at.isoformat(),
            }
            for i in shown
        ],
    )


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[Callable[[str, int, int], None]]:
    """A Rich progress bar on standard error, one task per stage."""
    if not enabled or not sys.stderr.isatty():
        yield lambda stage, done, total: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def read_with_progress(
    lines: Iterable[str], total: int, update: Callable[[str, int, int], None], every: int = 5000
) -> Iterator[str]:
    """``lines`` as they are read, telling ``update`` how many of the ``total`` characters have
    been read, every ``every`` lines and at the end (a file's size stands for its characters)."""
    done = 0
    for count, line in enumerate(lines, start=1):
        done += len(line)
        if count % every == 0:
            update("Reading", min(done, total), total)
        yield line
    update("Reading", total, total)
