"""The CRS of a whole pool, column-wise (numpy), from the same rules as the single-profile path.

A pool is scored in two steps:

1. **Loading** (Python, once per pool and date): each profile's facts are derived with
   :func:`expressentry.profile.facts.derive`, exactly as for one profile, and
   :func:`columns_from_facts` copies what the CRS formulas read into :class:`FactColumns`, numpy
   arrays with one row per profile. The facts that are predicates of a record rather than
   numbers (is the job offer a qualifying offer, with an LMIA only or LMIA-exempt too) are
   decided here by the single-profile function (:func:`expressentry.scoring.crs.qualifying_offer`).
2. **Scoring** (numpy only, no Python loop over rows): :func:`score_columns` reads the dated
   tables in force (:func:`expressentry.scoring.crs.tables_at`, the very tables the
   single-profile path reads) and applies the block formulas in force on the date. Every lookup
   is a gather from a 256-entry array built from a table (points by level, years, age or
   education code), caps are ``np.minimum``, and the "single" and "with spouse" versions of a
   table are the two halves of one array, chosen per row.

The *shape* of each block comes from a registry parallel to ``crs.formulas``: every dated
formula of the single-profile path has a vectorised twin registered here under the same name
and date (``vector_formulas``); a test checks that the two registries have the same versions,
so that a new rule shape cannot be added to one path only.

Category eligibility of the same columns is in :mod:`expressentry.eligibility.vectorized`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from expressentry.profile.facts import Facts, PersonFacts
from expressentry.profile.model import EDUCATION_ORDER
from expressentry.rules.formulas import FormulaRegistry
from expressentry.rules.tables import RuleBook, default_rulebook
from expressentry.scoring.crs import (
    BLOCKS,
    CRS_EPOCH,
    BeforeExpressEntry,
    Tables,
    qualifying_offer,
    tables_at,
)

if TYPE_CHECKING:
    from expressentry.profile.model import Profile
    from expressentry.rules.categories import CategoryBook

#: education levels as small integers (the CRS order); -1 where there is none
EDUCATION_CODES: dict[str, int] = {level: i for i, level in enumerate(EDUCATION_ORDER)}
NONE = -1
#: first official language codes
LANGUAGE_CODES: dict[str | None, int] = {None: 0, "english": 1, "french": 2}

Bool = NDArray[np.bool_]
Ints = NDArray[np.integer[Any]]
Points = NDArray[np.int32]
Columns = dict[str, Points]

POINTS = np.int32
_NO_LEVELS = (0, 0, 0, 0)


# --- the columns ------------------------------------------------------------------------------

#: small numbers (ages, years, levels, codes) are int8; larger values are clamped to this
SMALL_MAX = 127


@dataclass(frozen=True, eq=False)
class FactColumns:
    """What the CRS formulas (and the category criteria) read from ``Facts``, one row per profile.

    Every number is an int8 column: ages and years of work above 127 are stored as 127 (the
    tables end far below, so the points are the same). Language levels are ``(n, 4)`` int8
    arrays, abilities in the order of ``rules.language.ABILITIES``, stored ability by ability
    (Fortran order) so that ``levels[:, k]`` is contiguous; 0 when there is no result, and the
    ``has_*`` flag says whether there is one (a result can be CLB 0).
    ``criteria`` holds the verdicts of category criteria that are not decided column-wise,
    computed while loading (see :mod:`expressentry.eligibility.vectorized`).
    """

    as_of: dt.date
    with_spouse: Bool
    age: Ints  # -1 when the date of birth is unknown
    education: Ints  # EDUCATION_CODES
    canadian_education: Ints  # EDUCATION_CODES, -1 when none earns points
    first_language: Ints  # LANGUAGE_CODES
    first_levels: Ints
    has_first: Bool
    second_levels: Ints
    has_second: Bool
    english_levels: Ints
    has_english: Bool
    french_levels: Ints
    has_french: Bool
    canadian_work_years: Ints
    foreign_work_years: Ints
    has_spouse: Bool  # spouse facts present (scored only when ``with_spouse`` too)
    spouse_education: Ints  # -1 without spouse facts
    spouse_first_levels: Ints
    spouse_has_first: Bool
    spouse_canadian_work_years: Ints
    certificate_of_qualification: Bool
    provincial_nomination: Bool
    #: a qualifying job offer where an LMIA is required (the 2015 rule)
    offer_lmia: Bool
    #: a qualifying job offer where an LMIA-exempt offer also counts (from 2016-11-19)
    offer_lmia_or_exempt: Bool
    #: the offer is in NOC Major Group 00 (senior management)
    offer_senior: Bool
    sibling_in_canada: Bool
    #: verdicts of category criteria decided while loading, by ``(slug, year, index)``
    criteria: Mapping[tuple[str, int, int], Bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.with_spouse)
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, np.ndarray):
                continue
            if len(value) != n:
                raise ValueError(f"column {f.name} has {len(value)} rows, expected {n}")
            if value.dtype not in (np.bool_, np.int8):
                raise TypeError(f"column {f.name} is {value.dtype}, expected bool or int8")
            if value.ndim == 2 and not value.flags.f_contiguous:
                object.__setattr__(self, f.name, np.asfortranarray(value))
        for key, value in self.criteria.items():
            if len(value) != n:
                raise ValueError(f"criterion column {key} has {len(value)} rows, expected {n}")

    def __len__(self) -> int:
        return len(self.with_spouse)

    def take(self, rows: Ints | Sequence[int]) -> FactColumns:
        """The columns of the given rows (in that order; a row may repeat)."""
        index = np.asarray(rows, dtype=np.intp)
        changes: dict[str, Any] = {
            f.name: getattr(self, f.name)[index]
            for f in dataclasses.fields(self)
            if isinstance(getattr(self, f.name), np.ndarray)
        }
        changes["criteria"] = {k: v[index] for k, v in self.criteria.items()}
        return dataclasses.replace(self, **changes)


def _small(value: int) -> int:
    return min(value, SMALL_MAX)


def _levels(levels: tuple[int, ...] | None) -> tuple[int, ...]:
    return levels if levels else _NO_LEVELS


def columns_from_facts(
    facts: Sequence[Facts],
    profiles: Sequence[Profile] | None = None,
    *,
    as_of: dt.date | None = None,
    rulebook: RuleBook | None = None,
    categories: CategoryBook | None = None,
) -> FactColumns:
    """Columns of already-derived facts, all as of one date (loading: a Python loop).

    With ``profiles`` (the profiles the facts were derived from, in the same order), the
    category criteria that are not decided column-wise are decided here, row by row, by the
    single-profile evaluators, for every category version in force on the date
    (:func:`expressentry.eligibility.vectorized.precompute_criteria`).
    """
    dates = {f.as_of for f in facts}
    if as_of is not None:
        dates.add(as_of)
    if len(dates) != 1:
        raise ValueError(
            "columns hold facts as of one date; got "
            + (", ".join(sorted(d.isoformat() for d in dates)) or "no date (pass as_of)")
        )
    (day,) = dates
    n = len(facts)
    small = {
        k: np.empty(n, dtype=np.int8)
        for k in ("age", "edu", "cedu", "lang", "cyears", "fyears", "sp_edu", "sp_years")
    }
    flags = {
        k: np.empty(n, dtype=bool)
        for k in ("ws", "spouse", "coq", "pnp", "lmia", "exempt", "senior", "sibling")
    }
    lv: dict[str, list[tuple[int, ...]]] = {k: [] for k in ("first", "second", "en", "fr", "sp")}
    has = {k: np.empty(n, dtype=bool) for k in lv}
    codes = EDUCATION_CODES
    for i, f in enumerate(facts):
        p: PersonFacts = f.principal
        flags["ws"][i] = f.with_spouse
        small["age"][i] = NONE if p.age is None else _small(p.age)
        small["edu"][i] = codes[p.education]
        small["cedu"][i] = NONE if p.canadian_education is None else codes[p.canadian_education]
        small["lang"][i] = LANGUAGE_CODES[p.first_language]
        for key, levels in (
            ("first", p.first_levels),
            ("second", p.second_levels),
            ("en", p.english_levels),
            ("fr", p.french_levels),
        ):
            has[key][i] = bool(levels)
            lv[key].append(_levels(levels))
        small["cyears"][i] = _small(p.canadian_work_years)
        small["fyears"][i] = _small(p.foreign_work_years)
        s = f.spouse
        flags["spouse"][i] = s is not None
        if s is not None:
            small["sp_edu"][i] = codes[s.education]
            small["sp_years"][i] = _small(s.canadian_work_years)
            has["sp"][i] = bool(s.first_levels)
            lv["sp"].append(_levels(s.first_levels))
        else:
            small["sp_edu"][i] = NONE
            small["sp_years"][i] = 0
            has["sp"][i] = False
            lv["sp"].append(_NO_LEVELS)
        flags["coq"][i] = f.certificate_of_qualification
        flags["pnp"][i] = f.provincial_nomination
        offer = f.job_offer
        flags["lmia"][i] = qualifying_offer(offer, lmia_exempt_allowed=False)
        flags["exempt"][i] = qualifying_offer(offer, lmia_exempt_allowed=True)
        flags["senior"][i] = offer is not None and offer.major_group == "00"
        flags["sibling"][i] = f.sibling_in_canada

    def levels(key: str) -> Ints:
        return np.asfortranarray(np.array(lv[key], dtype=np.int8).reshape(n, 4))

    criteria: dict[tuple[str, int, int], Bool] = {}
    if profiles is not None:
        if len(profiles) != n:
            raise ValueError(f"{len(profiles)} profiles for {n} facts")
        from expressentry.eligibility.vectorized import precompute_criteria

        criteria = precompute_criteria(profiles, facts, day, categories, rulebook)
    return FactColumns(
        as_of=day,
        with_spouse=flags["ws"],
        age=small["age"],
        education=small["edu"],
        canadian_education=small["cedu"],
        first_language=small["lang"],
        first_levels=levels("first"),
        has_first=has["first"],
        second_levels=levels("second"),
        has_second=has["second"],
        english_levels=levels("en"),
        has_english=has["en"],
        french_levels=levels("fr"),
        has_french=has["fr"],
        canadian_work_years=small["cyears"],
        foreign_work_years=small["fyears"],
        has_spouse=flags["spouse"],
        spouse_education=small["sp_edu"],
        spouse_first_levels=levels("sp"),
        spouse_has_first=has["sp"],
        spouse_canadian_work_years=small["sp_years"],
        certificate_of_qualification=flags["coq"],
        provincial_nomination=flags["pnp"],
        offer_lmia=flags["lmia"],
        offer_lmia_or_exempt=flags["exempt"],
        offer_senior=flags["senior"],
        sibling_in_canada=flags["sibling"],
        criteria=criteria,
    )


def columns_from_profiles(
    profiles: Iterable[Profile],
    as_of: dt.date,
    rulebook: RuleBook | None = None,
    categories: CategoryBook | None = None,
    *,
    with_categories: bool = True,
) -> FactColumns:
    """Derive every profile's facts as of ``as_of`` (as ``derive`` does for one) and load them."""
    from expressentry.profile.facts import derive

    profiles = list(profiles)
    facts = [derive(p, as_of, rulebook) for p in profiles]
    return columns_from_facts(
        facts,
        profiles if with_categories else None,
        as_of=as_of,
        rulebook=rulebook,
        categories=categories,
    )


# --- lookups ----------------------------------------------------------------------------------
#
# Every lookup is one gather from a table of 256 entries, indexed by an int8 column viewed as
# uint8 (no clipping, no widening): entry ``u`` holds the points for the int8 value whose bits
# are ``u`` (so -1 is entry 255). A "single" / "with spouse" pair of tables is one table of 512
# entries, indexed by ``u + 256 * with_spouse``.

#: the int8 value of each uint8 index
_SIGNED = np.arange(256, dtype=np.uint8).view(np.int8).astype(np.intp)


def _u8(column: Ints) -> NDArray[np.uint8]:
    if column.dtype != np.int8:
        raise TypeError(f"expected an int8 column, got {column.dtype}")
    return column.view(np.uint8)


@lru_cache(maxsize=1024)
def _step_table(points: tuple[int, ...]) -> Points:
    """``crs.step(points, v)`` for every int8 value ``v`` (below 0 gives 0, beyond the last row
    gives the last row)."""
    if not points:
        return np.zeros(256, dtype=POINTS)
    if len(points) > SMALL_MAX + 1:  # a clamped value would then score less than the real one
        raise ValueError(f"a table of {len(points)} rows cannot be looked up in an int8 column")
    table = np.asarray(points, dtype=POINTS)[np.clip(_SIGNED, 0, len(points) - 1)]
    table[_SIGNED < 0] = 0
    return table


@lru_cache(maxsize=1024)
def _exact_table(items: tuple[tuple[int, int], ...]) -> Points:
    """``dict(items).get(v, 0)`` for every int8 value ``v`` (negative: unknown, 0)."""
    table = np.zeros(256, dtype=POINTS)
    for key, points in items:
        if not 0 <= key < SMALL_MAX:
            raise ValueError(f"a key of {key} cannot be looked up in an int8 column")
        table[key] = points
    return table


def step_columns(points: Sequence[int], levels: Ints) -> Points:
    """``crs.step`` for every row of an int8 column: the points of the highest row reached."""
    return _step_table(tuple(points))[_u8(levels)]


def _offset(with_spouse: Bool) -> NDArray[np.uint16]:
    """256 for rows scored with a spouse, 0 for single rows (the second table of a pair)."""
    return with_spouse.astype(np.uint16) << 8


def _pair(table: Mapping[str, Any], build: Callable[[Any], Points]) -> Points:
    """The "single" and "with_spouse" tables of ``table``, built, one after the other."""
    return np.concatenate((build(table["single"]), build(table["with_spouse"])))


def _steps(points: Sequence[int]) -> Points:
    return _step_table(tuple(points))


def _exact(points: Mapping[int, int]) -> Points:
    return _exact_table(tuple(sorted(points.items())))


def _keyed_table(table: Mapping[str, int]) -> tuple[Points, NDArray[np.bool_] | None]:
    """Points by education code (-1 and unused codes: 0), and which codes the table lacks
    (None when it lists every level)."""
    points = np.zeros(256, dtype=POINTS)
    missing = np.zeros(256, dtype=bool)
    for code, level in enumerate(EDUCATION_ORDER):
        if level in table:
            points[code] = table[level]
        else:
            missing[code] = True
    return points, missing if missing.any() else None


def _keyed(table: Mapping[str, int], codes: Ints, what: str, rows: Bool | None = None) -> Points:
    """Points by education level (``codes``: EDUCATION_CODES, -1 gives 0).

    A level the table does not list is an error, as the ``KeyError`` of the single path is,
    for the rows that read the table (``rows``; all rows when None).
    """
    points, missing = _keyed_table(table)
    if missing is not None:
        unknown = missing[_u8(codes)]
        if rows is not None:
            unknown &= rows
        if unknown.any():
            level = EDUCATION_ORDER[int(codes[np.argmax(unknown)])]
            raise KeyError(f"{what}: no points for the level {level!r}")
    return points[_u8(codes)]


def _lowest(levels: Ints, present: Bool) -> Ints:
    """The lowest level of each row's four, -1 where there is no result."""
    lowest = np.minimum(
        np.minimum(levels[:, 0], levels[:, 1]), np.minimum(levels[:, 2], levels[:, 3])
    )
    return np.where(present, lowest, np.int8(NONE))


def _sum4(table: Points, levels: Ints, offset: NDArray[np.uint16] | None = None) -> Points:
    """The points of the four abilities added up."""
    total = _zeros(len(levels))
    for k in range(4):
        index = _u8(levels[:, k]) if offset is None else _u8(levels[:, k]) + offset
        total += table[index]
    return total


def _zeros(n: int) -> Points:
    return np.zeros(n, dtype=POINTS)


def _if(condition: Bool, points: int) -> Points:
    """``points`` where the condition holds, else 0."""
    return np.asarray((0, points), dtype=POINTS)[condition.view(np.uint8)]


# --- the block formulas, column-wise ----------------------------------------------------------

#: vectorised twins of ``crs.formulas``: the same names and dates
vector_formulas = FormulaRegistry()


@vector_formulas.register("crs.core", since="2015-01-01")
def core(c: FactColumns, t: Tables) -> Columns:
    ws = c.with_spouse
    offset = _offset(ws)
    ages = _pair(t["crs.core.age"], _exact)
    age = ages[_u8(c.age) + offset]
    education_table = t["crs.core.education"]
    education = np.where(
        ws,
        _keyed(education_table["with_spouse"], c.education, "crs.core.education", ws),
        _keyed(education_table["single"], c.education, "crs.core.education", ~ws),
    )
    first_table = _pair(t["crs.core.first_language"], _steps)
    first = _sum4(first_table, c.first_levels, offset) * c.has_first
    second_table = t["crs.core.second_language"]
    caps = np.asarray(
        (second_table["cap"]["single"], second_table["cap"]["with_spouse"]), dtype=POINTS
    )[ws.view(np.uint8)]
    per_ability = _sum4(_step_table(tuple(second_table["per_ability"])), c.second_levels)
    second = np.minimum(per_ability, caps) * c.has_second
    work = _pair(t["crs.core.canadian_work"], _steps)[_u8(c.canadian_work_years) + offset]
    return {
        "total": age + education + first + second + work,
        "age": age,
        "education": education,
        "first_language": first,
        "second_language": second,
        "canadian_work": work,
    }


@vector_formulas.register("crs.spouse", since="2015-01-01")
def spouse(c: FactColumns, t: Tables) -> Columns:
    scored = c.with_spouse & c.has_spouse
    if not scored.any():
        n = len(c)
        return {"total": _zeros(n), "education": _zeros(n), "language": _zeros(n),
                "canadian_work": _zeros(n)}  # fmt: skip
    education = _keyed(
        t["crs.spouse.education"], c.spouse_education, "crs.spouse.education", scored
    )
    education *= scored
    per_ability = _step_table(tuple(t["crs.spouse.language"]["per_ability"]))
    language = _sum4(per_ability, c.spouse_first_levels) * (scored & c.spouse_has_first)
    work = step_columns(t["crs.spouse.canadian_work"], c.spouse_canadian_work_years) * scored
    return {
        "total": education + language + work,
        "education": education,
        "language": language,
        "canadian_work": work,
    }


def _combination(
    row_offsets: NDArray[np.uint16], language_tables: Sequence[Sequence[int]],
    work_tables: Sequence[Sequence[int]], lowest_first: Ints, canadian_years: Ints, cap: int,
) -> Points:  # fmt: skip
    """A skill-transferability group. Each profile's row of the group is given as an offset
    (``256 * row``; row 0 is "none", which gives 0); the row's language and Canadian-work points
    add up to at most ``cap``."""
    zero = np.zeros(256, dtype=POINTS)
    language = np.concatenate([zero, *(_step_table(tuple(r)) for r in language_tables)])
    work = np.concatenate([zero, *(_step_table(tuple(r)) for r in work_tables)])
    points = language[_u8(lowest_first) + row_offsets]
    points += work[_u8(canadian_years) + row_offsets]
    return np.minimum(points, POINTS(cap))


@vector_formulas.register("crs.transferability", since="2015-01-01")
def transferability(c: FactColumns, t: Tables) -> Columns:
    lowest = _lowest(c.first_levels, c.has_first)
    years = c.canadian_work_years
    # education group: each level's row (0: a level the group does not list)
    edu_t = t["crs.transferability.education"]
    names = list(dict.fromkeys(edu_t["rows"].values()))
    by_code = np.zeros(256, dtype=np.uint16)
    for code, level in enumerate(EDUCATION_ORDER):
        if level in edu_t["rows"]:
            by_code[code] = 256 * (names.index(edu_t["rows"][level]) + 1)
    education = _combination(
        by_code[_u8(c.education)],
        [edu_t["with_language"][r] for r in names],
        [edu_t["with_canadian_work"][r] for r in names],
        lowest,
        years,
        edu_t["cap"],
    )
    # foreign work group: the row of min(years, the last row's years); none below one year
    fw_t = t["crs.transferability.foreign_work"]
    names = list(dict.fromkeys(fw_t["rows"].values()))
    last = max(fw_t["rows"])
    by_years = np.zeros(256, dtype=np.uint16)
    missing = np.zeros(256, dtype=bool)  # years with no row: a KeyError in the single path
    for u, years_worked in enumerate(_SIGNED):
        if years_worked >= 1:
            row = fw_t["rows"].get(min(int(years_worked), last))
            if row is None:
                missing[u] = True
            else:
                by_years[u] = 256 * (names.index(row) + 1)
    if missing.any() and missing[_u8(c.foreign_work_years)].any():
        raise KeyError("crs.transferability.foreign_work: no row for some years of work")
    foreign = _combination(
        by_years[_u8(c.foreign_work_years)],
        [fw_t["with_language"][r] for r in names],
        [fw_t["with_canadian_work"][r] for r in names],
        lowest,
        years,
        fw_t["cap"],
    )
    coq_t = t["crs.transferability.certificate"]
    certificate = np.minimum(step_columns(coq_t["with_language"], lowest), POINTS(coq_t["cap"]))
    certificate *= c.certificate_of_qualification
    total = np.minimum(
        education + foreign + certificate, POINTS(t["crs.transferability.cap"]["cap"])
    )
    return {"total": total, "education": education, "foreign_work": foreign,
            "certificate": certificate}  # fmt: skip


def _nomination(c: FactColumns, t: Tables) -> Points:
    return _if(c.provincial_nomination, t["crs.additional.provincial_nomination"]["points"])


def _job_offer(c: FactColumns, t: Tables) -> Points:
    table = t["crs.additional.job_offer"]
    qualifies = c.offer_lmia if table["lmia_required"] else c.offer_lmia_or_exempt
    return _if(qualifies & c.offer_senior, table["senior_management"]) + _if(
        qualifies & ~c.offer_senior, table["other"]
    )


def _french(c: FactColumns, t: Tables) -> Points:
    table = t["crs.additional.french"]
    french = _lowest(c.french_levels, c.has_french) >= table["french_minimum_nclc"]
    english = _lowest(c.english_levels, c.has_english) >= table["english_minimum_clb"]
    return _if(french & english, table["french_and_english"]) + _if(
        french & ~english, table["french_only"]
    )


def _canadian_education(c: FactColumns, t: Tables) -> Points:
    table = t["crs.additional.canadian_education"]
    by_level = {level: table[group] for level, group in table["levels"].items()}
    return _keyed(
        by_level, c.canadian_education, "crs.additional.canadian_education",
        c.canadian_education != NONE,
    )  # fmt: skip


def _sibling(c: FactColumns, t: Tables) -> Points:
    return _if(c.sibling_in_canada, t["crs.additional.sibling"]["points"])


ADDITIONAL_PARTS = ("provincial_nomination", "job_offer", "french", "canadian_education", "sibling")


def _additional(c: FactColumns, t: Tables, **parts: Points) -> Columns:
    n = len(c)
    block = {"total": _zeros(n)}
    for name in ADDITIONAL_PARTS:
        block[name] = parts.get(name, _zeros(n))
    total = _zeros(n)
    for points in parts.values():
        total += points
    block["total"] = np.minimum(total, POINTS(t["crs.additional.cap"]["cap"]))
    return block


@vector_formulas.register("crs.additional", since="2015-01-01")
def additional_2015(c: FactColumns, t: Tables) -> Columns:
    return _additional(c, t, provincial_nomination=_nomination(c, t), job_offer=_job_offer(c, t))


@vector_formulas.register("crs.additional", since="2016-11-19")
def additional_2016(c: FactColumns, t: Tables) -> Columns:
    return _additional(
        c,
        t,
        provincial_nomination=_nomination(c, t),
        job_offer=_job_offer(c, t),
        canadian_education=_canadian_education(c, t),
    )


@vector_formulas.register("crs.additional", since="2017-06-06")
def additional_2017(c: FactColumns, t: Tables) -> Columns:
    return _additional(
        c,
        t,
        provincial_nomination=_nomination(c, t),
        job_offer=_job_offer(c, t),
        french=_french(c, t),
        canadian_education=_canadian_education(c, t),
        sibling=_sibling(c, t),
    )


@vector_formulas.register("crs.additional", since="2025-03-25")
def additional_2025(c: FactColumns, t: Tables) -> Columns:
    return _additional(
        c,
        t,
        provincial_nomination=_nomination(c, t),
        french=_french(c, t),
        canadian_education=_canadian_education(c, t),
        sibling=_sibling(c, t),
    )


# --- the whole score --------------------------------------------------------------------------

#: the score document's blocks, in its order
BLOCK_KEYS = ("core", "spouse", "transferability", "additional")


@lru_cache(maxsize=512)
def vector_rules_at(
    rulebook: RuleBook, on: dt.date
) -> tuple[Tables, tuple[Callable[[FactColumns, Tables], Columns], ...]]:
    """The tables (the single path's, ``crs.tables_at``) and the vectorised block formulas in
    force on ``on``."""
    return tables_at(rulebook, on), tuple(vector_formulas.at(name, on) for name in BLOCKS)


def score_columns(
    cols: FactColumns, as_of: dt.date | None = None, rulebook: RuleBook | None = None
) -> dict[str, Points]:
    """The CRS of every row as of ``as_of`` (the date the columns were derived for).

    Keys: ``"total"`` and ``"<block>.<part>"`` for every part of the score document
    (``"core.total"``, ``"core.age"``, ..., ``"additional.sibling"``); int32 arrays.
    """
    on = cols.as_of if as_of is None else as_of
    if on < CRS_EPOCH:
        raise BeforeExpressEntry(
            f"as_of {on.isoformat()}: the CRS began with Express Entry on 2015-01-01"
        )
    if on != cols.as_of:
        raise ValueError(
            f"the columns hold facts as of {cols.as_of.isoformat()}, not {on.isoformat()}: "
            "derive the facts again for another date"
        )
    t, blocks = vector_rules_at(rulebook or default_rulebook(), on)
    out: dict[str, Points] = {"total": _zeros(len(cols))}
    for key, formula in zip(BLOCK_KEYS, blocks, strict=True):
        block = formula(cols, t)
        out["total"] += block["total"]
        for part, points in block.items():
            out[f"{key}.{part}"] = points
    return out


def rules_version(as_of: dt.date, rulebook: RuleBook | None = None) -> str:
    """The CRS rule set in force (``Score.rules_version``)."""
    return tables_at(rulebook or default_rulebook(), as_of)["crs.versions"]["id"]


def document(scores: Mapping[str, Points], row: int, as_of: dt.date) -> dict[str, Any]:
    """Row ``row``'s score document, as ``Score.document()`` gives it for one profile."""
    doc: dict[str, Any] = {"total": int(scores["total"][row]), "as_of": as_of.isoformat()}
    for key in BLOCK_KEYS:
        doc[key] = {}
    for name, points in scores.items():
        if "." in name:
            block, part = name.split(".", 1)
            doc[block][part] = int(points[row])
    return doc


def documents_json(scores: Mapping[str, Points], as_of: dt.date) -> list[str]:
    """Every row's score document as JSON text, ``json.dumps(document(scores, row, as_of))``
    for each row, written from one template (the documents of a date have the same keys)."""
    parts: dict[str, list[tuple[str, str]]] = {key: [] for key in BLOCK_KEYS}
    for name in scores:
        if "." in name:
            block, part = name.split(".", 1)
            parts[block].append((part, name))

    def key(text: str) -> str:
        return json.dumps(text).replace("%", "%%")

    pieces = [f'{{"total": %d, "as_of": {key(as_of.isoformat())}']
    columns = [scores["total"]]
    for block, names in parts.items():
        inner = ", ".join(f"{key(part)}: %d" for part, _ in names)
        pieces.append(f"{key(block)}: {{{inner}}}")
        columns += [scores[name] for _, name in names]
    template = ", ".join(pieces) + "}"
    return [template % row for row in zip(*(c.tolist() for c in columns), strict=True)]
