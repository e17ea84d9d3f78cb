"""The real record of every Express Entry round of invitations since 2015, from IRCC's file.

IRCC publishes the rounds behind the canada.ca page "Express Entry rounds of invitations" as
``ee_rounds_123_en.json``: ``{"classes": ..., "rounds": [{...}, ...]}``, newest first, with every
value a string. A copy ships with the package (``data/ee_rounds.json``, see ``data/SOURCES.md``).
``import_file`` stores a newer copy in the user's data folder, and from then on it is the
active history.

The parser accepts the known quirks of IRCC's file and notes them on the round (``notes``):
numbers with thousands separators, free-text dates and times in many formats (missing ``at``
or ``UTC``, stray ``AM``/``PM`` on 24-hour times, ``March 02. 2024``, ``July 3rd 2026``, an
ISO date repeated inside the text, a tie-break without a year), all-zero distributions before
2022-01-19, round 91 split into ``91a`` and ``91b``, and category rounds renamed after the
fact (they are matched on the parsed category and version, never on the raw name). Anything
else it cannot read raises ``HistoryError`` with the round number and the field.

Only the standard library is imported, so that loading the history stays fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from expressentry.rounds.bands import BANDS

UTC = dt.UTC

#: IRCC's URL of the rounds file
SOURCE_URL = "https://www.canada.ca/content/dam/ircc/documents/json/ee_rounds_123_en.json"
DATA_DIR = Path(__file__).resolve().parent / "data"
#: the copy of IRCC's file shipped with the package
SHIPPED_FILE = DATA_DIR / "ee_rounds.json"
#: the imported file's name in the user's data folder
USER_FILE_NAME = "ee_rounds.json"

ROUND_TYPES = ("general", "program", "category")
PROGRAMS = ("cec", "fsw", "fst", "pnp")
#: what ``invitations_by`` and ``rounds_by`` can group by
GROUP_KEYS = ("round_type", "program", "category")

#: the distribution rows in canada.ca's order (dd1 ... dd17), then the pool total (dd18)
DISTRIBUTION_LABELS: tuple[str, ...] = (*(label for label, _, _ in BANDS), "total")
_DD = tuple(f"dd{i}" for i in range(1, 19))
#: broad bands and the ten-point rows they sum up (indices into _DD)
_SUBTOTALS = ((2, slice(3, 8)), (8, slice(9, 14)))
#: the rows that partition the pool: 601-1200, 501-600, 451-500, 401-450, 351-400, 301-350, 0-300
_PARTITION = (0, 1, 2, 8, 14, 15, 16)

#: keys every round must have (IRCC's file has 31; the links and labels are not needed)
REQUIRED_KEYS = (
    "drawNumber",
    "drawDate",
    "drawName",
    "drawSize",
    "drawCRS",
    "drawText2",
    "drawDateTime",
    "drawCutOff",
    "drawDistributionAsOn",
    *_DD,
)

#: a distribution this many days older than the round is noted
STALE_SNAPSHOT_DAYS = 10


class HistoryError(ValueError):
    """IRCC's rounds file (or a query on it) cannot be used; the message says where and why."""


class UnknownRound(HistoryError, LookupError):
    """No round with that number in the history."""


@dataclass(frozen=True)
class HistoricalRound:
    """One round of invitations as IRCC published it, with the values parsed."""

    draw_number: str  #: IRCC's number, a string because of "91a" and "91b"
    number: int  #: the number without its letter
    date: dt.date  #: the date of the round, as IRCC dates it
    held_at: dt.datetime  #: date and time of the round (UTC); midnight UTC if not published
    round_type: str  #: general, program or category
    program: str | None  #: cec, fsw, fst or pnp for program rounds
    category: str | None  #: the category's slug for category rounds
    category_version: str | None  #: the instruction version in the name: "1", "2", "2026-3"
    name: str  #: IRCC's name of the round (the "Round type" column), trimmed
    invitations: int
    crs_cutoff: int  #: CRS score of the lowest-ranked candidate invited
    tie_break: dt.datetime | None  #: profiles at the cutoff submitted before this were invited
    rank_needed: int  #: rank required to be invited (= invitations)
    distribution_date: dt.date | None  #: the date of the pool snapshot
    #: candidates in the pool per CRS band (canada.ca's rows) and "total"; None if not published
    distribution: dict[str, int] | None = field(hash=False)
    eligible_programs: tuple[str, ...]  #: programs the round could invite from (cec, fsw, ...)
    notes: tuple[str, ...] = ()  #: data-quality flags

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def label(self) -> str:
        """The round type as a short label: "general", "program: cec", "category: stem (v1)"."""
        if self.round_type == "program":
            return f"program: {self.program}"
        if self.round_type == "category":
            version = f" (v{self.category_version})" if self.category_version else ""
            return f"category: {self.category}{version}"
        return self.round_type

    def document(self) -> dict[str, Any]:
        """The round as JSON-ready values (dates ISO 8601, times in UTC with ``Z``)."""
        return {
            "draw_number": self.draw_number,
            "number": self.number,
            "date": self.date.isoformat(),
            "held_at": iso_utc(self.held_at),
            "round_type": self.round_type,
            "program": self.program,
            "category": self.category,
            "category_version": self.category_version,
            "name": self.name,
            "invitations": self.invitations,
            "crs_cutoff": self.crs_cutoff,
            "tie_break": iso_utc(self.tie_break),
            "rank_needed": self.rank_needed,
            "distribution_date": self.distribution_date.isoformat()
            if self.distribution_date
            else None,
            "distribution": dict(self.distribution) if self.distribution is not None else None,
            "eligible_programs": list(self.eligible_programs),
            "notes": list(self.notes),
        }


def iso_utc(value: dt.datetime | None) -> str | None:
    """``2025-03-13T13:08:29Z``, or None."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


# --- round names ---------------------------------------------------------------------------------

#: category names, normalized by _name_key, to slugs
CATEGORY_NAMES: dict[str, str] = {
    "french language proficiency": "french_language_proficiency",
    "healthcare": "healthcare",
    "healthcare and social services": "healthcare_and_social_services",
    "stem": "stem",
    "trade": "trades",
    "transport": "transport",
    "agriculture and agri food": "agriculture_and_agri_food",
    "education": "education",
    "physicians with canadian work experience": "physicians_with_canadian_work_experience",
    "senior managers with canadian work experience": (
        "senior_managers_with_canadian_work_experience"
    ),
    "researchers with canadian work experience": "researchers_with_canadian_work_experience",
    "skilled military recruits": "skilled_military_recruits",
}
#: every category slug known, whether or not a round has used it
CATEGORY_SLUGS = tuple(sorted(set(CATEGORY_NAMES.values())))

_GENERAL_NAMES = {"no program specified", "general"}
_PROGRAM_NAMES = {
    "canadian experience class": "cec",
    "federal skilled worker": "fsw",
    "federal skilled trades": "fst",
    "provincial nominee": "pnp",
}
#: "STEM occupations (Version 1)", "French language proficiency (2023-1)" (the 2023-24 names)
_VERSION_IN_PARENS = re.compile(
    r"^(?P<name>.+?)\s*\(\s*(?:version\s*(?P<v>\d+)|(?P<y>\d{4})\s*-\s*(?P<n>\d+))\s*\)$", re.I
)
#: "Transport Occupations, 2026-Version 2", "French-Language proficiency 2026-Version 2"
_YEAR_VERSION = re.compile(r"^(?P<name>.+?)[\s,]+(?P<y>\d{4})\s*-\s*version\s*(?P<n>\d+)$", re.I)
#: the 2023 and 2024 names "(2023-1)" and "(2024-1)" were renamed "(Version 1)" by IRCC
_RENAMED_UP_TO = 2024


def _words(name: str) -> list[str]:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).split()


def _name_key(name: str) -> str:
    """A category name without case, punctuation, "occupations" or the plural of "trades"."""
    words = [w for w in _words(name) if w not in ("occupations", "occupation")]
    return " ".join("trade" if w == "trades" else w for w in words)


@lru_cache(maxsize=256)
def _round_name(name: str) -> tuple[str, str | None, str | None, str | None, tuple[str, ...]]:
    kind, program, category, version, notes = parse_round_name(name)
    return kind, program, category, version, tuple(notes)


def parse_round_name(name: str) -> tuple[str, str | None, str | None, str | None, list[str]]:
    """(round_type, program, category, category_version, notes) from IRCC's round name.

    Raises ``ValueError`` for a name that is neither a general, a program nor a category round.
    """
    text = " ".join(name.split())
    words = _words(text)
    if " ".join(words) in _GENERAL_NAMES:
        return "general", None, None, None, []
    if words and words[-1] == "program":
        words = words[:-1]
    if " ".join(words) in _PROGRAM_NAMES:
        return "program", _PROGRAM_NAMES[" ".join(words)], None, None, []
    notes: list[str] = []
    version: str | None = None
    base = text
    if m := _VERSION_IN_PARENS.match(text):
        base = m["name"]
        if m["v"]:
            version = str(int(m["v"]))
        elif int(m["y"]) <= _RENAMED_UP_TO:
            version = str(int(m["n"]))
            notes.append(f"round name {text!r} is IRCC's older name of version {version}")
        else:
            version = f"{int(m['y'])}-{int(m['n'])}"
    elif m := _YEAR_VERSION.match(text):
        base = m["name"]
        version = f"{int(m['y'])}-{int(m['n'])}"
    slug = CATEGORY_NAMES.get(_name_key(base))
    if slug is None:
        if version is None:
            raise ValueError(f"{name!r} is not a round type known (general, program or category)")
        # a category with an instruction version that this code does not know yet
        slug = "_".join(_name_key(base).split()) or "unknown"
        notes.append(f"category {base!r} is not a known category; slug {slug!r} derived")
    if version is None:
        notes.append("category round name without an instruction version")
    return "category", None, slug, version, notes


@lru_cache(maxsize=256)
def parse_eligible_programs(text: str) -> tuple[str, ...]:
    """Program codes from IRCC's list of eligible programs (``drawText2``)."""
    rest = " " + " ".join(text.split()).lower() + " "
    found: list[str] = []
    for pattern, code in (
        (r"federal skilled worker(?: program)?", "fsw"),
        (r"canadian experience class", "cec"),
        (r"federal skilled trades?(?: program)?", "fst"),
        (r"provincial nominee(?: program)?", "pnp"),
    ):
        rest, n = re.subn(pattern, " ", rest)
        if n:
            found.append(code)
    leftover = re.sub(r"\b(and|or)\b|[,;&]", " ", rest).strip()
    if not found or leftover:
        raise ValueError(f"{text!r} is not a list of Express Entry programs")
    return tuple(found)


# --- numbers, dates and times --------------------------------------------------------------------


def parse_count(value: Any) -> int:
    """A whole number written by IRCC: "25,123", "1,000", "779" (or an int)."""
    if isinstance(value, str):
        text = value.strip()
        if text.isascii():
            if text.isdigit():
                return int(text)
            head, *groups = text.split(",")
            if (
                groups
                and 1 <= len(head) <= 3
                and head.isdigit()
                and all(len(g) == 3 and g.isdigit() for g in groups)
            ):
                return int(text.replace(",", ""))
    elif isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise ValueError(f"{value!r} is not a whole number")


_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS: dict[str, int] = {name: i for i, name in enumerate(_MONTH_NAMES, start=1)}
_MONTHS.update({name[:3]: i for i, name in enumerate(_MONTH_NAMES, start=1)})
_MONTHS["sept"] = 9

_TEXT_DATETIME = re.compile(
    r"""^
    (?P<month>[A-Za-z]+)\.?\s*
    (?P<day>\d{1,2})(?:st|nd|rd|th)?
    (?:\s*[.,]?\s*(?P<year>\d{4})(?![\d:]))?
    \s*,?
    (?:\s*at)?
    (?:\s*(?P<iso>\d{4}-\d{2}-\d{2}))?
    (?:\s*(?P<hour>\d{1,2}):(?P<minute>\d{2}):(?P<second>\d{2})
        (?:\s*(?P<ampm>[AaPp])\.?[Mm]\.?)?)?
    (?:\s*(?P<zone>UTC|GMT|Z))?
    \s*$""",
    re.X | re.I,
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DMY = re.compile(r"^(\d{2})-(\d{2})-(\d{4})$")


@dataclass
class _Stamp:
    """A free-text date and time as read, before a missing year is inferred."""

    year: int | None
    month: int
    day: int
    time: dt.time | None
    notes: list[str]

    def on(self, year: int) -> dt.datetime:
        return dt.datetime.combine(
            dt.date(year, self.month, self.day), self.time or dt.time(0), UTC
        )


#: IRCC's usual form, "August 7, 2026 at 10:08:20 UTC", read without the general parser
_USUAL_DATETIME = re.compile(r"([A-Z][a-z]+) (\d{1,2}), (\d{4}) at (\d\d):(\d\d):(\d\d) UTC")
_USUAL_DATE = re.compile(r"([A-Z][a-z]+) (\d{1,2}), (\d{4})")


def _usual_datetime(text: str) -> dt.datetime | None:
    """The usual form as a UTC time; None if the text is in another form (or not valid)."""
    m = _USUAL_DATETIME.fullmatch(text)
    if m is None or (month := _MONTHS.get(m[1].lower())) is None:
        return None
    try:
        return dt.datetime(int(m[3]), month, int(m[2]), int(m[4]), int(m[5]), int(m[6]), tzinfo=UTC)
    except ValueError:
        return None


def _usual_date(text: str) -> dt.date | None:
    m = _USUAL_DATE.fullmatch(text)
    if m is None or (month := _MONTHS.get(m[1].lower())) is None:
        return None
    try:
        return dt.date(int(m[3]), month, int(m[2]))
    except ValueError:
        return None


def parse_text_datetime(value: str) -> _Stamp:
    """Read IRCC's free-text "July 04, 2023 at 19:36:18 UTC" in any of its variants."""
    text = " ".join(value.split())
    notes: list[str] = []
    if text[:4].isdigit():
        return _iso_stamp(value, text)
    m = _TEXT_DATETIME.match(text)
    if not m:
        raise ValueError(f"{value!r} is not a date and time (e.g. 'July 4, 2023 at 19:36:18 UTC')")
    month = _MONTHS.get(m["month"].lower())
    if month is None:
        raise ValueError(f"{value!r}: {m['month']!r} is not a month")
    day = int(m["day"])
    year = int(m["year"]) if m["year"] else None
    check_year = year if year is not None else 2000  # a leap year, for February 29
    try:
        dt.date(check_year, month, day)
    except ValueError:
        raise ValueError(f"{value!r} is not a valid date") from None
    if m["iso"]:
        iso = dt.date.fromisoformat(m["iso"]) if _valid_iso(m["iso"]) else None
        if iso is None or (iso.month, iso.day) != (month, day) or year not in (None, iso.year):
            raise ValueError(f"{value!r}: the date is given twice, and the two disagree")
        year = iso.year
        notes.append("ISO date repeated inside text")
    time: dt.time | None = None
    if m["hour"] is not None:
        hour, minute, second = int(m["hour"]), int(m["minute"]), int(m["second"])
        if hour > 23 or minute > 59 or second > 59:
            raise ValueError(f"{value!r}: {m['hour']}:{m['minute']}:{m['second']} is not a time")
        if m["ampm"]:
            marker = m["ampm"].upper() + "M"
            converted = hour
            if hour <= 12:
                converted = hour % 12 + (12 if marker == "PM" else 0)
            if converted == hour:
                notes.append(f"stray {marker} marker")
            else:
                notes.append(f"12-hour time {hour:02d} {marker} read as {converted:02d}h")
                hour = converted
        time = dt.time(hour, minute, second)
        if not m["zone"]:
            notes.append("no UTC marker, UTC assumed")
    elif m["ampm"] or m["zone"]:
        raise ValueError(f"{value!r} is not a date and time")
    return _Stamp(year, month, day, time, notes)


def _iso_stamp(value: str, text: str) -> _Stamp:
    """ISO 8601, which IRCC does not use (yet): "2026-08-07" or "2026-08-07T10:08:20Z"."""
    if _ISO_DATE.match(text) and _valid_iso(text):
        day = dt.date.fromisoformat(text)
        return _Stamp(day.year, day.month, day.day, None, [])
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" UTC", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{value!r} is not a date and time (e.g. 'July 4, 2023 at 19:36:18 UTC')"
        ) from None
    notes = []
    if when.tzinfo is None:
        notes.append("no UTC marker, UTC assumed")
        when = when.replace(tzinfo=UTC)
    when = when.astimezone(UTC)
    return _Stamp(when.year, when.month, when.day, when.time().replace(microsecond=0), notes)


def _valid_iso(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _infer_year(stamp: _Stamp, not_after: dt.datetime) -> tuple[dt.datetime, int]:
    """The latest date with the stamp's month and day that is not after ``not_after``."""
    for year in range(not_after.year, not_after.year - 9, -1):
        try:
            when = stamp.on(year)
        except ValueError:  # February 29 in a common year
            continue
        if when <= not_after:
            return when, year
    raise ValueError("the year is missing and cannot be inferred")


# --- one round -----------------------------------------------------------------------------------


class _FieldError(Exception):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name


def _get(raw: Mapping[str, Any], key: str) -> Any:
    if key not in raw:
        raise _FieldError(key, "missing")
    value = raw[key]
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _FieldError(key, f"{value!r} is not a string")
    return value


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if type(value) is str:
        return value.strip()
    return str(_get(raw, key)).strip()


def _count(raw: Mapping[str, Any], key: str) -> int:
    try:
        return parse_count(_get(raw, key))
    except ValueError as exc:
        raise _FieldError(key, str(exc)) from None


def _round_date(raw: Mapping[str, Any], notes: list[str]) -> dt.date:
    text = _text(raw, "drawDate")
    full_text = str(raw.get("drawDateFull") or "").strip()
    full: dt.date | None = None
    if _ISO_DATE.match(text) and _valid_iso(text) and full_text in _spelled(text):
        return dt.date.fromisoformat(text)
    if full_text:
        try:
            stamp = parse_text_datetime(full_text)
            if stamp.year is None or stamp.time is not None:
                raise ValueError(f"{full_text!r} is not a date (e.g. 'July 4, 2023')")
            full = dt.date(stamp.year, stamp.month, stamp.day)
        except ValueError as exc:
            raise _FieldError("drawDateFull", str(exc)) from None
    if _ISO_DATE.match(text) and _valid_iso(text):
        date = dt.date.fromisoformat(text)
    elif m := _DMY.match(text):
        # IRCC once wrote "11-01-2023" (day first); drawDateFull says which reading is meant
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        readings = set()
        for day, month in ((a, b), (b, a)):
            with contextlib.suppress(ValueError):
                readings.add(dt.date(year, month, day))
        if full is None or full not in readings:
            raise _FieldError("drawDate", f"{text!r} is not a date (YYYY-MM-DD)")
        date = full
        notes.append(f"drawDate {text!r} not in ISO form; read as {date.isoformat()}")
    elif not text and full is not None:
        date = full
        notes.append("drawDate empty; date taken from drawDateFull")
    else:
        raise _FieldError("drawDate", f"{text!r} is not a date (YYYY-MM-DD)")
    if full is not None and full != date:
        notes.append(f"drawDateFull {full.isoformat()} disagrees with drawDate")
    return date


def _spelled(iso: str) -> tuple[str, str]:
    """ "2023-07-04" as IRCC spells it: "July 4, 2023" and "July 04, 2023"."""
    month = _MONTH_NAMES[int(iso[5:7]) - 1].capitalize()
    return f"{month} {int(iso[8:])}, {iso[:4]}", f"{month} {iso[8:]}, {iso[:4]}"


def _held_at(raw: Mapping[str, Any], date: dt.date, notes: list[str]) -> dt.datetime:
    text = _text(raw, "drawDateTime")
    usual = _usual_datetime(text)
    if usual is not None and usual.date() == date:
        return usual
    if not text:
        notes.append("round time not published; midnight UTC of the round date used")
        return dt.datetime.combine(date, dt.time(0), UTC)
    try:
        stamp = parse_text_datetime(text)
    except ValueError as exc:
        raise _FieldError("drawDateTime", str(exc)) from None
    notes.extend(f"round time: {n}" for n in stamp.notes)
    if stamp.year is None:
        # the round's own time: the year of the round date (or the next, for a New Year's Eve)
        candidates = []
        for year in (date.year, date.year + 1, date.year - 1):
            try:
                candidates.append(stamp.on(year))
            except ValueError:
                continue
        if not candidates:
            raise _FieldError("drawDateTime", f"{text!r}: the year is missing")
        when = min(candidates, key=lambda c: abs((c.date() - date).days))
        notes.append(f"round time: year missing in source, inferred as {when.year}")
    else:
        try:
            when = stamp.on(stamp.year)
        except ValueError as exc:
            raise _FieldError("drawDateTime", f"{text!r}: {exc}") from None
    if stamp.time is None:
        notes.append("round time not published; midnight UTC of the round date used")
    days = (when.date() - date).days
    if days == 1 and when.hour < 6:
        notes.append("round time falls on the next UTC day (evening in Ottawa)")
    elif abs(days) == 1:
        notes.append(f"round time date {when.date().isoformat()} disagrees with drawDate")
    elif days:
        notes.append(
            f"round time date {when.date().isoformat()} disagrees with drawDate by {abs(days)} "
            "days; drawDate used with the stated time"
        )
        when = dt.datetime.combine(date, when.timetz())
    return when


def _tie_break(
    raw: Mapping[str, Any], held_at: dt.datetime, notes: list[str]
) -> dt.datetime | None:
    text = _text(raw, "drawCutOff")
    if not text:
        return None
    usual = _usual_datetime(text)
    if usual is not None and usual < held_at:
        return usual
    try:
        stamp = parse_text_datetime(text)
        if stamp.time is None:
            raise ValueError(f"{text!r} has no time of day")
        if stamp.year is None:
            when, year = _infer_year(stamp, held_at)
            notes.append(f"tie-break: year missing in source, inferred as {year}")
        else:
            when = stamp.on(stamp.year)
    except ValueError as exc:
        raise _FieldError("drawCutOff", str(exc)) from None
    notes.extend(f"tie-break: {n}" for n in stamp.notes)
    if when >= held_at:
        notes.append("tie-break time is not before the round time")
    return when


def _distribution(
    raw: Mapping[str, Any], date: dt.date, notes: list[str]
) -> tuple[dt.date | None, dict[str, int] | None]:
    values = _fast_counts(raw)
    if values is None:  # the slow way, which names the field at fault
        values = [_count(raw, key) for key in _DD]
    as_on_text = _text(raw, "drawDistributionAsOn")
    if not any(values):
        notes.append("no distribution published (all dd fields 0)")
        return None, None
    try:
        usual = _usual_date(as_on_text)
        if usual is not None:
            as_on = usual
        elif _ISO_DATE.match(as_on_text) and _valid_iso(as_on_text):
            as_on = dt.date.fromisoformat(as_on_text)
        else:
            stamp = parse_text_datetime(as_on_text)
            if stamp.time is not None:
                raise ValueError(f"{as_on_text!r} is not a date (e.g. 'August 3, 2026')")
            if stamp.year is None:
                noon = dt.datetime.combine(date, dt.time(12), UTC)
                as_on = _infer_year(stamp, noon)[0].date()
                notes.append(f"distribution date: year missing, inferred as {as_on.year}")
            else:
                as_on = dt.date(stamp.year, stamp.month, stamp.day)
    except ValueError as exc:
        raise _FieldError("drawDistributionAsOn", str(exc)) from None
    for total_at, parts in _SUBTOTALS:
        subtotal = sum(values[parts])
        if subtotal != values[total_at]:
            label = DISTRIBUTION_LABELS[total_at]
            notes.append(f"{label} subranges sum {subtotal} != {values[total_at]}")
    pool = sum(values[i] for i in _PARTITION)
    if pool != values[17]:
        notes.append(f"distribution bands sum {pool} != total {values[17]}")
    if as_on > date:
        notes.append(f"distribution dated {as_on.isoformat()}, after the round")
    elif (date - as_on).days > STALE_SNAPSHOT_DAYS:
        notes.append(f"distribution is {(date - as_on).days} days older than the round")
    return as_on, dict(zip(DISTRIBUTION_LABELS, values, strict=True))


_COUNT_TEXT = r"(?:\d{1,3}(?:,\d{3})+|\d+)"
_COUNTS = re.compile(rf"{_COUNT_TEXT}(?:\|{_COUNT_TEXT})*")


def _fast_counts(raw: Mapping[str, Any]) -> list[int] | None:
    """dd1 ... dd18 as numbers, with one match for the whole row; None if any is odd."""
    try:
        joined = "|".join([raw[key] for key in _DD])
    except (KeyError, TypeError):
        return None
    if not joined.isascii() or not _COUNTS.fullmatch(joined):
        return None
    try:
        return json.loads("[" + joined.replace(",", "").replace("|", ",") + "]")
    except json.JSONDecodeError:  # leading zeros
        return None


_DRAW_NUMBER = re.compile(r"^(\d+)([a-z]?)$")


def _draw_number(raw: Mapping[str, Any]) -> tuple[str, int]:
    text = _text(raw, "drawNumber").lower()
    m = _DRAW_NUMBER.match(text)
    if not m or int(m[1]) < 1:
        raise _FieldError("drawNumber", f"{text!r} is not a round number (e.g. 250 or 91a)")
    return text, int(m[1])


def parse_round(raw: Mapping[str, Any], position: int = 0) -> HistoricalRound:
    """One round of IRCC's file; ``position`` (from 1) names the round if its number is bad."""
    if not isinstance(raw, Mapping):
        raise HistoryError(f"round at position {position}: not an object but {_kind(raw)}")
    where = f"round at position {position}"
    try:
        draw_number, number = _draw_number(raw)
        where = f"round {draw_number}"
        absent = [key for key in REQUIRED_KEYS if key not in raw]
        if absent:
            raise _FieldError(", ".join(absent), "missing")
        notes: list[str] = []
        name = " ".join(_text(raw, "drawName").split())
        try:
            round_type, program, category, version, name_notes = _round_name(name)
        except ValueError as exc:
            raise _FieldError("drawName", str(exc)) from None
        notes.extend(name_notes)
        invitations = _count(raw, "drawSize")
        cutoff = _count(raw, "drawCRS")
        if cutoff > 1200:
            raise _FieldError("drawCRS", f"{cutoff} is not a CRS score (0 to 1,200)")
        try:
            eligible = parse_eligible_programs(_text(raw, "drawText2"))
        except ValueError as exc:
            raise _FieldError("drawText2", str(exc)) from None
        if program is not None and program not in eligible:
            notes.append(f"eligible programs ({', '.join(eligible)}) do not include {program}")
        date = _round_date(raw, notes)
        held_at = _held_at(raw, date, notes)
        tie_break = _tie_break(raw, held_at, notes)
        distribution_date, distribution = _distribution(raw, date, notes)
    except _FieldError as exc:
        raise HistoryError(f"{where}: {exc.field_name}: {exc}") from None
    return HistoricalRound(
        draw_number=draw_number,
        number=number,
        date=date,
        held_at=held_at,
        round_type=round_type,
        program=program,
        category=category,
        category_version=version,
        name=name,
        invitations=invitations,
        crs_cutoff=cutoff,
        tie_break=tie_break,
        rank_needed=invitations,
        distribution_date=distribution_date,
        distribution=distribution,
        eligible_programs=eligible,
        notes=tuple(notes),
    )


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"


# --- the whole file ------------------------------------------------------------------------------


def parse_ircc(source: str | bytes | Mapping[str, Any]) -> list[HistoricalRound]:
    """Every round of IRCC's rounds file (its text or the parsed JSON), oldest first.

    Raises ``HistoryError`` if it is not JSON, not IRCC's shape, or a value cannot be read.
    """
    doc: Any = source
    if isinstance(source, bytes | str):
        text = source.decode("utf-8-sig") if isinstance(source, bytes) else source
        try:
            doc = json.loads(text.lstrip("\ufeff"))
        except json.JSONDecodeError as exc:
            raise HistoryError(
                f"not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
            ) from None
    if not isinstance(doc, Mapping) or not isinstance(doc.get("rounds"), list):
        got = "an object without a 'rounds' list" if isinstance(doc, Mapping) else _kind(doc)
        raise HistoryError(
            f"not IRCC's rounds file: expected an object with a 'rounds' list, got {got}"
        )
    if not doc["rounds"]:
        raise HistoryError("not IRCC's rounds file: the 'rounds' list is empty")
    parsed = [parse_round(raw, i) for i, raw in enumerate(doc["rounds"], start=1)]
    seen: dict[str, int] = {}
    for r in parsed:
        if r.draw_number in seen:
            raise HistoryError(f"round {r.draw_number}: drawNumber: appears twice in the file")
        seen[r.draw_number] = 1
    parsed = _shared_snapshots(parsed)
    parsed.sort(key=lambda r: (r.date, r.number, r.draw_number))
    return parsed


def _shared_snapshots(parsed: list[HistoricalRound]) -> list[HistoricalRound]:
    """Note rounds whose distribution is identical to one published under another date."""
    groups: dict[tuple[int, ...], list[HistoricalRound]] = defaultdict(list)
    for r in parsed:
        if r.distribution is not None:
            groups[tuple(r.distribution.values())].append(r)
    extra: dict[str, str] = {}
    for group in groups.values():
        for r in group:
            others = [s for s in group if s.distribution_date != r.distribution_date]
            if others:
                numbers = ", ".join(s.draw_number for s in sorted(others, key=_order))
                extra[r.draw_number] = (
                    f"distribution identical to round(s) {numbers} published as of another date"
                )
    if not extra:
        return parsed
    return [
        replace(r, notes=(*r.notes, extra[r.draw_number])) if r.draw_number in extra else r
        for r in parsed
    ]


def _order(r: HistoricalRound) -> tuple[int, str]:
    return (r.number, r.draw_number)


# --- the active history --------------------------------------------------------------------------


def user_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "expressentry"


def user_history_file() -> Path:
    """Where ``import_file`` saves the imported file."""
    return user_data_dir() / USER_FILE_NAME


def active_file() -> Path:
    """The file ``load_history`` reads: the imported one if there is one, else the shipped one."""
    user = user_history_file()
    return user if user.is_file() else SHIPPED_FILE


#: parsed files by path: ((mtime, size), rounds)
_cache: dict[str, tuple[tuple[int, int], tuple[HistoricalRound, ...]]] = {}


def _read(path: Path) -> tuple[HistoricalRound, ...]:
    """The rounds of a file, parsed once for as long as the file does not change."""
    try:
        st = path.stat()
    except OSError as exc:
        raise HistoryError(f"{path}: cannot be read ({exc.strerror})") from None
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _cache.get(str(path))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    collecting = gc.isenabled()
    gc.disable()  # thousands of new objects, none of them garbage: no need to look for cycles
    try:
        rounds = tuple(parse_ircc(path.read_bytes()))
    except HistoryError as exc:
        hint = "" if path == SHIPPED_FILE else " (import a good file again, or delete this one)"
        raise HistoryError(f"{path}: {exc}{hint}") from None
    except OSError as exc:
        raise HistoryError(f"{path}: cannot be read ({exc.strerror})") from None
    finally:
        if collecting:
            gc.enable()
    _cache[str(path)] = (stamp, rounds)
    return rounds


def load_history() -> tuple[HistoricalRound, ...]:
    """Every round of the active history, oldest first (cached until the file changes)."""
    return _read(active_file())


def load_shipped() -> tuple[HistoricalRound, ...]:
    """Every round of the file shipped with the package, oldest first."""
    return _read(SHIPPED_FILE)


def clear_cache() -> None:
    _cache.clear()


@dataclass(frozen=True)
class ImportReport:
    """What ``import_file`` did."""

    saved_to: Path
    rounds: int  #: rounds in the imported file
    latest: HistoricalRound
    added: tuple[str, ...]  #: draw numbers not in the shipped file
    changed: tuple[str, ...]  #: rounds of the shipped file whose published values differ
    missing: tuple[str, ...]  #: rounds of the shipped file not in the imported one
    previous_rounds: int  #: rounds in the history that was active before

    def document(self) -> dict[str, Any]:
        return {
            "saved_to": str(self.saved_to),
            "rounds": self.rounds,
            "latest": self.latest.draw_number,
            "latest_date": self.latest.date.isoformat(),
            "added": list(self.added),
            "changed": list(self.changed),
            "missing": list(self.missing),
            "previous_rounds": self.previous_rounds,
        }


def _published(r: HistoricalRound) -> dict[str, Any]:
    doc = r.document()
    doc.pop("notes")
    return doc


def import_file(path: str | Path, *, allow_missing: bool = False) -> ImportReport:
    """Check a newer copy of IRCC's rounds file and make it the active history.

    The file is saved unchanged in the user's data folder. It is refused if it cannot be
    parsed, or if it lacks rounds of the shipped file (an older copy) unless ``allow_missing``.
    """
    source = Path(path)
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise HistoryError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise HistoryError(f"{source}: is a folder, not IRCC's rounds file") from None
    except OSError as exc:
        raise HistoryError(f"{source}: cannot be read ({exc.strerror})") from None
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HistoryError(f"{source}: not a UTF-8 text file") from None
    try:
        parsed = parse_ircc(data)
    except HistoryError as exc:
        raise HistoryError(f"{source}: {exc}") from None
    shipped = {r.draw_number: r for r in load_shipped()}
    new = {r.draw_number: r for r in parsed}
    added = tuple(r.draw_number for r in parsed if r.draw_number not in shipped)
    missing = tuple(
        n for n, r in sorted(shipped.items(), key=lambda kv: _order(kv[1])) if n not in new
    )
    changed = tuple(
        r.draw_number
        for r in parsed
        if r.draw_number in shipped and _published(r) != _published(shipped[r.draw_number])
    )
    if missing and not allow_missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise HistoryError(
            f"{source}: lacks {len(missing)} rounds of the shipped history ({shown}); "
            "it looks older than the shipped file (use --force to import it anyway)"
        )
    try:
        previous = len(load_history())
    except HistoryError:
        previous = 0
    target = user_history_file()
    import tempfile

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".ee_rounds.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise HistoryError(f"{target}: cannot be written ({exc.strerror})") from None
    _cache.pop(str(target), None)
    return ImportReport(
        saved_to=target,
        rounds=len(parsed),
        latest=max(parsed, key=lambda r: (r.date, r.number, r.draw_number)),
        added=added,
        changed=changed,
        missing=missing,
        previous_rounds=previous,
    )


def remove_import() -> bool:
    """Delete the imported file, so that the shipped history is active again."""
    target = user_history_file()
    _cache.pop(str(target), None)
    if target.is_file():
        target.unlink()
        return True
    return False


# --- queries -------------------------------------------------------------------------------------


def _history(history: Iterable[HistoricalRound] | None) -> Iterable[HistoricalRound]:
    return load_history() if history is None else history


def rounds(
    year: int | None = None,
    round_type: str | None = None,
    program: str | None = None,
    category: str | None = None,
    *,
    history: Iterable[HistoricalRound] | None = None,
) -> list[HistoricalRound]:
    """Rounds matching every filter given, oldest first.

    ``program`` selects program rounds (cec, fsw, fst, pnp), ``category`` category rounds (a
    slug). Raises ``HistoryError`` for an unknown value or filters that exclude each other.
    """
    items = list(_history(history))
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise HistoryError(f"{year!r} is not a year")
    if round_type is not None:
        round_type = round_type.lower()
        if round_type not in ROUND_TYPES:
            raise HistoryError(f"unknown round type {round_type!r} (general, program or category)")
    if program is not None:
        program = program.lower()
        if program not in PROGRAMS:
            raise HistoryError(f"unknown program {program!r} (cec, fsw, fst or pnp)")
        if round_type not in (None, "program"):
            raise HistoryError(f"a program ({program}) selects program rounds, not {round_type}")
    if category is not None:
        known = set(CATEGORY_SLUGS) | {r.category for r in items if r.category}
        if category not in known:
            raise HistoryError(f"unknown category {category!r} (known: {', '.join(sorted(known))})")
        if round_type not in (None, "category"):
            raise HistoryError(f"a category ({category}) selects category rounds, not {round_type}")
    if program is not None and category is not None:
        raise HistoryError("a round is either a program round or a category round, not both")
    out = [
        r
        for r in items
        if (year is None or r.date.year == year)
        and (round_type is None or r.round_type == round_type)
        and (program is None or r.program == program)
        and (category is None or r.category == category)
    ]
    out.sort(key=lambda r: (r.date, r.number, r.draw_number))
    return out


def get(
    number: int | str, *, history: Iterable[HistoricalRound] | None = None
) -> list[HistoricalRound]:
    """The round with that number: ``get(250)``, ``get("91a")``; ``get(91)`` gives 91a and 91b.

    Raises ``UnknownRound`` if there is none.
    """
    text = str(number).strip().lower().lstrip("#")
    m = _DRAW_NUMBER.match(text)
    if not m:
        raise UnknownRound(f"{number!r} is not a round number (e.g. 250 or 91a)")
    items = list(_history(history))
    if m[2]:
        found = [r for r in items if r.draw_number == text]
    else:
        found = [r for r in items if r.number == int(m[1])]
    if not found:
        span = ""
        if items:
            span = f" (rounds {min(r.number for r in items)} to {max(r.number for r in items)})"
        raise UnknownRound(f"no round {text} in the history{span}")
    return sorted(found, key=_order)


def _grouped(
    year: int | None, key: str, history: Iterable[HistoricalRound] | None
) -> dict[str, list[HistoricalRound]]:
    if key not in GROUP_KEYS:
        raise HistoryError(f"cannot group by {key!r} ({', '.join(GROUP_KEYS)})")
    groups: dict[str, list[HistoricalRound]] = (
        {t: [] for t in ROUND_TYPES} if key == "round_type" else {}
    )
    for r in rounds(year, history=history):
        value = getattr(r, key)
        if value is not None:
            groups.setdefault(value, []).append(r)
    if key != "round_type":
        groups = dict(sorted(groups.items()))
    return groups


def invitations_by(
    year: int | None, key: str, *, history: Iterable[HistoricalRound] | None = None
) -> dict[str, int]:
    """Invitations per round type, program or category in a year (every year if None).

    ``key="round_type"`` gives general, program and category (zeros included), adding up to
    the year's total; ``key="program"`` covers program rounds only and ``key="category"``
    category rounds only.
    """
    return {k: sum(r.invitations for r in v) for k, v in _grouped(year, key, history).items()}


def rounds_by(
    year: int | None, key: str, *, history: Iterable[HistoricalRound] | None = None
) -> dict[str, int]:
    """Number of rounds per round type, program or category (as ``invitations_by``)."""
    return {k: len(v) for k, v in _grouped(year, key, history).items()}


def total_invitations(
    year: int | None = None, *, history: Iterable[HistoricalRound] | None = None
) -> int:
    """Invitations issued in all rounds of a year (of every year if None)."""
    return sum(r.invitations for r in rounds(year, history=history))


def years(*, history: Iterable[HistoricalRound] | None = None) -> list[int]:
    """The years that have rounds."""
    return sorted({r.date.year for r in _history(history)})
