"""Program eligibility as of a date: Federal Skilled Worker (with the 67-point selection grid),
Canadian Experience Class, Federal Skilled Trades, and the Express Entry entry rule.

Each program is a list of criteria, each met or not, with the facts it used and, when it is not
met, a reason a person can act on. The rules' numbers come from the dated tables of
``rules/data/programs`` (``programs.fsw``, ``programs.fsw_grid``, ``programs.cec``,
``programs.fst``, ``programs.fst_trades``, ``programs.proof_of_funds``,
``programs.eca_validity``); the readings the code makes where the sources leave room are written
in those tables' notes.

Facts come from :func:`expressentry.profile.facts.derive` (ages, CLB levels of valid tests,
counted credentials, Canadian work) and the work periods of
:func:`~expressentry.profile.facts.work_periods`; nothing is derived twice. A language result two
or more years old and an ECA five or more years old are not counted by the facts, so they cannot
qualify anyone: that is the Express Entry entry rule (MI ss. 3(4); crs-rules.md 6.4), together
with "eligible for at least one program".

:func:`assess_programs` explains every criterion; :func:`eligible_programs` gives only the three
verdicts, from the same helpers, for the pool's bulk paths (a million profiles need the flags,
not the words).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from expressentry.profile.facts import (
    DAYS_PER_YEAR,
    Facts,
    WorkPeriod,
    add_years,
    counts_as_canadian,
    derive,
    full_time_days,
    whole_years,
)
from expressentry.profile.model import EDUCATION_RANK, Profile
from expressentry.rules import language
from expressentry.rules.noc import unit_groups
from expressentry.rules.tables import RuleBook, RuleDataError, default_rulebook
from expressentry.scoring.crs import CRS_EPOCH, BeforeExpressEntry, qualifying_offer, step

__all__ = [
    "Criterion",
    "FswResult",
    "ProgramResult",
    "ProgramsResult",
    "assess_programs",
    "eligible_programs",
    "fst_trade_codes",
    "proof_of_funds_required",
]

ABILITIES = language.ABILITIES

_LEVEL_NAMES = {
    "less_than_secondary": "less than secondary school",
    "secondary": "a secondary school diploma",
    "one_year": "a one-year post-secondary credential",
    "two_year": "a two-year post-secondary credential",
    "bachelors": "a bachelor's degree or three-year program",
    "two_or_more": "two or more post-secondary credentials",
    "masters": "a master's or professional degree",
    "doctoral": "a doctoral degree",
}


# --- results ----------------------------------------------------------------------------------


class Criterion(NamedTuple):
    """One requirement of a program: whether it is met, and the facts used or what is missing.

    (An immutable named tuple: results build many of them, and a tuple is made several times
    faster than a frozen dataclass.)"""

    name: str
    met: bool
    detail: str


@dataclass(frozen=True, slots=True)
class ProgramResult:
    """A program's eligibility: every criterion, and the details of those not met."""

    eligible: bool
    criteria: list[Criterion]
    reasons: list[str]

    def criterion(self, name: str) -> Criterion:
        for c in self.criteria:
            if c.name == name:
                return c
        raise KeyError(f"no criterion named {name!r}")

    def document(self) -> dict[str, Any]:
        return {"eligible": self.eligible, "reasons": list(self.reasons)}


@dataclass(frozen=True, slots=True)
class FswResult(ProgramResult):
    """The Federal Skilled Worker result, with the selection grid's points and breakdown."""

    points: int = 0
    #: points per factor: first_language, second_language, education, experience, age,
    #: arranged_employment, adaptability (after its cap)
    grid: dict[str, int] = field(default_factory=dict)
    #: the adaptability items before the cap
    adaptability: dict[str, int] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        return {"eligible": self.eligible, "points": self.points, "reasons": list(self.reasons)}


def _result(criteria: list[Criterion]) -> tuple[bool, list[Criterion], list[str]]:
    reasons = [c.detail for c in criteria if not c.met]
    return not reasons, criteria, reasons


@dataclass(frozen=True, slots=True)
class ProgramsResult:
    """The three programs as of one date, and the Express Entry entry rule."""

    as_of: dt.date
    fsw: FswResult
    cec: ProgramResult
    fst: ProgramResult

    @property
    def express_entry_eligible(self) -> bool:
        """Eligible for at least one program managed by Express Entry."""
        return self.fsw.eligible or self.cec.eligible or self.fst.eligible

    def document(self) -> dict[str, Any]:
        """The ``programs`` part of the eligibility document (profile-format.md)."""
        return {
            "fsw": self.fsw.document(),
            "cec": self.cec.document(),
            "fst": self.fst.document(),
        }


# --- rule tables ------------------------------------------------------------------------------


#: the largest CLB level, age and years of experience the grid's lookup tuples hold (larger
#: values read the last entry)
_MAX_LEVEL, _MAX_AGE, _MAX_YEARS = 12, 150, 80


def _steps(table: dict[int, int], top: int) -> tuple[int, ...]:
    """A step table (scoring.crs.step) as a tuple indexed by value 0..top."""
    return tuple(step(table, value) for value in range(top + 1))


@dataclass(frozen=True, slots=True)
class _Rules:
    """The programs' tables in force on one date, with the grid's steps laid out for lookup."""

    fsw: dict[str, Any]
    grid: dict[str, Any]
    cec: dict[str, Any]
    fst: dict[str, Any]
    trades: frozenset[str]
    trades_label: str
    funds: dict[str, Any] | None
    funds_first: dt.date
    eca_years: int
    fsw_start: dt.date  # first day of the FSW work window
    cec_start: dt.date  # first day of the CEC work window
    fst_start: dt.date  # first day of the FST work window
    first_points: tuple[int, ...]  # FSW grid points per first-language level
    age_points: tuple[int, ...]  # FSW grid points per age
    experience_points: tuple[int, ...]  # FSW grid points per whole year of experience
    study_rank: int  # lowest education rank of a credential that is "study in Canada"


@lru_cache(maxsize=256)
def fst_trade_codes(include: tuple[str, ...], exclude: tuple[str, ...]) -> frozenset[str]:
    """The NOC 2021 unit groups whose code starts with a prefix of ``include`` and with none of
    ``exclude`` (the skilled trades of IRPR 87.2(1), from ``programs.fst_trades``)."""
    return frozenset(
        code
        for code in unit_groups()
        if code.startswith(include) and not (exclude and code.startswith(exclude))
    )


@lru_cache(maxsize=512)
def _rules_at(rulebook: RuleBook, on: dt.date) -> _Rules:
    trades = rulebook["programs.fst_trades"].at(on)
    funds_table = rulebook["programs.proof_of_funds"]
    grid = rulebook["programs.fsw_grid"].at(on)
    fsw, cec, fst = (rulebook[f"programs.{name}"].at(on) for name in ("fsw", "cec", "fst"))
    if grid["experience_window_years"] != fsw["work_window_years"]:
        raise RuleDataError(
            f"programs.fsw_grid on {on}: the experience window must be the FSW work window"
        )
    return _Rules(
        fsw=fsw,
        grid=grid,
        cec=cec,
        fst=fst,
        trades=fst_trade_codes(tuple(trades["include"]), tuple(trades.get("exclude") or ())),
        trades_label=" ".join(str(trades["label"]).split()),
        funds=funds_table.get(on),
        funds_first=funds_table.versions[0].effective_from,
        eca_years=rulebook["programs.eca_validity"].at(on)["years"],
        fsw_start=add_years(on, -fsw["work_window_years"]),
        cec_start=add_years(on, -cec["window_years"]),
        fst_start=add_years(on, -fst["window_years"]),
        first_points=_steps(grid["language"]["first_per_ability"], _MAX_LEVEL),
        age_points=_steps(grid["age"], _MAX_AGE),
        experience_points=_steps(grid["experience"], _MAX_YEARS),
        study_rank=EDUCATION_RANK[grid["adaptability"]["study_minimum_level"]],
    )


def proof_of_funds_required(table: dict[str, Any], family_size: int) -> int:
    """Settlement funds needed for a family of ``family_size`` under one proof-of-funds table."""
    amounts: dict[int, int] = table["amounts"]
    largest = max(amounts)
    if family_size <= largest:
        return amounts[max(family_size, 1)]
    return amounts[largest] + (family_size - largest) * table["each_additional"]


# --- wording ----------------------------------------------------------------------------------


def _span(days: float) -> str:
    """A duration of full-time-equivalent days in years and months ("1 year 2 months").

    Months are rounded with a day and a half of tolerance (304 days, August to May, is
    10 months) but never up to a whole year that is not reached (364 days is 11 months)."""
    months = min(int(days * 12 / DAYS_PER_YEAR + 0.05), whole_years(days) * 12 + 11)
    years, months = divmod(months, 12)
    parts = []
    if years:
        parts.append(f"{years} year{'s' if years != 1 else ''}")
    if months:
        parts.append(f"{months} month{'s' if months != 1 else ''}")
    if not parts:
        return "none" if days <= 0 else f"{int(days + 1e-9)} days"
    return " ".join(parts)


def _span_days(days: float) -> str:
    return f"{_span(days)} ({int(days + 1e-9)} days full-time equivalent)"


def _years(n: int) -> str:
    return f"{n} year{'s' if n != 1 else ''}"


def _level(scale: str, level: int) -> str:
    return f"{scale} {level}" if level else f"below {scale} 4"


def _money(amount: float) -> str:
    return f"${amount:,.0f}" if float(amount).is_integer() else f"${amount:,.2f}"


# --- one assessment ---------------------------------------------------------------------------


class _Assessment:
    """The facts of one profile on one date, and the criteria the programs share."""

    __slots__ = (
        "_language_text",
        "_no_test",
        "facts",
        "levels",
        "offer_ok",
        "on",
        "periods",
        "profile",
        "rulebook",
        "rules",
        "scale",
    )

    def __init__(self, profile: Profile, facts: Facts, rules: _Rules, rulebook: RuleBook) -> None:
        self.profile = profile
        self.facts = facts
        self.rules = rules
        self.rulebook = rulebook
        self.on = facts.as_of
        self.periods = facts.principal.work  # work_periods(profile.work_history, ...)
        self.offer_ok = qualifying_offer(facts.job_offer, lmia_exempt_allowed=True)
        self.levels = facts.principal.first_levels
        self.scale = "NCLC" if facts.principal.first_language == "french" else "CLB"
        self._language_text: str | None = None
        self._no_test: str | None = None

    def language(self, minimums: tuple[int, int, int, int], needed: Callable[[], str]) -> Criterion:
        """The first-official-language criterion for per-ability ``minimums`` (in ABILITIES
        order); ``needed`` words the minimum, called only when it is not met."""
        levels = self.levels
        if levels is None:
            if self._no_test is None:
                self._no_test = self._no_language_detail()
            return Criterion("language", False, f"{needed()}; {self._no_test}")
        if _levels_meet(levels, minimums):
            if self._language_text is None:  # the same words for the three programs
                sc = self.scale
                self._language_text = (
                    f"{self.facts.principal.first_language}: listening {sc} {levels[0]}, "
                    f"reading {sc} {levels[1]}, writing {sc} {levels[2]}, "
                    f"speaking {sc} {levels[3]}"
                )
            return Criterion("language", True, self._language_text)
        short = ", ".join(
            f"{a} is {_level(self.scale, lvl)}"
            for a, lvl, need in zip(ABILITIES, levels, minimums, strict=True)
            if lvl < need
        )
        return Criterion("language", False, f"{needed()}; {short}")

    def _no_language_detail(self) -> str:
        """Why the principal applicant has no valid result in the first official language."""
        on, book = self.on, self.rulebook
        taken = [t for t in self.profile.language_tests if t.taken_on <= on]
        if not taken:
            return (
                "no language test result: an approved test (CELPIP-General, IELTS General "
                f"Training, PTE Core, TEF Canada or TCF Canada) less than 2 years old on {on} is "
                "needed"
            )
        expired = [t for t in taken if not language.is_valid_on(t.taken_on, on, book)]
        if len(expired) == len(taken):
            shown = "; ".join(
                f"the {language.TEST_NAMES[t.test]} result of {t.taken_on} counted until "
                f"{language.valid_until(t.taken_on, book)}"
                for t in expired
            )
            return (
                f"no valid language test result on {on}: a result counts for 2 years ({shown}); "
                "a new test is needed"
            )
        first = self.facts.principal.first_language
        if first is not None:
            return (
                f"no valid language test result in {first}, the declared first official "
                f"language, on {on}"
            )
        return f"no language test result that counts on {on} (the test was not accepted that day)"

    def residence(self) -> Criterion:
        if self.profile.intends_to_live_in_quebec:
            return Criterion(
                "residence",
                False,
                "the program is for people who plan to live outside Quebec; the profile says "
                "Quebec (Quebec selects its own skilled workers)",
            )
        return _OUTSIDE_QUEBEC

    def offer_problems(self) -> str:
        """Why the job offer is not a qualifying offer (scoring.crs.qualifying_offer)."""
        offer = self.facts.job_offer
        if offer is None:
            return "no job offer is given"
        problems = []
        if not offer.full_time:
            problems.append("it is not full time")
        if offer.duration_months < 12:
            problems.append(f"it lasts {offer.duration_months} months, at least 12 are needed")
        if not offer.non_seasonal:
            problems.append("it is seasonal")
        if offer.teer > 3:
            problems.append(f"{offer.noc} is TEER {offer.teer}, not skilled (TEER 0-3)")
        if not (offer.lmia or offer.lmia_exempt):
            problems.append("it needs a positive LMIA or an LMIA exemption")
        return f"the job offer ({offer.noc}) does not qualify: " + ", ".join(problems)

    def proof_of_funds(self) -> Criterion:
        profile, rules, on = self.profile, self.rules, self.on
        if _funds_waived(profile, self.offer_ok):
            return _FUNDS_WAIVED
        size = _family_size(profile)
        family = "1 person" if size == 1 else f"a family of {size}"
        if rules.funds is None:
            return Criterion(
                "proof_of_funds",
                False,
                f"proof of funds cannot be checked: the amounts in force on {on} are not in the "
                f"rule data (tables from {rules.funds_first})",
            )
        required = proof_of_funds_required(rules.funds, size)
        unless = " (not needed when authorized to work in Canada with a qualifying job offer)"
        funds = profile.settlement_funds_cad
        if funds is None:
            return Criterion(
                "proof_of_funds",
                False,
                f"settlement funds not given: at least {_money(required)} needed for {family} "
                f"on {on}{unless}",
            )
        if funds < required:
            return Criterion(
                "proof_of_funds",
                False,
                f"at least {_money(required)} of settlement funds needed for {family} on {on}; "
                f"{_money(funds)} declared, {_money(required - funds)} short{unless}",
            )
        return Criterion(
            "proof_of_funds",
            True,
            f"{_money(funds)} declared; {_money(required)} needed for {family}",
        )


def _levels_meet(levels: tuple[int, ...] | None, minimums: tuple[int, int, int, int]) -> bool:
    """Whether results (in ABILITIES order) reach per-ability minimums; no result never does."""
    return (
        levels is not None
        and levels[0] >= minimums[0]
        and levels[1] >= minimums[1]
        and levels[2] >= minimums[2]
        and levels[3] >= minimums[3]
    )


def _funds_waived(profile: Profile, offer_ok: bool) -> bool:
    """Proof of funds is not needed when authorized to work in Canada with a qualifying offer."""
    return profile.authorized_to_work_in_canada and offer_ok


def _family_size(profile: Profile) -> int:
    return profile.family_size or (2 if profile.spouse is not None else 1)


def _funds_met(profile: Profile, offer_ok: bool, rules: _Rules) -> bool:
    """The verdict of ``_Assessment.proof_of_funds``."""
    if _funds_waived(profile, offer_ok):
        return True
    funds = profile.settlement_funds_cad
    if rules.funds is None or funds is None:
        return False
    return funds >= proof_of_funds_required(rules.funds, _family_size(profile))


_OUTSIDE_QUEBEC = Criterion("residence", True, "plans to live outside Quebec")
_FUNDS_WAIVED = Criterion(
    "proof_of_funds", True, "not needed: authorized to work in Canada with a qualifying job offer"
)


# --- Federal Skilled Worker -------------------------------------------------------------------


def _fsw_counts(p: WorkPeriod) -> bool:
    """Paid skilled work (TEER 0-3), in Canada or abroad; self-employment and work during
    full-time study are not excluded (``programs.fsw`` notes)."""
    return p.skilled and p.paid


def _longest_run(jobs: list[WorkPeriod], start: dt.date, on: dt.date) -> float:
    """Full-time-equivalent days of the best run of jobs (in one occupation) that follow one
    another with no day off between them, within ``[start, on)``."""
    if len(jobs) == 1:
        return full_time_days(jobs, start, on)
    jobs = sorted(jobs, key=_start_of)
    best = 0.0
    run = [jobs[0]]
    run_end = jobs[0].end
    for p in jobs[1:]:
        if p.start <= run_end:
            run.append(p)
            run_end = max(run_end, p.end)
            continue
        best = max(best, full_time_days(run, start, on))
        run, run_end = [p], p.end
    return max(best, full_time_days(run, start, on))


def _start_of(p: WorkPeriod) -> dt.date:
    return p.start


def _fsw_counted(periods: Sequence[WorkPeriod], start: dt.date) -> list[WorkPeriod]:
    """The periods FSW counts that reach into its window."""
    return [p for p in periods if p.end > start and _fsw_counts(p)]


def _best_run(counted: list[WorkPeriod], start: dt.date, on: dt.date) -> tuple[float, str]:
    """The full-time-equivalent days of the best continuous run in one occupation, and its
    NOC ("" when nothing is counted)."""
    by_noc: dict[str, list[WorkPeriod]] = {}
    for p in counted:
        by_noc.setdefault(p.noc, []).append(p)
    best_days, best_noc = 0.0, ""
    for noc, jobs in by_noc.items():
        days = _longest_run(jobs, start, on)
        if days > best_days:
            best_days, best_noc = days, noc
    return best_days, best_noc


def _fsw_work(a: _Assessment, counted: list[WorkPeriod], start: dt.date) -> Criterion:
    """One year of continuous work in one occupation (NOC) within the window."""
    on, r = a.on, a.rules.fsw
    need = r["work_minimum_years"]
    best_days, best_noc = _best_run(counted, start, on)
    if whole_years(best_days) >= need:
        return Criterion("work_experience", True, f"{_span_days(best_days)} as {best_noc}")
    needed = (
        f"{_years(need)} of continuous full-time (or equal part-time) paid skilled work "
        f"(TEER 0-3) in one occupation within the {r['work_window_years']} years before {on} "
        "needed"
    )
    if not counted:
        return Criterion("work_experience", False, f"{needed}; none counted")
    hint = ""
    if whole_years(full_time_days(counted, start, on)) >= need:
        hint = " (work in different occupations, or with gaps between jobs, is not added up)"
    return Criterion(
        "work_experience",
        False,
        f"{needed}; the longest continuous run in one occupation is {_span_days(best_days)} "
        f"as {best_noc}{hint}",
    )


def _fsw_education(a: _Assessment) -> Criterion:
    level = a.facts.principal.education
    if level != "less_than_secondary":
        return Criterion("education", True, f"{_LEVEL_NAMES[level]} counted")
    on, years = a.on, a.rules.eca_years
    problems = []
    for c in a.profile.education:
        if c.canadian or (c.completed_on is not None and c.completed_on > on):
            continue
        what = f"the credential from {c.country} ({_LEVEL_NAMES[c.level]})"
        if c.eca is None or c.eca.issued_on > on:
            problems.append(f"{what} has no ECA")
        else:
            until = add_years(c.eca.issued_on, years) - dt.timedelta(days=1)
            problems.append(
                f"the ECA of {c.eca.issued_on} for {what} counted until {until}; a new ECA is "
                "needed"
            )
    return Criterion(
        "education",
        False,
        f"a Canadian credential, or a completed foreign credential with an educational "
        f"credential assessment (ECA) less than {years} years old, is needed; "
        + ("; ".join(problems) or "no credential is given"),
    )


def _fsw_grid(
    rules: _Rules, profile: Profile, facts: Facts, offer_ok: bool, experience_years: int
) -> tuple[dict[str, int], dict[str, int]]:
    """The FSW selection grid's points per factor, and the adaptability items before the cap."""
    g = rules.grid
    lang, ad = g["language"], g["adaptability"]
    p, s = facts.principal, facts.spouse
    first = 0
    if p.first_levels:
        top = len(rules.first_points) - 1
        first = sum(rules.first_points[min(lvl, top)] for lvl in p.first_levels)
    second = 0
    if p.second_levels and min(p.second_levels) >= lang["second_minimum"]:
        second = lang["second_points"]
    study_rank = rules.study_rank
    items = {
        "spouse_language": 0,
        "principal_study": 0,
        "spouse_study": 0,
        "principal_work": ad["principal_work"] if p.canadian_work_years >= 1 else 0,
        "spouse_work": 0,
        "arranged_employment": ad["arranged_employment"] if offer_ok else 0,
        "relative": ad["relative"] if profile.relative_in_canada else 0,
    }
    if profile.studied_in_canada or (
        p.canadian_education is not None and EDUCATION_RANK[p.canadian_education] >= study_rank
    ):
        items["principal_study"] = ad["principal_study"]
    if s is not None and profile.spouse is not None:  # an accompanying spouse, not a PR
        minimum = ad["spouse_language_minimum"]
        if any(lv and min(lv) >= minimum for lv in (s.english_levels, s.french_levels)):
            items["spouse_language"] = ad["spouse_language"]
        if profile.spouse.studied_in_canada or (
            s.canadian_education is not None and EDUCATION_RANK[s.canadian_education] >= study_rank
        ):
            items["spouse_study"] = ad["spouse_study"]
        if s.canadian_work_years >= 1:
            items["spouse_work"] = ad["spouse_work"]
    age = 0
    if p.age is not None:
        age = rules.age_points[min(p.age, len(rules.age_points) - 1)]
    grid = {
        "first_language": first,
        "second_language": second,
        "education": g["education"][p.education],
        "experience": rules.experience_points[
            min(experience_years, len(rules.experience_points) - 1)
        ],
        "age": age,
        "arranged_employment": g["arranged_employment"] if offer_ok else 0,
        "adaptability": min(sum(items.values()), ad["cap"]),
    }
    return grid, items


def _fsw(a: _Assessment, funds: Criterion) -> FswResult:
    on, r, g = a.on, a.rules.fsw, a.rules.grid
    minimum = r["language_minimum"]
    language_criterion = a.language(
        (minimum, minimum, minimum, minimum),
        lambda: f"{a.scale} {minimum} needed in all four abilities of the first official language",
    )
    # the work minimum and the experience factor have the same window (checked in _rules_at)
    start = a.rules.fsw_start
    counted = _fsw_counted(a.periods, start)
    years = whole_years(full_time_days(counted, start, on))
    grid, items = _fsw_grid(a.rules, a.profile, a.facts, a.offer_ok, years)
    points = sum(grid.values())
    pass_mark = g["pass_mark"]
    if points >= pass_mark:
        grid_criterion = Criterion("selection_grid", True, f"{points} points, {pass_mark} needed")
    else:
        breakdown = (
            f"first language {grid['first_language']}, second language "
            f"{grid['second_language']}, education {grid['education']}, experience "
            f"{grid['experience']}, age {grid['age']}, arranged employment "
            f"{grid['arranged_employment']}, adaptability {grid['adaptability']}"
        )
        grid_criterion = Criterion(
            "selection_grid",
            False,
            f"{pass_mark} points needed on the FSW selection grid; {points} scored ({breakdown})",
        )
    eligible, criteria, reasons = _result(
        [
            _fsw_work(a, counted, start),
            language_criterion,
            _fsw_education(a),
            grid_criterion,
            funds,
            a.residence(),
        ]
    )
    return FswResult(eligible, criteria, reasons, points=points, grid=grid, adaptability=items)


# --- Canadian Experience Class ----------------------------------------------------------------


def _cec(a: _Assessment) -> ProgramResult:
    on, c = a.on, a.rules.cec
    window, need = c["window_years"], c["minimum_years"]
    start = a.rules.cec_start
    counted = _cec_counted(a.periods, start)
    days = full_time_days(counted, start, on)
    if whole_years(days) >= need:
        work = Criterion(
            "canadian_work_experience",
            True,
            f"{_span_days(days)} of skilled work in Canada within the {window} years before {on}",
        )
    else:
        work = Criterion(
            "canadian_work_experience",
            False,
            f"{_years(need)} of skilled work (TEER 0-3) in Canada within the {window} years "
            f"before {on} needed; {_span_days(days)} counted{_left_out(a.periods, start, on)}",
        )
    minimums = c["language_minimum"]
    level = _cec_language_level(counted, start, on, need)
    minimum = minimums[level]
    if not counted:
        why = f"for TEER 2 or 3 work; {a.scale} {minimums['teer_0_1']} for TEER 0 or 1 work"
    elif level == "teer_2_3":
        why = "the qualifying work is in TEER 2 or 3 occupations"
    else:
        why = "the qualifying work includes TEER 0 or 1 occupations"
    language_criterion = a.language(
        (minimum, minimum, minimum, minimum),
        lambda: (
            f"{a.scale} {minimum} needed in all four abilities of the first official language "
            f"({why})"
        ),
    )
    return ProgramResult(*_result([work, language_criterion, a.residence()]))


def _cec_counted(periods: Sequence[WorkPeriod], start: dt.date) -> list[WorkPeriod]:
    """The Canadian work CEC counts that reaches into its window (``counts_as_canadian``)."""
    return [p for p in periods if p.end > start and counts_as_canadian(p)]


def _cec_language_level(counted: list[WorkPeriod], start: dt.date, on: dt.date, need: int) -> str:
    """Which CEC language minimum applies (a key of ``programs.cec``'s ``language_minimum``):
    TEER 0 or 1's when the qualifying work needs TEER 0 or 1 occupations, else TEER 2 or 3's
    (no work counted yet: TEER 2 or 3's, the lower)."""
    if not counted:
        return "teer_2_3"
    high = [p for p in counted if p.teer <= 1]
    if not high or (
        len(high) < len(counted)
        and whole_years(full_time_days([p for p in counted if p.teer >= 2], start, on)) >= need
    ):
        return "teer_2_3"
    return "teer_0_1"


def _left_out(periods: Sequence[WorkPeriod], start: dt.date, on: dt.date) -> str:
    """The skilled work in Canada in the window that CEC does not count, and why."""
    excluded = [
        p
        for p in periods
        if p.end > start and p.in_canada and p.skilled and not counts_as_canadian(p)
    ]
    if not excluded:
        return ""
    kinds = [
        kind
        for kind, present in (
            ("self-employed", any(p.self_employed for p in excluded)),
            ("unpaid", any(not p.paid for p in excluded)),
            ("done while a full-time student", any(p.during_full_time_study for p in excluded)),
        )
        if present
    ]
    return (
        f"; {_span(full_time_days(excluded, start, on))} of work in Canada that was "
        f"{' or '.join(kinds)} does not count"
    )


# --- Federal Skilled Trades -------------------------------------------------------------------


def _fst(a: _Assessment, funds: Criterion) -> ProgramResult:
    on, f, trades = a.on, a.rules.fst, a.rules.trades
    window, need = f["window_years"], f["minimum_years"]
    start = a.rules.fst_start
    days_by = _trade_days(a.periods, trades, start, on)
    qualified = {noc for noc, days in days_by.items() if whole_years(days) >= need}
    if qualified:
        best = max(qualified, key=days_by.__getitem__)
        work = Criterion("trade_experience", True, f"{_span_days(days_by[best])} as {best}")
    else:
        needed = (
            f"{_years(need)} of full-time (or equal part-time) paid work in one skilled trade "
            f"within the {window} years before {on} needed"
        )
        if days_by:
            best = max(days_by, key=days_by.__getitem__)
            detail = f"{needed}; the most in one trade is {_span_days(days_by[best])} as {best}"
        else:
            detail = (
                f"no work experience in a skilled trade within the {window} years before {on}: "
                f"{needed} ({a.rules.trades_label})"
            )
        work = Criterion("trade_experience", False, detail)

    minimums = f["language_minimum"]
    language_criterion = a.language(
        (
            minimums["listening"],
            minimums["reading"],
            minimums["writing"],
            minimums["speaking"],
        ),
        lambda: (
            f"{a.scale} {minimums['speaking']} needed for speaking and listening and "
            f"{a.scale} {minimums['reading']} for reading and writing"
        ),
    )
    return ProgramResult(
        *_result(
            [
                work,
                language_criterion,
                _fst_offer_or_certificate(a, qualified, need),
                funds,
                a.residence(),
            ]
        )
    )


def _trade_days(
    periods: Sequence[WorkPeriod], trades: frozenset[str], start: dt.date, on: dt.date
) -> dict[str, float]:
    """Full-time-equivalent days of paid work in each skilled trade within the window."""
    by_trade: dict[str, list[WorkPeriod]] = {}
    for p in periods:
        if p.noc in trades and p.paid and p.end > start:
            by_trade.setdefault(p.noc, []).append(p)
    return {noc: full_time_days(jobs, start, on) for noc, jobs in by_trade.items()}


def _certificate_in(profile: Profile, facts: Facts, allowed: Collection[str]) -> bool:
    coq = profile.certificate_of_qualification
    return coq is not None and facts.certificate_of_qualification and coq.noc in allowed


def _offer_in(profile: Profile, offer_ok: bool, allowed: Collection[str]) -> bool:
    offer = profile.job_offer
    return offer is not None and offer_ok and offer.noc in allowed


def _fst_offer_or_certificate(a: _Assessment, qualified: set[str], need: int) -> Criterion:
    """A qualifying job offer or a certificate of qualification, in the skilled trade of the
    experience (in any skilled trade while no trade has the experience)."""
    profile = a.profile
    offer, coq = profile.job_offer, profile.certificate_of_qualification
    allowed = qualified or a.rules.trades
    if coq is not None and _certificate_in(profile, a.facts, allowed):
        return Criterion(
            "job_offer_or_certificate",
            True,
            f"certificate of qualification in {coq.noc} issued by {coq.issued_by}",
        )
    if offer is not None and _offer_in(profile, a.offer_ok, allowed):
        return Criterion("job_offer_or_certificate", True, f"qualifying job offer in {offer.noc}")
    trade = (
        f"the trade of the {_years(need)} of experience ({', '.join(sorted(qualified))})"
        if qualified
        else "a skilled trade"
    )
    problems = []
    if offer is None and coq is None:
        problems.append("the profile has neither")
    if offer is not None:
        if not a.offer_ok:
            problems.append(a.offer_problems())
        else:
            problems.append(f"the job offer is in {offer.noc}, not in {trade}")
    if coq is not None:
        if not a.facts.certificate_of_qualification:
            problems.append(f"the certificate of qualification is dated after {a.on}")
        else:
            problems.append(f"the certificate of qualification is in {coq.noc}, not in {trade}")
    return Criterion(
        "job_offer_or_certificate",
        False,
        "a job offer of full-time work for at least 1 year, or a certificate of qualification "
        "issued by a Canadian province, territory or federal authority, in the skilled trade is "
        "needed; " + "; ".join(problems),
    )


# --- all programs -----------------------------------------------------------------------------


def assess_programs(
    profile: Profile,
    as_of: dt.date,
    rulebook: RuleBook | None = None,
    *,
    facts: Facts | None = None,
) -> ProgramsResult:
    """FSW, CEC and FST eligibility of a profile as of ``as_of``.

    ``facts`` may be given when the caller has already derived them for the same date and rule
    book (for example to score the same profile); otherwise they are derived here.
    """
    book = rulebook or default_rulebook()
    if as_of < CRS_EPOCH:
        raise BeforeExpressEntry(
            f"as_of {as_of.isoformat()}: Express Entry began on {CRS_EPOCH.isoformat()}"
        )
    if facts is None:
        facts = derive(profile, as_of, book)
    elif facts.as_of != as_of:
        raise ValueError(f"facts are as of {facts.as_of}, not {as_of}")
    a = _Assessment(profile, facts, _rules_at(book, as_of), book)
    funds = a.proof_of_funds()  # the same criterion for FSW and FST
    return ProgramsResult(as_of=as_of, fsw=_fsw(a, funds), cec=_cec(a), fst=_fst(a, funds))


def eligible_programs(
    profile: Profile, facts: Facts, rulebook: RuleBook | None = None
) -> tuple[bool, bool, bool]:
    """Whether the profile meets FSW, CEC and FST on the date of its ``facts`` (derived with the
    same rule book): the verdicts of :func:`assess_programs`, without the words.

    A pool assesses a million profiles and stores only these three flags; the criteria are the
    same helpers as the explained path's, taken in an order that stops at the first one unmet.
    """
    book = rulebook or default_rulebook()
    on = facts.as_of
    if on < CRS_EPOCH:
        raise BeforeExpressEntry(
            f"as_of {on.isoformat()}: Express Entry began on {CRS_EPOCH.isoformat()}"
        )
    rules = _rules_at(book, on)
    if profile.intends_to_live_in_quebec:  # the residence criterion of the three programs
        return False, False, False
    periods = facts.principal.work
    levels = facts.principal.first_levels
    offer_ok = qualifying_offer(facts.job_offer, lmia_exempt_allowed=True)
    funds = _funds_met(profile, offer_ok, rules)

    fsw, grid = rules.fsw, rules.grid
    minimum = fsw["language_minimum"]
    start = rules.fsw_start
    counted = _fsw_counted(periods, start)
    fsw_met = (
        funds
        and _levels_meet(levels, (minimum, minimum, minimum, minimum))
        and facts.principal.education != "less_than_secondary"
        and whole_years(_best_run(counted, start, on)[0]) >= fsw["work_minimum_years"]
    )
    if fsw_met:
        years = whole_years(full_time_days(counted, start, on))
        points, _ = _fsw_grid(rules, profile, facts, offer_ok, years)
        fsw_met = sum(points.values()) >= grid["pass_mark"]

    cec = rules.cec
    need = cec["minimum_years"]
    start = rules.cec_start
    counted = _cec_counted(periods, start)
    cec_met = whole_years(full_time_days(counted, start, on)) >= need
    if cec_met:
        minimum = cec["language_minimum"][_cec_language_level(counted, start, on, need)]
        cec_met = _levels_meet(levels, (minimum, minimum, minimum, minimum))

    fst = rules.fst
    minimums = fst["language_minimum"]
    fst_met = funds and _levels_meet(
        levels,
        (minimums["listening"], minimums["reading"], minimums["writing"], minimums["speaking"]),
    )
    if fst_met:
        days_by = _trade_days(periods, rules.trades, rules.fst_start, on)
        qualified = {
            noc for noc, days in days_by.items() if whole_years(days) >= fst["minimum_years"]
        }
        fst_met = bool(qualified) and (
            _certificate_in(profile, facts, qualified) or _offer_in(profile, offer_ok, qualified)
        )
    return bool(fsw_met), cec_met, bool(fst_met)
