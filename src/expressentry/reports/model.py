"""A report as data: sections of paragraphs, facts, tables and charts, plus a JSON document.

Builders (``reports.rounds``, ``reports.categories``, ``reports.year_end``,
``reports.parliament``) assemble a ``Report``; renderers (``reports.render``) write it as
Markdown, HTML, PDF, CSV or JSON without knowing which report it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = False


@dataclass
class Table:
    """Rows of values keyed by column; ``display`` holds the formatted text of each cell."""

    id: str
    title: str | None
    columns: list[Column]
    rows: list[dict[str, Any]]
    display: list[dict[str, str]]
    note: str | None = None
    total: dict[str, str] | None = None  #: a formatted total row, shown last and in bold
    compact: bool = False  #: many columns: a smaller font


@dataclass
class Series:
    label: str
    x: list[Any]
    y: list[float | int | None]
    key: str | None = None  #: a stable key (category slug, program) that picks the colour


@dataclass
class Chart:
    """A chart drawn with matplotlib: ``line`` (x are dates), ``bar`` (grouped), ``stacked``
    (stacked bars), ``hbar`` (horizontal bars, one series)."""

    id: str
    title: str
    kind: Literal["line", "bar", "stacked", "hbar"]
    series: list[Series]
    x_label: str | None = None
    y_label: str | None = None
    categories: list[str] | None = None  #: the x labels of bar charts, in order
    description: str = ""  #: what the chart shows, in words (alt text)


@dataclass
class Paragraph:
    text: str
    muted: bool = False


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Facts:
    """Label: value pairs (a definition list)."""

    pairs: list[tuple[str, str]]


@dataclass
class Link:
    text: str
    href: str


Block = Paragraph | Bullets | Facts | Table | Chart | Link


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    level: int = 2
    page_break: bool = False  #: start on a new page in the PDF

    def add(self, *blocks: Block | None) -> Section:
        self.blocks.extend(b for b in blocks if b is not None)
        return self


@dataclass
class Report:
    kind: str  #: rounds, categories, year-end, parliament
    title: str
    year: int | None
    source: str  #: history or system
    source_text: str  #: where the figures come from, in words
    generated_at: dt.datetime
    lang: str
    sections: list[Section]
    data: dict[str, Any]  #: the JSON document's content
    subtitle: str | None = None
    empty: bool = False
    empty_message: str | None = None
    #: the CSV file: one table (columns and plain rows); None gives every table in long form
    csv_columns: list[str] | None = None
    csv_rows: list[dict[str, Any]] | None = None

    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]

    def charts(self) -> list[Chart]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart)]

    def document(self) -> dict[str, Any]:
        """The JSON document: what the report is, then its data."""
        return {
            "report": self.kind,
            "title": self.title,
            "year": self.year,
            "source": self.source,
            "source_text": self.source_text,
            "generated_at": self.generated_at.astimezone(dt.UTC)
            .isoformat(timespec="seconds")
            .replace("+00:00", "Z"),
            "lang": self.lang,
            "empty": self.empty,
            "message": self.empty_message,
            **self.data,
        }
