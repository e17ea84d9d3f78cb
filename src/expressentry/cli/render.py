"""Rich renderings of scores, what-if results and suggestions for people at a terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from expressentry.profile.model import Profile
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
        show_lines=False,
    )
    table.add_column("Factor")
    table.add_column("Points", justify="right")
    table.add_column("Based on")
    if explain:
        table.add_column("Rule (in force since) and reference", overflow="fold")
    lines = explain_score(score)
    current = None
    for line in lines:
        if line.block != current:
            current = line.block
            block = getattr(score, line.block)
            row = [f"[bold]{BLOCK_TITLES[line.block]}[/bold]", f"[bold]{block['total']}[/bold]", ""]
            if explain:
                row.append("")
            table.add_row(*row)
        row = [f"  {FACTOR_TITLES.get(line.factor, line.factor)}", str(line.points), line.fact]
        if explain:
            row.append(f"{line.rule} ({line.since or '-'}): {line.reference or ''}")
        table.add_row(*row)
    table.add_section()
    final = ["[bold]Total[/bold]", f"[bold]{score.total}[/bold]", "out of 1,200"]
    if explain:
        final.append("")
    table.add_row(*final)
    console.print(table)


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


def print_improve(label: str, base: Score, suggestions: list[Suggestion]) -> None:
    if not suggestions:
        console.print(f"{label}: {base.total} points; no single change we know of adds points.")
        return
    table = Table(title=f"Ways to raise {label}'s CRS score of {base.total}")
    table.add_column("#", justify="right")
    table.add_column("Change")
    table.add_column("Points gained", justify="right")
    table.add_column("New total", justify="right")
    table.add_column("Try it with")
    for i, s in enumerate(suggestions, start=1):
        table.add_row(
            str(i), s.description, f"+{s.gain}", str(s.new_total), f"--what-if '{s.change}'"
        )
    console.print(table)
