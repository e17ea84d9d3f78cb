"""Writing a report: Markdown, HTML (one self-contained file), PDF (from that HTML), CSV, JSON.

Every format is written to a temporary file beside the target and moved into place, so that a
failed run never leaves half a report.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from expressentry.reports.model import (
    Bullets,
    Chart,
    Facts,
    Link,
    Paragraph,
    Report,
    Section,
    Table,
)
from expressentry.reports.strings import Strings

FORMATS = ("md", "html", "csv", "json", "pdf")
#: file suffixes that name a format when --format is not given
SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".csv": "csv"}
SUFFIXES.update({".json": "json", ".pdf": "pdf", ".zip": "csv"})
#: the media type of each format (a CSV of several tables is a ZIP archive: ``csv_media``)
MEDIA = {
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}
ZIP_MEDIA = "application/zip"


class ReportError(ValueError):
    """A report that cannot be made or written; the message says which option and why."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")
        self.option = option


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("expressentry")
    except Exception:
        return ""


def _stamp(report: Report, s: Strings) -> str:
    at = report.generated_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return s("common.generated", at=at, version=_version()).replace(" .", ".")


def _unique_ids(sections: list[Section]) -> list[str]:
    seen: dict[str, int] = {}
    ids = []
    for section in sections:
        n = seen.get(section.id, 0)
        seen[section.id] = n + 1
        ids.append(f"s-{section.id}" if n == 0 else f"s-{section.id}-{n + 1}")
    return ids


# --- JSON ----------------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def to_json(report: Report) -> str:
    return json.dumps(report.document(), indent=2, ensure_ascii=False, default=_json_default) + "\n"


# --- CSV -----------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return _json_default(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value


def to_csv(report: Report) -> str:
    """The report's main table; a report of several tables gives them all in long form
    (table, row, column, value)."""
    out = io.StringIO()
    if report.csv_columns is not None:
        writer = csv.DictWriter(out, report.csv_columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in report.csv_rows or []:
            writer.writerow({k: _plain(row.get(k)) for k in report.csv_columns})
        return out.getvalue()
    writer2 = csv.writer(out, lineterminator="\n")
    writer2.writerow(["table", "row", "column", "value"])
    for t in report.tables():
        for i, row in enumerate(t.rows, start=1):
            for column in t.columns:
                writer2.writerow([t.id, i, column.key, _plain(row.get(column.key))])
    return out.getvalue()


def csv_is_archive(report: Report) -> bool:
    """Whether the report's CSV is a ZIP archive: a report of several tables gives one CSV per
    table (each with its own columns, as a spreadsheet opens it), zipped."""
    return report.csv_columns is None and len(report.tables()) > 1


def to_csv_archive(report: Report) -> bytes:
    """One CSV per table, in a ZIP archive (Python's own zipfile: no dependency). Each file
    is named after its table, in the report's order; its header row holds the column labels in
    the report's language, its cells the plain values (numbers unformatted, dates ISO 8601).
    UTF-8 with a byte order mark, so that spreadsheets read accents right."""
    import zipfile

    buffer = io.BytesIO()
    stamp = report.generated_at.astimezone(dt.UTC).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, t in enumerate(report.tables(), start=1):
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow([c.label for c in t.columns])
            for row in t.rows:
                writer.writerow([_plain(row.get(c.key)) for c in t.columns])
            info = zipfile.ZipInfo(f"{number:02d}-{t.id}.csv", date_time=stamp)  # type: ignore[arg-type]
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, "\ufeff" + out.getvalue())
    return buffer.getvalue()


def media_type(report: Report, fmt: str) -> str:
    return ZIP_MEDIA if fmt == "csv" and csv_is_archive(report) else MEDIA[fmt]


def file_name(report: Report, fmt: str) -> str:
    """A file name for a download: ``parliament-2025-fr.pdf``."""
    parts = [report.kind, str(report.year) if report.year else "all", report.lang]
    suffix = "zip" if fmt == "csv" and csv_is_archive(report) else fmt
    return "-".join(parts) + "." + suffix


# --- Markdown ------------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(t: Table) -> list[str]:
    lines = []
    if t.title:
        lines += [f"**{_md_cell(t.title)}**", ""]
    lines.append("| " + " | ".join(_md_cell(c.label) for c in t.columns) + " |")
    lines.append("|" + "|".join("---:" if c.numeric else "---" for c in t.columns) + "|")
    for row in t.display:
        lines.append("| " + " | ".join(_md_cell(row.get(c.key, "")) for c in t.columns) + " |")
    if t.total:
        cells = [_md_cell(t.total.get(c.key, "")) for c in t.columns]
        lines.append("| " + " | ".join(f"**{c}**" if c else "" for c in cells) + " |")
    lines.append("")
    if t.note:
        lines += [f"*{t.note}*", ""]
    return lines


def to_markdown(report: Report, chart_dir: Path | None = None, link_prefix: str = "") -> str:
    """Markdown; with ``chart_dir``, the charts are written there (PNG and SVG) and linked."""
    s = Strings(report.lang)
    lines = [f"# {report.title}", ""]
    if report.subtitle:
        lines += [f"*{report.subtitle}*", ""]
    lines += [s("common.source", source=report.source_text), "", _stamp(report, s), ""]
    for section in report.sections:
        lines += ["#" * section.level + " " + section.title, ""]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                lines += [f"*{block.text}*" if block.muted else block.text, ""]
            elif isinstance(block, Bullets):
                lines += [f"- {item}" for item in block.items] + [""]
            elif isinstance(block, Facts):
                lines += [f"- **{label}:** {value}" for label, value in block.pairs] + [""]
            elif isinstance(block, Link):
                lines += [f"[{block.text}]({block.href})", ""]
            elif isinstance(block, Table):
                lines += _md_table(block)
            elif isinstance(block, Chart) and chart_dir is not None:
                from expressentry.reports import charts

                chart_dir.mkdir(parents=True, exist_ok=True)
                (chart_dir / f"{block.id}.png").write_bytes(charts.png(block))
                (chart_dir / f"{block.id}.svg").write_text(charts.svg(block), encoding="utf-8")
                lines += [f"![{block.title}]({link_prefix}{block.id}.svg)", ""]
    return "\n".join(lines).rstrip() + "\n"


# --- HTML ----------------------------------------------------------------------------------------

CSS = """
:root { --ink: #1b1b1b; --muted: #5c5c5c; --rule: #d0d4d9; --band: #f3f5f7; --accent: #26374a; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: var(--ink);
       font-size: 15px; line-height: 1.45; }
body { margin: 0 auto; max-width: 62rem; padding: 1.5rem 1.5rem 3rem; }
header.cover { border-bottom: 4px solid var(--accent); margin-bottom: 1.2rem; padding-bottom: .8rem; }
header .kicker { text-transform: uppercase; letter-spacing: .08em; font-size: .75rem;
                 color: var(--muted); margin: 0; }
h1 { font-size: 1.75rem; line-height: 1.2; margin: .3rem 0 .4rem; color: var(--accent); }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; color: var(--accent);
     border-bottom: 1px solid var(--rule); padding-bottom: .2rem; }
h3 { font-size: 1.08rem; margin: 1.4rem 0 .5rem; color: var(--accent); }
.subtitle { font-size: 1.05rem; margin: 0 0 .5rem; }
.meta, .note, .muted { color: var(--muted); font-size: .85rem; }
.meta { margin: .15rem 0; }
nav.toc { background: var(--band); padding: .6rem 1rem; border-radius: 4px; }
nav.toc h2 { border: 0; margin: 0 0 .3rem; font-size: 1rem; }
nav.toc ol { margin: 0; padding-left: 1.3rem; columns: 2; column-gap: 2rem; }
nav.toc a { color: var(--accent); text-decoration: none; }
.empty { background: #fff8e1; border-left: 4px solid #f0b400; padding: .7rem 1rem; }
.table-wrap { overflow-x: auto; margin: .6rem 0 1rem; }
table.data { border-collapse: collapse; width: 100%; font-size: .85rem; }
table.data.compact { font-size: .75rem; }
table.data caption { text-align: left; font-weight: bold; padding: .2rem 0 .4rem; }
table.data th, table.data td { padding: .28rem .5rem; border-bottom: 1px solid var(--rule);
                               text-align: left; vertical-align: top; }
table.data th { color: #fff; font-weight: 600; }
table.data tbody tr:nth-child(even) { background: var(--band); }
table.data .num { text-align: right; font-variant-numeric: tabular-nums; }
table.data td.num { white-space: nowrap; }
table.data thead tr { background: var(--accent); }
table.data tr.total td { font-weight: bold; border-top: 2px solid var(--accent);
}
table.data tbody tr.total { background: #fff; }
table.facts { border-collapse: collapse; margin: .4rem 0 1rem; width: 100%; font-size: .9rem; }
table.facts th { text-align: left; vertical-align: top; width: 17rem; padding: .3rem .8rem .3rem 0;
                 color: var(--muted); font-weight: 600; }
table.facts td { padding: .3rem 0; vertical-align: top; }
figure.chart { margin: .8rem 0 1.4rem; }
figure.chart svg, figure.chart img { width: 100%; height: auto; display: block; }
ul { padding-left: 1.3rem; }
li { margin: .15rem 0; }
a { color: #284162; }
footer { margin-top: 2.5rem; border-top: 1px solid var(--rule); padding-top: .6rem; }
@media (max-width: 640px) { body { padding: 1rem; } nav.toc ol { columns: 1; } }
@media print { body { max-width: none; padding: 0; } nav.toc ol { columns: 2; } }
"""

PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm;
        @bottom-left { content: "%(title)s"; font-size: 7.5pt; color: #666;
                       font-family: "DejaVu Sans", sans-serif; }
        @bottom-right { content: counter(page) " / " counter(pages); font-size: 7.5pt;
                        color: #666; font-family: "DejaVu Sans", sans-serif; } }
html { font-size: 9.5pt; }
body { max-width: none; padding: 0; }
h1 { font-size: 19pt; }
h2 { font-size: 13.5pt; break-after: avoid; }
h3 { font-size: 11pt; break-after: avoid; }
.table-wrap { overflow: visible; }
table.data { font-size: 8pt; }
table.data.compact { font-size: 7pt; }
table.data th, table.data td { padding: 2.2pt 4pt; }
thead { display: table-header-group; }
.keep, .table-wrap.small { break-inside: avoid; }
tr, figure.chart, table.facts { break-inside: avoid; }
section.page-break { break-before: page; }
nav.toc ol { columns: 1; }
a { color: inherit; text-decoration: none; }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _html_table(t: Table) -> str:
    classes = "data compact" if t.compact else "data"
    wrap = "table-wrap small" if len(t.rows) <= 14 else "table-wrap"
    parts = [f'<div class="{wrap}"><table class="{classes}" id="t-{_e(t.id)}">']
    if t.title:
        parts.append(f"<caption>{_e(t.title)}</caption>")
    parts.append("<thead><tr>")
    for c in t.columns:
        cls = ' class="num"' if c.numeric else ""
        parts.append(f'<th scope="col"{cls}>{_e(c.label)}</th>')
    parts.append("</tr></thead><tbody>")
    for row in t.display:
        parts.append("<tr>")
        for c in t.columns:
            cls = ' class="num"' if c.numeric else ""
            parts.append(f"<td{cls}>{_e(row.get(c.key, ''))}</td>")
        parts.append("</tr>")
    if t.total:  # a last row, not a <tfoot>: a footer would repeat on every printed page
        parts.append('<tr class="total">')
        for c in t.columns:
            cls = ' class="num"' if c.numeric else ""
            parts.append(f"<td{cls}>{_e(t.total.get(c.key, ''))}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    if t.note:
        parts.append(f'<p class="note">{_e(t.note)}</p>')
    parts.append("</div>")
    return "".join(parts)


def _html_chart(chart: Chart, for_pdf: bool) -> str:
    from expressentry.reports import charts

    if for_pdf:
        data = base64.b64encode(charts.png(chart, dpi=200)).decode("ascii")
        body = (
            f'<img src="data:image/png;base64,{data}" alt="{_e(chart.description or chart.title)}">'
        )
    else:
        body = charts.inline_svg(chart)
    return f'<figure class="chart" id="c-{_e(chart.id)}">{body}</figure>'


def _html_block(block: Any, for_pdf: bool) -> str:
    if isinstance(block, Paragraph):
        cls = ' class="muted"' if block.muted else ""
        return f"<p{cls}>{_e(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Facts):
        rows = "".join(
            f'<tr><th scope="row">{_e(label)}</th><td>{_e(value)}</td></tr>'
            for label, value in block.pairs
        )
        return f'<table class="facts">{rows}</table>'
    if isinstance(block, Link):
        return f'<p><a href="{_e(block.href)}">{_e(block.text)}</a></p>'
    if isinstance(block, Table):
        return _html_table(block)
    if isinstance(block, Chart):
        return _html_chart(block, for_pdf)
    raise TypeError(type(block).__name__)


def _short(block: Any) -> bool:
    """A block that may move to the next page whole, with its heading."""
    if isinstance(block, Table):
        return len(block.rows) <= 14
    return isinstance(block, Chart | Bullets | Link)


def to_html(report: Report, *, for_pdf: bool = False) -> str:
    """One self-contained HTML page: styles inline, charts inline (SVG; PNG for the PDF)."""
    s = Strings(report.lang)
    ids = _unique_ids(report.sections)
    css = CSS
    if for_pdf:
        title = report.title.replace("\\", "\\\\").replace('"', '\\"')
        css += PRINT_CSS % {"title": title}
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(report.lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="expressentry {_e(_version())}">',
        f"<title>{_e(report.title)}</title>",
        f"<style>{css}</style>",
        "</head>",
        "<body>",
        '<header class="cover">',
        '<p class="kicker">Express Entry</p>',
        f"<h1>{_e(report.title)}</h1>",
    ]
    if report.subtitle:
        out.append(f'<p class="subtitle">{_e(report.subtitle)}</p>')
    out.append(f'<p class="meta">{_e(s("common.source", source=report.source_text))}</p>')
    out.append(f'<p class="meta">{_e(_stamp(report, s))}</p>')
    out.append("</header>")
    if report.empty and report.empty_message:
        out.append(f'<p class="empty">{_e(s("common.empty", message=report.empty_message))}</p>')
    tops = [(i, sec) for i, sec in zip(ids, report.sections, strict=True) if sec.level == 2]
    if len(tops) > 3:
        out.append(f'<nav class="toc"><h2>{_e(s("common.contents"))}</h2><ol>')
        out += [f'<li><a href="#{i}">{_e(sec.title)}</a></li>' for i, sec in tops]
        out.append("</ol></nav>")
    out.append("<main>")
    for section_id, section in zip(ids, report.sections, strict=True):
        if report.empty and section.id == "empty":
            continue
        cls = ' class="page-break"' if section.page_break else ""
        out.append(f'<section id="{section_id}"{cls}>')
        level = min(max(section.level, 2), 4)
        heading = f"<h{level}>{_e(section.title)}</h{level}>"
        blocks = [_html_block(block, for_pdf) for block in section.blocks]
        # the heading stays on the page of what follows: its first paragraphs and, if short,
        # the table or chart after them
        lead = 0
        while lead < len(blocks) and isinstance(section.blocks[lead], Paragraph | Facts):
            lead += 1
        if lead < len(blocks) and _short(section.blocks[lead]):
            lead += 1
        out.append(f'<div class="keep">{heading}{"".join(blocks[:lead])}</div>')
        out += blocks[lead:]
        out.append("</section>")
    out.append("</main>")
    out.append(f'<footer class="meta">{_e(report.title)} · {_e(_stamp(report, s))}</footer>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# --- PDF -----------------------------------------------------------------------------------------


def to_pdf(report: Report) -> bytes:
    """The HTML report printed to PDF by WeasyPrint (A4, page numbers, charts as PNG)."""
    try:
        import logging

        from weasyprint import HTML

        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        logging.getLogger("fontTools").setLevel(logging.ERROR)
    except (ImportError, OSError) as exc:  # OSError: the Pango library is missing
        raise ReportError("--format", f"cannot make a PDF: {exc}") from None
    return HTML(string=to_html(report, for_pdf=True)).write_pdf()


# --- writing -------------------------------------------------------------------------------------


def check_output(path: Path, s: Strings) -> None:
    """Fail early, before the work, when the report could not be written there."""
    if path.is_dir():
        raise ReportError("--out", s("error.out.dir", path=path))
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        key = "error.out.not_folder" if parent.exists() else "error.out.parent"
        raise ReportError("--out", s(key, path=path, parent=parent))
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ReportError("--out", s("error.out.write", path=path, reason="permission denied"))


def _atomic_write(path: Path, data: bytes, s: Strings) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ReportError("--out", s("error.out.write", path=path, reason=exc.strerror)) from None


def chart_folder(path: Path) -> Path:
    """Where a Markdown report's charts go: ``report.md`` -> ``report_charts/``."""
    return path.with_name(f"{path.stem}_charts")


def render(report: Report, fmt: str, out: Path | None = None) -> bytes:
    """The report in a format, as bytes (Markdown's charts are written beside ``out``)."""
    renderers: dict[str, Callable[[], bytes]] = {
        "json": lambda: to_json(report).encode("utf-8"),
        "csv": lambda: (
            to_csv_archive(report) if csv_is_archive(report) else to_csv(report).encode("utf-8")
        ),
        "html": lambda: to_html(report).encode("utf-8"),
        "pdf": lambda: to_pdf(report),
        "md": lambda: to_markdown(
            report,
            chart_folder(out) if out is not None else None,
            f"{chart_folder(out).name}/" if out is not None else "",
        ).encode("utf-8"),
    }
    return renderers[fmt]()


def write(report: Report, fmt: str, out: Path) -> int:
    """Write the report; the number of bytes written."""
    s = Strings(report.lang)
    check_output(out, s)
    data = render(report, fmt, out)
    _atomic_write(out, data, s)
    return len(data)
