"""Facts derived from a profile as of an assessment date: the inputs every rule reads.

Ages, CLB/NCLC levels, which language is first, the highest credential that counts, years of
skilled work in and outside Canada. Each is computed once here and read by the CRS, the programs
and the categories, so that a rule never re-derives a fact its own way.

Work experience (Ministerial Instructions, s. 15; IRPR 87.1): skilled work is NOC 2021 TEER 0-3;
full time is 30 hours a week; part-time counts pro rata, and overlapping jobs never count for more
than full time. One year of experience is 365 days of full-time-equivalent work (1,560 hours at
30 h/week is 52 weeks). A job's ``end`` is inclusive; an ongoing job runs to the assessment date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from expressentry.profile.model import (
    EDUCATION_RANK,
    PARTNERED,
    Credential,
    Job,
    LanguageTest,
    Profile,
    Spouse,
)
from expressentry.rules import language
from expressentry.rules.tables import NotInForce, RuleBook, default_rulebook

FULL_TIME_HOURS = 30.0
DAYS_PER_YEAR = 365
ONE_DAY = dt.timedelta(days=1)

#: post-secondary levels of three years or more (for "two or more credentials")
THREE_YEAR_LEVELS = frozenset({"bachelors", "two_or_more", "masters", "doctoral"})
POST_SECONDARY = frozenset({"one_year", "two_year"}) | THREE_YEAR_LEVELS


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later (Feb 29 becomes Feb 28 in common years)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if day.day <= 28:  # every month has it
        return dt.date(year, month, day.day)
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


def age_on(birth: dt.date, on: dt.date) -> int:
    """Age in whole years on a date."""
    years = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return max(years, 0)


# --- work experience --------------------------------------------------------------------------


class WorkPeriod(NamedTuple):
    """A job clipped to what has happened by the assessment date; ``end`` is exclusive.

    A named tuple rather than a dataclass: many are made per assessment, and they are cheap.
    """

    noc: str
    teer: int
    country: str
    start: dt.date
    end: dt.date
    hours_per_week: float
    paid: bool
    self_employed: bool
    during_full_time_study: bool
    employer: str | None = None
    #: skilled work for Express Entry on the assessment date (``programs/skilled_work.yaml``)
    skilled: bool = True

    @property
    def in_canada(self) -> bool:
        return self.country == "CA"

    @property
    def full_time_share(self) -> float:
        return min(self.hours_per_week, FULL_TIME_HOURS) / FULL_TIME_HOURS


@lru_cache(maxsize=512)
def skilled_codes_rule(
    rulebook: RuleBook, as_of: dt.date
) -> tuple[frozenset[int], frozenset[str], frozenset[str]]:
    """(skilled TEERs, codes not skilled despite their TEER, codes skilled despite it)."""
    value = rulebook["programs.skilled_work"].at(max(as_of, dt.date(2015, 1, 1)))
    return frozenset(value["teers"]), frozenset(value["not_skilled"]), frozenset(value["skilled"])


def is_skilled(code: str, as_of: dt.date, rulebook: RuleBook | None = None) -> bool:
    """Whether work in a NOC 2021 unit group is skilled for Express Entry on ``as_of``."""
    teers, not_skilled, skilled = skilled_codes_rule(rulebook or default_rulebook(), as_of)
    return code in skilled or (int(code[1]) in teers and code not in not_skilled)


def work_periods(
    jobs: Iterable[Job], as_of: dt.date, rulebook: RuleBook | None = None
) -> tuple[WorkPeriod, ...]:
    """Jobs as periods ``[start, end)`` up to ``as_of`` (exclusive); future work is dropped."""
    teers, not_skilled, skilled = skilled_codes_rule(rulebook or default_rulebook(), as_of)
    out = []
    for job in jobs:
        if job.start >= as_of:
            continue
        end = as_of if job.end is None else min(job.end + ONE_DAY, as_of)
        out.append(
            WorkPeriod(
                job.noc,
                int(job.noc[1]),
                job.country,
                job.start,
                end,
                job.hours_per_week,
                job.paid,
                job.self_employed,
                job.during_full_time_study,
                job.employer,
                job.noc in skilled or (int(job.noc[1]) in teers and job.noc not in not_skilled),
            )
        )
    return tuple(out)


def full_time_days(
    periods: Sequence[WorkPeriod], window_start: dt.date, window_end: dt.date
) -> float:
    """Full-time-equivalent days of work in ``[window_start, window_end)``.

    On any day, the hours of all jobs held that day add up, but never beyond full time.
    """
    if not periods:
        return 0.0
    if len(periods) == 1:  # the common case, without the sweep
        p = periods[0]
        days = (min(p.end, window_end) - max(p.start, window_start)).days
        return days * p.full_time_share if days > 0 else 0.0
    events: dict[dt.date, float] = {}
    for p in periods:
        start, end = max(p.start, window_start), min(p.end, window_end)
        if start >= end:
            continue
        events[start] = events.get(start, 0.0) + p.hours_per_week
        events[end] = events.get(end, 0.0) - p.hours_per_week
    total = 0.0
    hours = 0.0
    previous: dt.date | None = None
    for day in sorted(events):
        if previous is not None and hours > 1e-9:
            total += (day - previous).days * min(hours, FULL_TIME_HOURS) / FULL_TIME_HOURS
        hours += events[day]
        previous = day
    return total


def whole_years(days: float) -> int:
    return int(days / DAYS_PER_YEAR + 1e-9)


def counts_as_canadian(p: WorkPeriod) -> bool:
    """Canadian skilled work for the CRS and CEC: paid, not self-employed, not while studying."""
    return (
        p.in_canada
        and p.skilled
        and p.paid
        and not p.self_employed
        and not p.during_full_time_study
    )


def counts_as_foreign(p: WorkPeriod) -> bool:
    """Skilled paid work outside Canada (full-time study does not exclude it)."""
    return not p.in_canada and p.skilled and p.paid


def experience_years(
    periods: Sequence[WorkPeriod],
    as_of: dt.date,
    window_years: int,
    keep: Callable[[WorkPeriod], bool],
) -> int:
    chosen = [p for p in periods if keep(p)]
    return whole_years(full_time_days(chosen, add_years(as_of, -window_years), as_of))


# --- language ---------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _convert(test: LanguageTest, rulebook: RuleBook) -> language.Conversion | None:
    """A result's levels (they depend on the test and its date, not on the assessment date)."""
    try:
        return language.convert(test.test, test.taken_on, test.scores(), rulebook)
    except NotInForce:  # a test not accepted on the day it was taken (PTE Core before 2024-01-30)
        return None


def valid_conversions(
    tests: Iterable[LanguageTest], as_of: dt.date, rulebook: RuleBook
) -> list[language.Conversion]:
    """Conversions of the tests taken by ``as_of`` and still valid (less than two years old)."""
    out = []
    for test in tests:
        if test.taken_on > as_of or not language.is_valid_on(test.taken_on, as_of, rulebook):
            continue
        conv = _convert(test, rulebook)
        if conv is not None:
            out.append(conv)
    return out


def counted_credentials(
    credentials: Iterable[Credential], as_of: dt.date, eca_years: int
) -> list[Credential]:
    """Credentials completed by ``as_of``: Canadian ones, and foreign ones with a valid ECA."""
    out = []
    for c in credentials:
        if c.completed_on is not None and c.completed_on > as_of:
            continue
        if not c.canadian:
            if c.eca is None or c.eca.issued_on > as_of:
                continue
            if as_of >= add_years(c.eca.issued_on, eca_years):
                continue
        out.append(c)
    return out


def uncounted_credentials(
    credentials: Iterable[Credential], as_of: dt.date, eca_years: int
) -> tuple[tuple[str, str, str], ...]:
    """The credentials ``counted_credentials`` leaves out, as (level, reason id, country): ``no_eca``
    (foreign, without an ECA), ``eca_later`` (its ECA is issued after the date), ``eca_expired``
    (its ECA is ``eca_years`` old or more), ``not_completed`` (completed after the date).

    MI s. 10 / canada.ca "Educational credential assessment": a foreign credential counts only
    with an ECA for immigration purposes less than five years old."""
    out = []
    for c in credentials:
        if c.completed_on is not None and c.completed_on > as_of:
            out.append((c.level, "not_completed", c.country))
        elif not c.canadian and c.eca is None:
            out.append((c.level, "no_eca", c.country))
        elif not c.canadian and c.eca is not None and c.eca.issued_on > as_of:
            out.append((c.level, "eca_later", c.country))
        elif (
            not c.canadian and c.eca is not None and as_of >= add_years(c.eca.issued_on, eca_years)
        ):
            out.append((c.level, "eca_expired", c.country))
    return tuple(out)


def future_jobs(jobs: Iterable[Job], as_of: dt.date) -> tuple[tuple[str, str, dt.date], ...]:
    """Jobs that start on or after ``as_of`` (none of their work counts yet), as (NOC, country,
    start): ``work_periods`` leaves them out, and a person is told so rather than left guessing."""
    return tuple((j.noc, j.country, j.start) for j in jobs if j.start >= as_of)


def highest_level(credentials: Sequence[Credential]) -> str:
    """The highest level; two or more post-secondary credentials, one of three years or more,
    rank as ``two_or_more`` when that is higher than either alone."""
    if not credentials:
        return "less_than_secondary"
    level = max((c.level for c in credentials), key=EDUCATION_RANK.__getitem__)
    post = [c for c in credentials if c.level in POST_SECONDARY]
    if (
        len(post) >= 2
        and any(c.level in THREE_YEAR_LEVELS for c in post)
        and EDUCATION_RANK["two_or_more"] > EDUCATION_RANK[level]
    ):
        return "two_or_more"
    return level


def canadian_education_level(
    credentials: Sequence[Credential], minimum_months: int = 8
) -> str | None:
    """The highest Canadian post-secondary credential that earns Canadian-education points
    (MI s. 30: full-time study of at least eight months, in Canada), or None."""
    eligible = [
        c
        for c in credentials
        if c.canadian
        and c.level in POST_SECONDARY
        and c.full_time is not False
        and (c.months_in_canada is None or c.months_in_canada >= minimum_months)
    ]
    if not eligible:
        return None
    return max((c.level for c in eligible), key=EDUCATION_RANK.__getitem__)


Levels = tuple[int, int, int, int]


# --- the facts --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """What the rules need to know about one person (principal applicant or spouse)."""

    age: int | None
    education: str
    canadian_education: str | None
    first_language: str | None
    first_levels: tuple[int, int, int, int] | None
    second_levels: tuple[int, int, int, int] | None
    english_levels: tuple[int, int, int, int] | None
    french_levels: tuple[int, int, int, int] | None
    canadian_work_years: int
    foreign_work_years: int
    #: the person's jobs as work periods up to the date (``work_periods``): programs and
    #: categories read them from here rather than deriving them again
    work: tuple[WorkPeriod, ...] = ()
    #: credentials that do not count on the date, with the reason (``uncounted_credentials``)
    uncounted_education: tuple[tuple[str, str, str], ...] = ()
    #: jobs that have not started by the date (``future_jobs``)
    future_work: tuple[tuple[str, str, dt.date], ...] = ()


@dataclass(frozen=True, slots=True)
class JobOfferFacts:
    noc: str
    teer: int
    major_group: str
    skilled: bool
    lmia: bool
    lmia_exempt: bool
    full_time: bool
    duration_months: int
    non_seasonal: bool


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything the CRS reads, as of one date."""

    as_of: dt.date
    with_spouse: bool
    principal: PersonFacts
    spouse: PersonFacts | None
    certificate_of_qualification: bool
    provincial_nomination: bool
    job_offer: JobOfferFacts | None
    sibling_in_canada: bool


@dataclass(frozen=True, slots=True)
class _Settings:
    """Rule values facts depend on, resolved once per rule book and date."""

    eca_years: int
    #: first-official-language CRS points of four levels, by the single table
    rank: Callable[[tuple[int, ...]], int]
    #: the same by the "with spouse" table
    rank_with_spouse: Callable[[tuple[int, ...]], int]
    canadian_education_months: int


@lru_cache(maxsize=512)
def _settings(rulebook: RuleBook, as_of: dt.date) -> _Settings:
    # rank language results by their first-official-language CRS points, by the table that
    # applies to the profile (single, or with an accompanying spouse)
    table = rulebook["crs.core.first_language"]
    per_level = table.get(as_of) or table.versions[0].value

    def ranker(points: Mapping[int, int]) -> Callable[[tuple[int, ...]], int]:
        top = max(points)
        by_level = tuple(points.get(min(level, top), 0) for level in range(13))

        def rank(levels: tuple[int, ...]) -> int:
            return sum(by_level[min(level, 12)] for level in levels)

        return rank

    study = rulebook["crs.additional.canadian_education"]
    months = (study.get(as_of) or study.versions[0].value)["minimum_full_time_months"]
    return _Settings(
        eca_years=rulebook["programs.eca_validity"].at(as_of)["years"],
        rank=ranker(per_level["single"]),
        rank_with_spouse=ranker(per_level["with_spouse"]),
        canadian_education_months=months,
    )


def language_choices(
    tests: Sequence[LanguageTest], as_of: dt.date, rulebook: RuleBook
) -> list[tuple[Levels | None, Levels | None]]:
    """Every (English, French) pair of valid results a person could put forward.

    One pair in the common case (at most one result per language); with several results in a
    language, each is a choice, and the CRS keeps the one that scores highest (see ``derive``).
    """
    english: list[Levels] = []
    french: list[Levels] = []
    for conv in valid_conversions(tests, as_of, rulebook):
        bucket = english if conv.language == "english" else french
        if conv.levels not in bucket:
            bucket.append(conv.levels)
    return [(e, f) for e in (english or [None]) for f in (french or [None])]


def _first_language_choices(
    pairs: list[tuple[Levels | None, Levels | None]],
    declared: str | None,
    rank: Callable[[tuple[int, ...]], int],
    either_first: bool,
) -> list[tuple[Levels | None, Levels | None, str | None]]:
    out: list[tuple[Levels | None, Levels | None, str | None]] = []
    for english, french in pairs:
        if declared is not None:
            out.append((english, french, declared))
        elif english is None and french is None:
            out.append((english, french, None))
        elif english is not None and french is not None and either_first:
            out += [(english, french, "english"), (english, french, "french")]
        # the profile format: when omitted, the language whose result gives more
        # first-language points
        elif french is None or (english is not None and rank(english) >= rank(french)):
            out.append((english, french, "english"))
        else:
            out.append((english, french, "french"))
    return out


def person_facts(
    *,
    birth: dt.date | None,
    education: Sequence[Credential],
    tests: Sequence[LanguageTest],
    jobs: Sequence[Job],
    declared_first: str | None,
    as_of: dt.date,
    rulebook: RuleBook,
    either_first: bool = False,
    with_spouse: bool = False,
) -> list[PersonFacts]:
    """The person's facts, once per choice of language results (usually one).

    ``either_first``: with results in both languages and none declared first, try each as the
    first official language (for a spouse, whose first language the format does not record).
    ``with_spouse``: the "with spouse" tables apply to the profile (``scored_with_spouse``); an
    undeclared first official language is the one whose result gives more points by them.
    """
    settings = _settings(rulebook, as_of)
    credentials = counted_credentials(education, as_of, settings.eca_years)
    rank = settings.rank_with_spouse if with_spouse else settings.rank
    periods = work_periods(jobs, as_of, rulebook)
    common = {
        "age": age_on(birth, as_of) if birth is not None else None,
        "education": highest_level(credentials),
        "canadian_education": canadian_education_level(
            credentials, settings.canadian_education_months
        ),
        "canadian_work_years": experience_years(periods, as_of, 10, counts_as_canadian),
        "foreign_work_years": experience_years(periods, as_of, 10, counts_as_foreign),
        "work": periods,
        "uncounted_education": uncounted_credentials(education, as_of, settings.eca_years),
        "future_work": future_jobs(jobs, as_of),
    }
    out = []
    for english, french, first in _first_language_choices(
        language_choices(tests, as_of, rulebook), declared_first, rank, either_first
    ):
        if first == "english":
            first_levels, second_levels = english, french
        elif first == "french":
            first_levels, second_levels = french, english
        else:
            first_levels = second_levels = None
        out.append(
            PersonFacts(
                first_language=first,
                first_levels=first_levels,
                second_levels=second_levels,
                english_levels=english,
                french_levels=french,
                **common,
            )
        )
    return out


def scored_with_spouse(profile: Profile) -> bool:
    """The "with spouse" tables apply only to an accompanying spouse who is not a Canadian
    citizen or permanent resident (MI s. 1, definitions; CRS criteria page)."""
    spouse = profile.spouse
    return (
        spouse is not None
        and profile.marital_status in PARTNERED
        and spouse.accompanying
        and not spouse.canadian_citizen_or_pr
    )


def spouse_facts(spouse: Spouse, as_of: dt.date, rulebook: RuleBook) -> list[PersonFacts]:
    return person_facts(
        birth=spouse.date_of_birth,
        education=spouse.education,
        tests=spouse.language_tests,
        jobs=spouse.work_history,
        declared_first=None,
        as_of=as_of,
        rulebook=rulebook,
        either_first=True,
    )


def derive_choices(
    profile: Profile, as_of: dt.date, rulebook: RuleBook | None = None
) -> list[Facts]:
    """The facts once per choice of language results of the applicant and the spouse."""
    rulebook = rulebook or default_rulebook()
    with_spouse = scored_with_spouse(profile)
    principals = person_facts(
        birth=profile.date_of_birth,
        education=profile.education,
        tests=profile.language_tests,
        jobs=profile.work_history,
        declared_first=profile.first_official_language,
        as_of=as_of,
        rulebook=rulebook,
        with_spouse=with_spouse,
    )
    spouses: list[PersonFacts | None] = (
        list(spouse_facts(profile.spouse, as_of, rulebook))
        if with_spouse and profile.spouse is not None
        else [None]
    )
    offer = profile.job_offer
    nomination = profile.provincial_nomination
    coq = profile.certificate_of_qualification
    common = {
        "as_of": as_of,
        "with_spouse": with_spouse,
        "certificate_of_qualification": coq is not None
        and (coq.issued_on is None or coq.issued_on <= as_of),
        "provincial_nomination": nomination is not None and nomination.nominated_on <= as_of,
        "job_offer": JobOfferFacts(
            noc=offer.noc,
            teer=int(offer.noc[1]),
            major_group=offer.noc[:2],
            skilled=is_skilled(offer.noc, as_of, rulebook),
            lmia=offer.lmia,
            lmia_exempt=offer.lmia_exempt,
            full_time=offer.full_time,
            duration_months=offer.duration_months,
            non_seasonal=offer.non_seasonal,
        )
        if offer is not None
        else None,
        "sibling_in_canada": profile.sibling_in_canada,
    }
    return [Facts(principal=p, spouse=sp, **common) for p in principals for sp in spouses]


def derive(profile: Profile, as_of: dt.date, rulebook: RuleBook | None = None) -> Facts:
    """Every fact the rules need, as of ``as_of``.

    When the applicant or the spouse has several valid results in one language, the result put
    forward is the one that gives the highest CRS score, as a candidate would choose.
    """
    choices = derive_choices(profile, as_of, rulebook)
    if len(choices) == 1:
        return choices[0]
    # the CRS decides between choices; imported here because scoring builds on these facts
    from expressentry.scoring.crs import score_facts

    return max(choices, key=lambda f: score_facts(f, rulebook).total)
