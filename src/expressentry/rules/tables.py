"""Dated rule tables ("parameters") read from versioned YAML data files.

Every rule table lives in one YAML file under ``rules/data``. A file holds the table's name,
a description, a ``last_verified_on`` stamp and a list of dated versions, each with its own
``effective_from`` date, an optional ``effective_to`` date and the official ``reference`` it
comes from::

    description: CRS core points for the principal applicant's age
    last_verified_on: 2026-11-25
    versions:
      - effective_from: 2015-01-01
        reference:
          title: Ministerial Instructions respecting the Express Entry system, s. 8
          href: https://www.canada.ca/...
        value: {...}

A version is in force from its ``effective_from`` date until the day before the next version's
``effective_from`` (or until its own ``effective_to``, inclusive). A rule change is a new version
appended to the file: no code changes.

This module imports nothing outside the standard library and PyYAML: the rules layer stays pure.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

try:  # the C loader is several times faster; fall back when libyaml is missing
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

DATA_DIR = Path(__file__).parent / "data"


class RuleDataError(ValueError):
    """A rule data file is malformed. The message names the file and, where known, the line."""


class NotInForce(LookupError):
    """No version of a rule table is in force on the requested date."""


@dataclass(frozen=True, slots=True)
class Reference:
    title: str
    href: str | None = None
    citation: str | None = None

    def __str__(self) -> str:
        parts = [self.title]
        if self.citation:
            parts.append(self.citation)
        if self.href:
            parts.append(self.href)
        return " — ".join(parts)


@dataclass(frozen=True, slots=True)
class Version:
    """One dated version of a rule table."""

    effective_from: dt.date
    effective_to: dt.date | None
    reference: Reference
    value: Any
    note: str | None = None

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclass(frozen=True)
class Table:
    """A rule table with all its dated versions, oldest first."""

    name: str
    description: str
    last_verified_on: dt.date
    versions: tuple[Version, ...]
    source: Path | None = None
    confidence: str | None = None
    _starts: tuple[dt.date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(v.effective_from for v in self.versions))

    def version_at(self, on: dt.date) -> Version:
        """The version in force on ``on``; raises NotInForce when there is none."""
        i = bisect.bisect_right(self._starts, on) - 1
        if i < 0 or not self.versions[i].in_force(on):
            raise NotInForce(f"{self.name}: no version in force on {on.isoformat()}")
        return self.versions[i]

    def at(self, on: dt.date) -> Any:
        """The table's value in force on ``on``."""
        return self.version_at(on).value

    def get(self, on: dt.date, default: Any = None) -> Any:
        try:
            return self.at(on)
        except NotInForce:
            return default


def _as_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise RuleDataError(f"{where}: expected a date (YYYY-MM-DD), got {value!r}")


def _line_of(node_map: dict[int, int], index: int) -> str:
    line = node_map.get(index)
    return f" (line {line})" if line else ""


def duplicate_keys(node: yaml.Node | None) -> list[tuple[str, int]]:
    """(key, line) of every key that appears twice in one mapping (PyYAML keeps the last)."""
    found: list[tuple[str, int]] = []
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in current.value:
                if key.value in seen:
                    found.append((str(key.value), key.start_mark.line + 1))
                seen.add(key.value)
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return found


def _version_lines(text: str, where: str = "") -> dict[int, int]:
    """Line numbers (1-based) of each item of the top-level ``versions`` list."""
    lines: dict[int, int] = {}
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return lines
    duplicates = duplicate_keys(root)
    if duplicates:
        key, line = duplicates[0]
        raise RuleDataError(f"{where}: key {key!r} appears twice in one mapping (line {line})")
    if not isinstance(root, yaml.MappingNode):
        return lines
    for key, val in root.value:
        if key.value == "versions" and isinstance(val, yaml.SequenceNode):
            for i, item in enumerate(val.value):
                lines[i] = item.start_mark.line + 1
    return lines


def parse_table(text: str, name: str, source: Path | None = None) -> Table:
    """Parse and check one table file. Every version needs a date and a reference."""
    where = str(source) if source else name
    try:
        doc = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise RuleDataError(f"{where}: not valid YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise RuleDataError(f"{where}: expected a mapping at the top level")
    allowed = {"description", "last_verified_on", "versions", "confidence", "notes", "unit"}
    unknown = set(doc) - allowed
    if unknown:
        raise RuleDataError(f"{where}: unknown top-level field(s) {sorted(unknown)}")
    for required in ("description", "last_verified_on", "versions"):
        if required not in doc:
            raise RuleDataError(f"{where}: missing required field '{required}'")
    verified = _as_date(doc["last_verified_on"], f"{where}: last_verified_on")
    raw_versions = doc["versions"]
    if not isinstance(raw_versions, list) or not raw_versions:
        raise RuleDataError(f"{where}: 'versions' must be a non-empty list")
    lines = _version_lines(text, where)
    versions: list[Version] = []
    for i, raw in enumerate(raw_versions):
        at = f"{where}: versions[{i}]{_line_of(lines, i)}"
        if not isinstance(raw, dict):
            raise RuleDataError(f"{at}: expected a mapping")
        unknown = set(raw) - {"effective_from", "effective_to", "reference", "value", "note"}
        if unknown:
            raise RuleDataError(f"{at}: unknown field(s) {sorted(unknown)}")
        if "effective_from" not in raw:
            raise RuleDataError(f"{at}: every version needs an effective_from date")
        start = _as_date(raw["effective_from"], f"{at}: effective_from")
        end = raw.get("effective_to")
        end_date = _as_date(end, f"{at}: effective_to") if end is not None else None
        if end_date is not None and end_date < start:
            raise RuleDataError(f"{at}: effective_to {end_date} is before effective_from {start}")
        ref = raw.get("reference")
        if not isinstance(ref, dict) or not ref.get("title"):
            raise RuleDataError(f"{at}: every version needs a reference with a title")
        if not (ref.get("href") or ref.get("citation")):
            raise RuleDataError(f"{at}: the reference needs an href or a citation")
        if "value" not in raw:
            raise RuleDataError(f"{at}: missing 'value'")
        if versions and start <= versions[-1].effective_from:
            raise RuleDataError(f"{at}: versions must be in increasing effective_from order")
        if (
            versions
            and versions[-1].effective_to is not None
            and start <= versions[-1].effective_to
        ):
            raise RuleDataError(f"{at}: overlaps the previous version")
        versions.append(
            Version(
                effective_from=start,
                effective_to=end_date,
                reference=Reference(
                    title=str(ref["title"]),
                    href=ref.get("href"),
                    citation=ref.get("citation"),
                ),
                value=raw["value"],
                note=raw.get("note"),
            )
        )
    return Table(
        name=name,
        description=str(doc["description"]),
        last_verified_on=verified,
        versions=tuple(versions),
        source=source,
        confidence=doc.get("confidence"),
    )


class RuleBook:
    """All dated rule tables of one data folder, by dotted name (``crs.core.age``).

    Files are indexed when the book is opened and parsed the first time a table is asked for,
    so that a command that needs only the CRS tables does not parse every table.
    """

    #: sub-folders of the data folder that hold tables (others have formats of their own)
    TABLE_FOLDERS = ("crs", "language", "programs", "pool")

    def __init__(self, paths: dict[str, Path], data_dir: Path) -> None:
        self._paths = paths
        self._tables: dict[str, Table] = {}
        self.data_dir = data_dir

    @classmethod
    def load(cls, data_dir: Path | str = DATA_DIR) -> RuleBook:
        data_dir = Path(data_dir)
        paths: dict[str, Path] = {}
        for folder in cls.TABLE_FOLDERS:
            base = data_dir / folder
            if not base.is_dir():
                continue
            for path in sorted(base.rglob("*.yaml")):
                rel = path.relative_to(data_dir).with_suffix("")
                paths[".".join(rel.parts)] = path
        return cls(paths, data_dir)

    def __getitem__(self, name: str) -> Table:
        table = self._tables.get(name)
        if table is None:
            path = self._paths.get(name)
            if path is None:
                raise KeyError(f"no rule table named {name!r} in {self.data_dir}")
            table = parse_table(path.read_text(encoding="utf-8"), name, path)
            self._tables[name] = table
        return table

    def __contains__(self, name: object) -> bool:
        return name in self._paths

    def __iter__(self) -> Iterator[Table]:
        return (self[name] for name in self.names())

    def names(self, prefix: str = "") -> list[str]:
        return sorted(n for n in self._paths if n.startswith(prefix))

    def check(self) -> list[Table]:
        """Parse every table now (raising RuleDataError on the first bad file)."""
        return list(self)


@cache
def default_rulebook() -> RuleBook:
    """The rule book shipped with the package (loaded once per process)."""
    return RuleBook.load(DATA_DIR)
