"""Express Entry categories (category-based selection), read from Ministerial Instructions in data.

Under IRPA s. 10.3(1)(h.1)-(h.2) the Minister establishes categories of Express Entry candidates
and sets each category's eligibility criteria. Each version of a category is one YAML file,
``rules/data/categories/<year>/<slug>.yaml``, holding the category's dates, its official
reference, the reasons for it (for the annual report to Parliament) and a list of ``criteria``
built from a small set of criterion kinds::

    slug: stem
    official_name: Science, Technology, Engineering and Math (STEM) occupations
    year: 2023
    instruction_label: STEM occupations (Version 1)   # the round name; null if no round seen
    effective_from: 2023-05-31
    effective_to: 2023-12-31                          # inclusive; null while still in force
    reference: {title: ..., href: ..., citation: ...}
    last_verified_on: 2026-11-25
    economic_goal: ...
    selection_rationale: ...
    consultation_notes: ...
    priority: false
    criteria:
      - kind: occupation_experience
        occupations: {file: 2023_stem.csv}            # or an inline list of quoted NOC codes
        minimum_months: 6
        ...

A category established by the Minister is a new data file: no code change. A new *kind* of
criterion is one ``Criterion`` subclass declaring its fields; the loader checks them from the
type annotations. Everything is validated at load time; a ``CategoryDataError`` names the file
and the line.

Candidates must also be in the Express Entry pool (eligible for a program the round covers) and
are ranked by CRS within the category; those conditions belong to the round, not to the category.

This module imports nothing outside the standard library, PyYAML and the rules layer.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import re
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal, Self, TypeVar

import yaml

from expressentry.rules import noc
from expressentry.rules.tables import DATA_DIR, Reference, RuleDataError, _Loader

CATEGORIES_DIR = DATA_DIR / "categories"

#: the four language abilities, in the order IRCC lists them
ABILITIES = ("listening", "speaking", "reading", "writing")

_SLUG = re.compile(r"[a-z][a-z0-9_]*\Z")
_NOC_CODE = re.compile(r"\d{5}\Z")
_OCCUPATION_COLUMNS = ["noc_code", "title", "teer"]


class CategoryDataError(RuleDataError):
    """A category data file is malformed. The message names the file and, where known, the line."""


class UnknownCategory(LookupError):
    """No category has the requested slug."""


class CategoryNotInForce(LookupError):
    """The category exists but no version of it is in force on the requested date."""


# --------------------------------------------------------------------------- locations in files


@dataclass(frozen=True)
class Where:
    """Where a piece of data comes from: the file, the line, and the folder files are read from."""

    source: Path
    line: int | None = None
    data_dir: Path | None = None

    def at(self, line: int | None) -> Where:
        return dataclasses.replace(self, line=line or self.line)

    def error(self, message: str) -> CategoryDataError:
        return CategoryDataError(f"{self}: {message}")

    def __str__(self) -> str:
        return f"{self.source} (line {self.line})" if self.line else str(self.source)


class _Map(dict[str, Any]):
    """A YAML mapping that remembers the line of each key."""

    line: int | None = None
    key_lines: dict[str, int]


class _Seq(list[Any]):
    """A YAML sequence that remembers the line of each item."""

    line: int | None = None
    item_lines: list[int]


def _key_line(data: Mapping[str, Any], key: str) -> int | None:
    lines = getattr(data, "key_lines", None)
    return lines.get(key) if lines else None


def _item_line(items: Sequence[Any], index: int) -> int | None:
    lines = getattr(items, "item_lines", None)
    return lines[index] if lines else None


def _read_yaml(path: Path) -> Any:
    """The document in ``path``, with mappings and sequences that know their line numbers."""
    where = Where(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise where.at(mark.line + 1 if mark else None).error(f"not valid YAML: {exc}") from None
    except yaml.YAMLError as exc:
        raise where.error(f"not valid YAML: {exc}") from None
    constructor = yaml.constructor.SafeConstructor()

    def build(node: yaml.Node) -> Any:
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            mapping = _Map()
            mapping.line, mapping.key_lines = line, {}
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 1
                key = build(key_node)
                if not isinstance(key, str):
                    raise where.at(key_line).error(f"keys must be text, got {key!r}")
                if key in mapping:
                    raise where.at(key_line).error(f"duplicate key {key!r}")
                mapping[key] = build(value_node)
                mapping.key_lines[key] = key_line
            return mapping
        if isinstance(node, yaml.SequenceNode):
            items = _Seq(build(item) for item in node.value)
            items.line, items.item_lines = line, [i.start_mark.line + 1 for i in node.value]
            return items
        try:
            return constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise where.at(line).error(f"cannot read value: {exc}") from None

    return build(root) if root is not None else None


# --------------------------------------------------------------------------- typed field parsing


def _parse_typed(tp: Any, value: Any, name: str, where: Where, meta: Mapping[str, Any]) -> Any:
    """Check ``value`` against the annotation ``tp``; the error names the field ``name``."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        (inner,) = (a for a in args if a is not type(None))
        return _parse_typed(inner, value, name, where, meta)
    if origin is Literal:
        options = typing.get_args(tp)
        if value not in options:
            allowed = ", ".join(map(str, options))
            raise where.error(f"{name}: expected one of {allowed}; got {value!r}")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise where.error(f"{name}: expected true or false, got {value!r}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise where.error(f"{name}: expected a whole number, got {value!r}")
        low, high = meta.get("min"), meta.get("max")
        if low is not None and value < low:
            raise where.error(f"{name}: must be at least {low}, got {value}")
        if high is not None and value > high:
            raise where.error(f"{name}: must be at most {high}, got {value}")
        return value
    if tp is str:
        if not isinstance(value, str) or not value.strip():
            raise where.error(f"{name}: expected non-empty text, got {value!r}")
        return value.strip()
    if tp is dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise where.error(f"{name}: expected a date (YYYY-MM-DD), got {value!r}")
    raise TypeError(f"no parser for field {name!r} of type {tp!r}")  # a programming error


def _check_keys(
    data: Mapping[str, Any], allowed: set[str], required: set[str], where: Where, what: str
) -> None:
    for key in data:
        if key not in allowed:
            raise where.at(_key_line(data, key)).error(
                f"unknown field {key!r} in {what}; allowed: {', '.join(sorted(allowed))}"
            )
    missing = sorted(required - set(data))
    if missing:
        raise where.error(f"{what} needs the field {missing[0]!r}")


def _mapping(value: Any, name: str, where: Where) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise where.error(f"{name}: expected a mapping, got {value!r}")
    return value


def _list(value: Any, name: str, where: Where) -> Sequence[Any]:
    if not isinstance(value, list):
        raise where.error(f"{name}: expected a list, got {value!r}")
    return value


# --------------------------------------------------------------------------- occupations


@dataclass(frozen=True, slots=True)
class Occupation:
    """One row of a category's occupation table (canada.ca columns: occupation, NOC code, TEER)."""

    code: str
    title: str
    teer: int

    def row(self) -> tuple[str, str, int]:
        """The row as canada.ca shows it: occupation, NOC 2021 code, TEER."""
        return (self.title, self.code, self.teer)


@dataclass(frozen=True)
class OccupationList:
    """The occupations a criterion lists, in table order, and the CSV file they came from."""

    occupations: tuple[Occupation, ...]
    file: str | None = None  # None: listed inline in the category file
    _codes: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_codes", frozenset(o.code for o in self.occupations))

    def __iter__(self) -> Iterator[Occupation]:
        return iter(self.occupations)

    def __len__(self) -> int:
        return len(self.occupations)

    def codes(self) -> frozenset[str]:
        return self._codes


def _checked_occupation(
    code: Any, title: str | None, teer: Any, where: Where, seen: set[str]
) -> Occupation:
    """A listed occupation, checked against NOC 2021 and the codes ``seen`` before it."""
    if not isinstance(code, str):
        raise where.error(f"NOC code {code!r} must be quoted text of five digits, e.g. '00012'")
    if not _NOC_CODE.match(code):
        raise where.error(f"NOC code {code!r} is not five digits")
    group = noc.lookup(code)
    if group is None:
        raise where.error(f"NOC code {code!r} is not a NOC 2021 unit group")
    if teer is not None and str(teer) != str(group.teer):
        raise where.error(f"NOC code {code}: TEER {teer!r} does not match NOC 2021 ({group.teer})")
    if code in seen:
        raise where.error(f"NOC code {code} is listed twice")
    seen.add(code)
    return Occupation(code=code, title=title or group.title, teer=group.teer)


def _read_occupation_file(name: str, where: Where) -> OccupationList:
    """Read an occupation CSV (noc_code,title,teer) from the category data folder."""
    base = where.data_dir or where.source.parent
    path = (base / name).resolve()
    if not path.is_relative_to(base.resolve()) or path.suffix != ".csv":
        raise where.error(f"occupation file {name!r} must be a .csv file in {base}")
    if not path.is_file():
        raise where.error(f"occupation file {name!r} does not exist in {base}")
    listed_in = f"(listed in {where})"
    rows: list[Occupation] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header != _OCCUPATION_COLUMNS:
            columns = ",".join(_OCCUPATION_COLUMNS)
            raise CategoryDataError(
                f"{path} (line 1): expected the columns {columns}, got {header!r} {listed_in}"
            )
        for record in reader:
            at = Where(path, reader.line_num)
            if len(record) != len(_OCCUPATION_COLUMNS):
                raise CategoryDataError(f"{at}: expected 3 columns, got {record!r} {listed_in}")
            code, title, teer = (cell.strip() for cell in record)
            try:
                rows.append(_checked_occupation(code, title or None, teer, at, seen))
            except CategoryDataError as exc:
                raise CategoryDataError(f"{exc} {listed_in}") from None
    if not rows:
        raise where.error(f"occupation file {name!r} lists no occupation")
    return OccupationList(tuple(rows), file=name)


# --------------------------------------------------------------------------- criteria


CRITERIA: dict[str, type[Criterion]] = {}
"""Every criterion kind, by the ``kind`` name used in the data files."""

C = TypeVar("C", bound="Criterion")


@dataclass(frozen=True, kw_only=True)
class Criterion:
    """One condition of a category. Subclass with ``kind="name"`` to add a kind of criterion.

    ``from_data`` reads the subclass's dataclass fields from the data mapping, checking each
    value against the field's annotation (``str``, ``int``, ``bool``, ``datetime.date``,
    ``Literal[...]``, ``X | None``); ``field(metadata={"min": .., "max": ..})`` bounds a number.
    A field with a default is optional. A classmethod ``parse_<field>(value, where)`` reads a
    field the annotations cannot describe.
    """

    kind: ClassVar[str]
    note: str | None = None

    def __init_subclass__(cls, kind: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if kind is not None:
            if kind in CRITERIA:
                raise ValueError(f"criterion kind {kind!r} is already defined")
            cls.kind = kind
            CRITERIA[kind] = cls

    @classmethod
    def from_data(cls, data: Mapping[str, Any], where: Where) -> Self:
        where = where.at(getattr(data, "line", None))
        if data.get("kind", cls.kind) != cls.kind:
            raise where.error(f"the {cls.kind!r} criterion cannot have kind {data['kind']!r}")
        fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
        required = {
            name
            for name, f in fields.items()
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        }
        _check_keys(data, set(fields) | {"kind"}, required, where, f"the {cls.kind!r} criterion")
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        for name, f in fields.items():
            if name not in data:
                continue
            at = where.at(_key_line(data, name))
            parser = getattr(cls, f"parse_{name}", None)
            if parser is not None:
                values[name] = parser(data[name], at)
            else:
                values[name] = _parse_typed(hints[name], data[name], name, at, f.metadata)
        return cls(**values)


@dataclass(frozen=True, kw_only=True)
class LanguageCriterion(Criterion, kind="language"):
    """Test results at or above ``minimum`` (CLB for English, NCLC for French) in ``abilities``.

    ``first_official`` means the candidate's first official language, whichever it is.
    """

    language: Literal["french", "english", "first_official"]
    minimum: int = field(metadata={"min": 1, "max": 12})
    abilities: tuple[str, ...]

    @classmethod
    def parse_abilities(cls, value: Any, where: Where) -> tuple[str, ...]:
        if value == "all":
            return ABILITIES
        items = _list(value, "abilities", where)
        if not items or len(set(items)) != len(items) or not set(items) <= set(ABILITIES):
            raise where.error(f"abilities: expected 'all' or a list of {', '.join(ABILITIES)}")
        return tuple(a for a in ABILITIES if a in items)


@dataclass(frozen=True, kw_only=True)
class OccupationExperienceCriterion(Criterion, kind="occupation_experience"):
    """Work experience in a listed occupation.

    At least ``minimum_months`` of full-time work (``full_time_hours_per_week``), or an equal
    amount of part-time work when ``part_time_equivalent``, within the ``window_years`` before the
    round; continuous if ``continuous``; in one single listed occupation if
    ``single_occupation``; in Canada if ``location`` is ``canada``. IRCC states for the 2026
    categories and physicians that the listed occupation need not be the primary occupation.
    """

    occupations: OccupationList
    minimum_months: int = field(metadata={"min": 1})
    window_years: int = field(metadata={"min": 1})
    continuous: bool
    location: Literal["anywhere", "canada"]
    full_time_hours_per_week: int = field(metadata={"min": 1, "max": 168})
    part_time_equivalent: bool
    single_occupation: bool

    @property
    def minimum_hours(self) -> int:
        """The minimum in hours of full-time work: 12 months at 30 h/week is 1,560 hours."""
        return self.minimum_months * self.full_time_hours_per_week * 52 // 12

    @classmethod
    def parse_occupations(cls, value: Any, where: Where) -> OccupationList:
        if isinstance(value, Mapping):
            _check_keys(value, {"file"}, {"file"}, where, "occupations")
            name = _parse_typed(str, value["file"], "occupations.file", where, {})
            return _read_occupation_file(name, where)
        items = _list(value, "occupations", where)
        if not items:
            raise where.error("occupations: the list is empty")
        seen: set[str] = set()
        return OccupationList(
            tuple(
                _checked_occupation(code, None, None, where.at(_item_line(items, i)), seen)
                for i, code in enumerate(items)
            )
        )


@dataclass(frozen=True, kw_only=True)
class JobOfferCriterion(Criterion, kind="job_offer"):
    """An offer of arranged employment from ``employer`` for at least ``minimum_months``."""

    employer: str
    minimum_months: int = field(metadata={"min": 1})
    arranged_through: str | None = None


@dataclass(frozen=True, kw_only=True)
class CredentialCriterion(Criterion, kind="credential"):
    """A completed post-secondary credential of at least ``minimum_years``.

    A credential obtained outside Canada needs an Educational Credential Assessment when
    ``eca_required_if_foreign``.
    """

    minimum_years: int = field(metadata={"min": 1})
    eca_required_if_foreign: bool


@dataclass(frozen=True, kw_only=True)
class AttestationCriterion(Criterion, kind="attestation"):
    """A condition the profile format cannot show (``text``).

    It is not verifiable from the profile: an evaluation assumes it is met and says so.
    """

    text: str


# --------------------------------------------------------------------------- category versions


@dataclass(frozen=True)
class CategoryVersion:
    """One version of a category, as set by the Minister: dates, reasons and criteria."""

    slug: str
    official_name: str
    year: int
    instruction_label: str | None  # the round name IRCC uses; None when no round has been seen
    effective_from: dt.date
    effective_to: dt.date | None  # inclusive; None while in force
    reference: Reference
    economic_goal: str
    selection_rationale: str
    consultation_notes: str
    priority: bool
    criteria: tuple[Criterion, ...]
    source: Path
    last_verified_on: dt.date
    see_also: tuple[Reference, ...] = ()
    notes: tuple[str, ...] = ()
    confidence: str | None = None
    lines: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def criteria_of(self, kind: type[C]) -> tuple[C, ...]:
        """The criteria of one kind, e.g. ``criteria_of(OccupationExperienceCriterion)``."""
        return tuple(c for c in self.criteria if isinstance(c, kind))

    def occupations(self) -> tuple[Occupation, ...]:
        """Every listed occupation, in table order (empty for a category without a list)."""
        seen: dict[str, Occupation] = {}
        for criterion in self.criteria_of(OccupationExperienceCriterion):
            for occupation in criterion.occupations:
                seen.setdefault(occupation.code, occupation)
        return tuple(seen.values())

    def period(self) -> str:
        end = self.effective_to.isoformat() if self.effective_to else "open-ended"
        return f"{self.effective_from.isoformat()} to {end}"


_VERSION_TEXT = ("official_name", "economic_goal", "selection_rationale", "consultation_notes")
_VERSION_REQUIRED = {
    "slug",
    "year",
    "instruction_label",
    "effective_from",
    "effective_to",
    "reference",
    "last_verified_on",
    "priority",
    "criteria",
    *_VERSION_TEXT,
}
_VERSION_FIELDS = _VERSION_REQUIRED | {"see_also", "notes", "confidence"}


def _reference(value: Any, name: str, where: Where) -> Reference:
    data = _mapping(value, name, where)
    _check_keys(data, {"title", "href", "citation"}, {"title"}, where, name)
    ref = Reference(
        title=_parse_typed(str, data["title"], f"{name}.title", where, {}),
        href=_parse_typed(str | None, data.get("href"), f"{name}.href", where, {}),
        citation=_parse_typed(str | None, data.get("citation"), f"{name}.citation", where, {}),
    )
    if not (ref.href or ref.citation):
        raise where.error(f"{name} needs an href or a citation")
    return ref


def _criterion(value: Any, where: Where) -> Criterion:
    data = _mapping(value, "criterion", where)
    kind = data.get("kind")
    if kind not in CRITERIA:
        known = ", ".join(sorted(CRITERIA))
        raise where.error(f"unknown criterion kind {kind!r}; known kinds: {known}")
    return CRITERIA[kind].from_data(data, where)


def parse_version(path: Path, data_dir: Path | None = None) -> CategoryVersion:
    """Read and check one category-version file, ``<data_dir>/<year>/<slug>.yaml``."""
    data_dir = data_dir or path.parent.parent
    top = Where(path, data_dir=data_dir)
    data = _mapping(_read_yaml(path), "the file", top)
    _check_keys(data, _VERSION_FIELDS, _VERSION_REQUIRED, top, "a category file")

    def at(key: str) -> Where:
        return top.at(_key_line(data, key))

    def typed(key: str, tp: Any, **meta: Any) -> Any:
        return _parse_typed(tp, data.get(key), key, at(key), meta)

    slug = typed("slug", str)
    if not _SLUG.match(slug):
        raise at("slug").error(f"slug {slug!r} must be lower-case letters, digits and '_'")
    if slug != path.stem:
        raise at("slug").error(f"slug {slug!r} does not match the file name {path.name!r}")
    year = typed("year", int, min=2000, max=2999)
    if path.parent.name != str(year):
        raise at("year").error(f"year {year} does not match the folder {path.parent.name!r}")
    start, end = typed("effective_from", dt.date), typed("effective_to", dt.date | None)
    if end is not None and end < start:
        raise at("effective_to").error(f"effective_to {end} is before effective_from {start}")
    notes = data.get("notes", [])
    if isinstance(notes, str):
        notes = [notes]
    notes = _list(notes, "notes", at("notes"))
    raw_criteria = _list(data["criteria"], "criteria", at("criteria"))
    if not raw_criteria:
        raise at("criteria").error("a category needs at least one criterion")
    see_also = _list(data.get("see_also", []), "see_also", at("see_also"))
    return CategoryVersion(
        slug=slug,
        year=year,
        instruction_label=typed("instruction_label", str | None),
        effective_from=start,
        effective_to=end,
        reference=_reference(data["reference"], "reference", at("reference")),
        priority=typed("priority", bool),
        criteria=tuple(
            _criterion(c, top.at(_item_line(raw_criteria, i))) for i, c in enumerate(raw_criteria)
        ),
        source=path,
        last_verified_on=typed("last_verified_on", dt.date),
        see_also=tuple(
            _reference(r, "see_also", top.at(_item_line(see_also, i)))
            for i, r in enumerate(see_also)
        ),
        notes=tuple(
            _parse_typed(str, n, "notes", top.at(_item_line(notes, i)), {})
            for i, n in enumerate(notes)
        ),
        confidence=typed("confidence", Literal["H", "M", "L"] | None),
        lines=dict(getattr(data, "key_lines", {})),
        **{key: typed(key, str) for key in _VERSION_TEXT},
    )


# --------------------------------------------------------------------------- the book


def _periods(versions: Sequence[CategoryVersion]) -> str:
    """The dates the versions cover, adjacent versions merged: '2023-05-31 to 2025-02-26'."""
    spans: list[list[dt.date | None]] = []
    for v in versions:
        last = spans[-1][1] if spans else None
        if last is not None and last + dt.timedelta(days=1) == v.effective_from:
            spans[-1][1] = v.effective_to
        else:
            spans.append([v.effective_from, v.effective_to])
    parts = [f"{a} to {b}" if b else f"from {a}" for a, b in spans]
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


class CategoryBook:
    """Every version of every category in one data folder, checked for overlaps."""

    def __init__(self, versions: Sequence[CategoryVersion], data_dir: Path) -> None:
        self.data_dir = data_dir
        by_slug: dict[str, list[CategoryVersion]] = {}
        for version in sorted(versions, key=lambda v: (v.slug, v.effective_from)):
            earlier = by_slug.setdefault(version.slug, [])
            if earlier and (
                earlier[-1].effective_to is None
                or earlier[-1].effective_to >= version.effective_from
            ):
                prev = earlier[-1]
                raise CategoryDataError(
                    f"{version.source} (line {version.lines.get('effective_from', '?')}): "
                    f"{version.slug!r} in force from {version.effective_from} overlaps "
                    f"{prev.source} (in force {prev.period()})"
                )
            earlier.append(version)
        # categories in the order they were first established, then by slug
        order = sorted(by_slug, key=lambda s: (by_slug[s][0].effective_from, s))
        self._versions = {slug: tuple(by_slug[slug]) for slug in order}

    @classmethod
    def load(cls, data_dir: Path | str = CATEGORIES_DIR) -> CategoryBook:
        """Read and check every ``<year>/<slug>.yaml`` file under ``data_dir``."""
        data_dir = Path(data_dir)
        versions = []
        for path in sorted(data_dir.rglob("*.yaml")):
            if len(path.relative_to(data_dir).parts) != 2:
                raise CategoryDataError(
                    f"{path}: category files go in {data_dir}/<year>/<slug>.yaml"
                )
            versions.append(parse_version(path, data_dir))
        return cls(versions, data_dir)

    def slugs(self) -> list[str]:
        """Every category, in the order first established (then by slug)."""
        return list(self._versions)

    def versions(self, slug: str) -> list[CategoryVersion]:
        """The versions of one category, oldest first."""
        try:
            return list(self._versions[slug])
        except KeyError:
            known = ", ".join(self._versions)
            raise UnknownCategory(f"no category {slug!r}; known categories: {known}") from None

    def __iter__(self) -> Iterator[CategoryVersion]:
        for versions in self._versions.values():
            yield from versions

    def in_force(self, on: dt.date) -> list[CategoryVersion]:
        """Every category version in force on ``on``, in the order of ``slugs()``."""
        return [v for versions in self._versions.values() for v in versions if v.in_force(on)]

    def version_at(self, slug: str, on: dt.date) -> CategoryVersion:
        """The version of ``slug`` in force on ``on``; raises CategoryNotInForce if none is."""
        versions = self.versions(slug)
        for version in versions:
            if version.in_force(on):
                return version
        raise CategoryNotInForce(
            f"category {slug!r} is not in force on {on.isoformat()}; "
            f"it is in force {_periods(versions)}"
        )


@cache
def default_categories() -> CategoryBook:
    """The categories shipped with the package (loaded once per process)."""
    return CategoryBook.load(CATEGORIES_DIR)


def occupation_table(version: CategoryVersion, filter_text: str | None = None) -> list[Occupation]:
    """The version's occupation table in order, optionally filtered.

    The filter keeps rows whose NOC code contains it or whose title contains every word of it,
    ignoring case and accents.
    """
    rows = list(version.occupations())
    query = noc.fold(filter_text or "").strip()
    if not query:
        return rows
    words = query.split()
    return [r for r in rows if query in r.code or all(w in noc.fold(r.title) for w in words)]
