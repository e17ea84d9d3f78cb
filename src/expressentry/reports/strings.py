"""Every word the reports print, in one place, keyed by message id.

The reports are bilingual-ready: they never write English in code, they look a message up here
(``Strings(lang)("rounds.title", period="2024")``) and format numbers, shares and dates with
the language's conventions. English is written here; French (``MESSAGES["fr"]``) lives in
``reports.strings_fr`` with the same keys and placeholders (the tests check both), and each
language has its number and date rules in ``_FORMATS``.

Names that come from data (category names, IRCC's round names, NOC titles) are printed as the
data gives them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from expressentry.reports.strings_fr import FR

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        # --- common -------------------------------------------------------------------------
        "app.name": "expressentry",
        "common.generated": "Generated {at} by expressentry {version}.",
        "common.source": "Source: {source}.",
        "common.source.history": (
            "IRCC's rounds of invitations file (ee_rounds_123_en.json), rounds {first} to {last} "
            "({first_date} to {last_date})"
        ),
        "common.source.history.short": "IRCC's published rounds history",
        "common.source.system": "this system's database",
        "common.source.system.short": "this system's rounds",
        "common.source.categories": "the category data files shipped with expressentry ({path})",
        "common.total": "Total",
        "common.all_years": "all years",
        "common.year": "Year",
        "common.yes": "yes",
        "common.no": "no",
        "common.none": "none",
        "common.open_ended": "in force",
        "common.contents": "Contents",
        "common.unknown": "unknown",
        "common.other": "Other",
        "common.count": "Count",
        "common.share": "Share",
        "common.candidates": "Candidates",
        "common.invitations": "Invitations",
        "common.rounds": "Rounds",
        "common.empty": "No data: {message}.",
        "common.chart_files": "Charts are in {folder} (PNG and SVG).",
        "common.figure": "Figure: {title}",
        # --- round types, programs ----------------------------------------------------------
        "round_type.general": "General",
        "round_type.program": "Program-specific",
        "round_type.category": "Category-based",
        "program.cec": "Canadian Experience Class",
        "program.fsw": "Federal Skilled Worker Program",
        "program.fst": "Federal Skilled Trades Program",
        "program.pnp": "Provincial Nominee Program",
        "program.short.cec": "CEC",
        "program.short.fsw": "FSW",
        "program.short.fst": "FST",
        "program.short.pnp": "PNP",
        "round.name.category": "{name} ({year} instructions)",
        # --- columns ------------------------------------------------------------------------
        "col.number": "No.",
        "col.date": "Date",
        "col.held_at": "Date and time of round",
        "col.round_type": "Round type",
        "col.invitations": "Invitations issued",
        "col.crs_cutoff": "CRS score of lowest-ranked candidate invited",
        "col.crs_cutoff.short": "Lowest CRS",
        "col.tie_break": "Tie-breaking rule",
        "col.rank_needed": "Rank needed",
        "col.distribution_date": "Distribution as of",
        "col.pool_size": "Candidates in the pool",
        "col.eligible": "Eligible for the round",
        "col.size": "Round size",
        "col.rounds": "Rounds",
        "col.category": "Category",
        "col.program": "Program",
        "col.share_all": "Share of all invitations",
        "col.share_category": "Share of category-based invitations",
        "col.share": "Share",
        "col.band": "CRS score range",
        "col.candidates": "Candidates",
        "col.version": "Instruction version",
        "col.version_year": "Version (year)",
        "col.instruction": "Round name (instruction version)",
        "col.effective_from": "In force from",
        "col.effective_to": "In force to",
        "col.priority": "Priority",
        "col.occupations": "Occupations listed",
        "col.established": "Established in {year}",
        "col.cutoff_range": "Lowest CRS (range)",
        "col.first_round": "First round",
        "col.last_round": "Last round",
        "col.noc": "NOC 2021",
        "col.title": "Occupation",
        "col.teer": "TEER",
        "col.education": "Highest level of education",
        "col.language": "First official language level (lowest ability)",
        "col.country": "Country of most recent work",
        "col.status": "Status",
        "col.outcome": "Outcome",
        "col.measure": "Measure",
        "col.value": "Value",
        "col.days": "Days",
        "col.check": "Check not met",
        "col.in_pool_share": "Share of the pool",
        "col.submitted": "Profiles submitted",
        "col.general": "General",
        "col.program_rounds": "Program-specific",
        "col.category_rounds": "Category-based",
        "col.category_share": "Category-based share",
        "col.eligible_submitted": "Among profiles submitted in {year}",
        "col.eligible_pool": "In the pool on {date}",
        # --- the rounds report --------------------------------------------------------------
        "rounds.title": "Rounds of invitations, {period}",
        "rounds.subtitle.history": "As IRCC published them",
        "rounds.subtitle.system": "Rounds held in this system",
        "rounds.summary": (
            "{rounds} rounds of invitations in {period}, with {invitations} invitations to apply "
            "in all: {general} in general rounds, {program} in program-specific rounds and "
            "{category} in category-based rounds."
        ),
        "rounds.empty.history": (
            "no rounds of invitations in {period} in IRCC's rounds history (it covers {first} "
            "to {last})"
        ),
        "rounds.empty.system": "no rounds of invitations were held in {period} in this database",
        "rounds.section.records": "Rounds of invitations",
        "rounds.section.records.note": (
            "The tie-breaking rule: candidates with the lowest score invited were invited if they "
            "submitted their profile before this date and time (UTC). The rank needed is the "
            "rank of the last candidate invited."
        ),
        "rounds.section.cutoffs": "Lowest score invited over time",
        "rounds.section.distribution": "CRS score distribution of candidates in the pool",
        "rounds.section.distribution.note": (
            "Candidates in the pool in each CRS score range on the date of the published "
            "distribution (broad ranges; the CSV and JSON formats also give IRCC's ten-point "
            "ranges from 401 to 500)."
        ),
        "rounds.section.distribution.none": "No distribution was published for these rounds.",
        # --- the categories report ----------------------------------------------------------
        "categories.title": "Invitations by year, category, program and round type, {period}",
        "categories.summary.year": (
            "{invitations} invitations to apply were issued in {year} in {rounds} rounds. "
            "Category-based rounds issued {category} of them ({share})."
        ),
        "categories.empty.history": (
            "no rounds of invitations in {period} in IRCC's rounds history (it covers {first} "
            "to {last})"
        ),
        "categories.empty.system": "no rounds of invitations were held in {period} in this database",
        "categories.section.round_type": "Invitations by round type",
        "categories.section.program": "Invitations in program-specific rounds",
        "categories.section.invited_program": "Invitations by the program invited under",
        "categories.section.invited_program.note": (
            "Every invitation names one program. In a general or category-based round a "
            "candidate eligible for several programs is invited under one, in this order: "
            "provincial nominee, CEC, FSW, FST."
        ),
        "categories.section.category": "Invitations by category",
        "categories.section.category.note": (
            "Computed round by round: each category-based round's invitations are counted for "
            "its category. Category versions are matched on the parsed category, not on the "
            "round's name."
        ),
        "categories.section.category.none": "No category-based round in {period}.",
        "categories.section.years": "Invitations per year",
        "categories.section.category_years": "Invitations per category and year",
        "categories.section.program_years": "Invitations in program-specific rounds per year",
        "categories.section.cutoffs": "Lowest score invited in category-based rounds",
        # --- the year-end report ------------------------------------------------------------
        "year_end.title": "Express Entry year-end report {year}",
        "year_end.subtitle": "From this system's data",
        "year_end.empty": (
            "this database has no data for {year}: no profile was submitted, no round was held, "
            "no application was received in that year, and the pool was empty at its end"
        ),
        "year_end.section.summary": "The year at a glance",
        "year_end.summary.submitted": "Profiles submitted and accepted into the pool",
        "year_end.summary.refused": "Profiles submitted but not eligible (recorded refusals)",
        "year_end.summary.in_pool": "Candidates in the pool on {date}",
        "year_end.summary.rounds": "Rounds of invitations held",
        "year_end.summary.invitations": "Invitations to apply issued",
        "year_end.summary.applications": "Applications for permanent residence received",
        "year_end.summary.decisions": "Applications decided",
        "year_end.summary.approved": "Applications approved",
        "year_end.summary.refused_apps": "Applications refused",
        "year_end.section.submitted": "Profiles submitted in {year}",
        "year_end.section.submitted.note": (
            "CRS score at submission. Profiles that met no program's minimum criteria are not "
            "entered in the pool; bulk imports do not record them."
        ),
        "year_end.section.submitted_programs": "Programs whose minimum criteria they met",
        "year_end.section.pool": "The pool on {date}",
        "year_end.section.pool.note": (
            "Candidates in the pool at the end of the year (not invited, not withdrawn, profile "
            "not expired), by CRS score."
        ),
        "year_end.section.eligibility": "Eligibility for the categories",
        "year_end.section.eligibility.note": (
            "Candidates who met a category's criteria (any version of it) when their profile was "
            "last assessed."
        ),
        "year_end.chart.eligible": "Candidates in the pool on {date} eligible for each category",
        "year_end.section.rounds": "Rounds of invitations in {year}",
        "year_end.section.invitations": "Who was invited in {year}",
        "year_end.inv.program": "Invitations by program",
        "year_end.inv.round": "Invitations by round type and category",
        "year_end.inv.crs": "Invitations by CRS score",
        "year_end.inv.noc": "Invitations by primary occupation (top {n})",
        "year_end.inv.noc.note": (
            "The primary occupation is the occupation of the most recent job in the profile."
        ),
        "year_end.inv.teer": "Invitations by TEER category of the primary occupation",
        "year_end.inv.education": "Invitations by level of education",
        "year_end.inv.language": "Invitations by first official language level",
        "year_end.inv.country": "Invitations by country of most recent work",
        "year_end.inv.country.note": (
            "The profile format records no country of residence or citizenship; the country of "
            "the most recent job stands in for the country of residence."
        ),
        "year_end.section.itas": "What became of the invitations issued in {year}",
        "year_end.section.applications": "Applications and decisions",
        "year_end.apps.note": (
            "Processing time: days from the application's submission to the decision, for "
            "applications decided in {year}. IRCC states its service standard as 80% of "
            "applications processed within six months."
        ),
        "year_end.apps.outcomes": "Decisions in {year}",
        "year_end.apps.times": "Processing times",
        "year_end.apps.refusals": "Refusals by check not met",
        "year_end.apps.none": "No application was decided in {year}.",
        "year_end.measure.decided": "Applications decided",
        "year_end.measure.median": "Median processing time (days)",
        "year_end.measure.mean": "Mean processing time (days)",
        "year_end.measure.p80": "80% of applications decided within (days)",
        "year_end.measure.max": "Longest processing time (days)",
        "year_end.measure.ita_to_app": "Median days from invitation to application",
        "year_end.check.program": "Program criteria",
        "year_end.check.category": "Category criteria",
        "year_end.check.accuracy": "CRS score claimed",
        "year_end.check.admissibility": "Admissibility",
        "year_end.none.invitations": "No invitation was issued in {year}.",
        "year_end.none.pool": "The pool was empty on {date}.",
        "year_end.none.submitted": "No profile was submitted in {year}.",
        "year_end.none.rounds": "No round was held in {year}.",
        "year_end.ita.outstanding": "Outstanding",
        "year_end.ita.applied": "Applied",
        "year_end.ita.declined": "Declined",
        "year_end.ita.expired": "Expired without an application",
        "year_end.outcome.approved": "Approved",
        "year_end.outcome.refused": "Refused",
        "year_end.outcome.submitted": "Not yet decided",
        "year_end.program.pnp": "Provincial nomination",
        "education.less_than_secondary": "Less than secondary school",
        "education.secondary": "Secondary school",
        "education.one_year": "One-year post-secondary program",
        "education.two_year": "Two-year post-secondary program",
        "education.bachelors": "Bachelor's degree or three-year program",
        "education.two_or_more": "Two or more certificates, one of three years or more",
        "education.masters": "Master's degree or professional degree",
        "education.doctoral": "Doctoral degree (PhD)",
        "language.level": "CLB/NCLC {level}",
        "language.level.top": "CLB/NCLC {level} or higher",
        "language.level.low": "Below CLB/NCLC {level}",
        "language.none": "No valid test result",
        "teer.label": "TEER {teer}",
        # --- the report to Parliament -------------------------------------------------------
        "parliament.title": "Report to Parliament on category-based selection in Express Entry, {year}",
        "parliament.subtitle": "The categories, why they were chosen, and the invitations issued",
        "parliament.empty": (
            "no category for category-based selection was in force in {year} (the category data "
            "covers {first} onward)"
        ),
        "parliament.section.intro": "Legislative requirements",
        "parliament.intro.law": (
            "Paragraphs 10.3(1)(h.1) and (h.2) of the Immigration and Refugee Protection Act, "
            "in force since June 23, 2022, let the Minister establish categories of Express "
            "Entry candidates, based on an economic goal, and invite candidates in a category "
            "ranked by their Comprehensive Ranking System score. Before establishing a category "
            "the Minister consults provinces and territories, industry, unions, employers, "
            "workers, worker advocacy groups, settlement provider organizations and immigration "
            "researchers and practitioners. Each year the Minister reports to Parliament on the "
            "categories established, the economic goal and the process followed, including the "
            "consultations."
        ),
        "parliament.intro.scope": (
            "This report covers {year}. The categories, their goals, criteria and occupation "
            "lists come from {categories}; the invitations from {invitations}."
        ),
        "parliament.section.categories": "Categories in force in {year}",
        "parliament.categories.summary": (
            "{count} categories were in force at some time in {year}; {established} category "
            "instructions took effect in the year."
        ),
        "parliament.section.goals": "Economic goals and reasons for the categories",
        "parliament.goal": "Economic goal",
        "parliament.rationale": "Why the category was chosen",
        "parliament.section.instructions": "The Ministerial Instructions",
        "parliament.instructions.note": (
            "Each version of a category below was set by Ministerial Instructions; each round's "
            "own instructions name the version it used."
        ),
        "parliament.instr.in_force": "In force",
        "parliament.instr.round_name": "Round name",
        "parliament.instr.round_name.none": "no round held under this version",
        "parliament.instr.reference": "Reference",
        "parliament.instr.criteria": "Eligibility criteria",
        "parliament.instr.occupations": "Eligible occupations",
        "parliament.instr.occupations.annex": "{count} occupations, listed in Annex {annex}",
        "parliament.instr.occupations.none": "no occupation list",
        "parliament.instr.priority": "Priority category for the year",
        "parliament.instr.confidence": (
            "The official instruction text was not read in full for this version; its "
            "criteria were taken from IRCC's category page and secondary sources."
        ),
        "parliament.instr.common": (
            "In every category round the candidate must also be in the Express Entry pool, "
            "eligible for a program the round covers; candidates are ranked by CRS score, ties "
            "broken by the date and time of profile submission."
        ),
        "parliament.section.invitations": "Invitations issued per category in {year}",
        "parliament.invitations.summary": (
            "{category} invitations were issued in {rounds} category-based rounds in {year}, "
            "{share} of the {total} invitations issued in all rounds."
        ),
        "parliament.invitations.none": "No category-based round was held in {year}.",
        "parliament.section.category_rounds": "Category-based rounds in {year}",
        "parliament.section.consultations": "Consultations",
        "parliament.consultations.applies": "Applies to: {categories}.",
        "parliament.section.notes": "Notes on the data",
        "parliament.annex": "Annex {annex}: {name}, {year} version",
        "parliament.annex.title": "Annexes: eligible occupations",
        "parliament.annex.note": "Occupations by NOC 2021 (Version 1.0) code, as listed in the instructions.",
        # --- errors -------------------------------------------------------------------------
        "error.year": "{value!r} is not a year (four digits, e.g. 2024)",
        "error.format": "{value!r} is not a report format; use one of {formats}",
        "error.source": "{value!r} is not a source; use history or system",
        "error.lang": "{value!r} is not a report language; available: {langs}",
        "error.out.dir": "{path} is a folder; give a file name",
        "error.out.parent": "cannot write {path}: the folder {parent} does not exist",
        "error.out.not_folder": "cannot write {path}: {parent} is not a folder",
        "error.out.write": "cannot write {path} ({reason})",
        "error.out.pdf": "a PDF report needs a file: give --out PATH",
        "error.year_end.source": (
            "the year-end report is built from this system's data; use --source system "
            "(or leave --source out)"
        ),
        "error.year.required": "the {kind} report needs a year (--year YYYY)",
        "error.pdf.library": "cannot make a PDF: {reason}",
        # --- issue 17A: a year not over; the Parliament report in plain words ---------------
        "year_end.in_progress": (
            "The year {year} is not over. Every figure is a fact as of {date} at {time} UTC "
            "(the year to date), except the line marked as a projection for {end}."
        ),
        "year_end.summary.in_pool_today": "Candidates in the pool today, {date}",
        "year_end.summary.projection": (
            "Projection: candidates still in the pool on {date} if nobody arrives, is invited "
            "or withdraws (only profiles expiring before then leave)"
        ),
        "error.out.archive": (
            "the {kind} report has {tables} tables; as CSV it is a ZIP archive of one CSV file "
            "per table: give --out a file ending in .zip"
        ),
        "parliament.data_language": (
            "The economic goals, the reasons for choosing each category and the consultation "
            "notes are quoted from the category data files, which are written in English."
        ),
        "year_end.section.pool.note_today": (
            "Candidates in the pool on the day of this report (not invited, not withdrawn, "
            "profile not expired), by CRS score."
        ),
    },
    "fr": FR,
}


@dataclass(frozen=True)
class _Format:
    thousands: str
    decimal: str
    percent: str  # the percent sign with its spacing
    months: tuple[str, ...]
    date: str  # "{month} {day}, {year}"
    first_day: str = "1"  # the first of the month: French writes "1er janvier"


_FORMATS: dict[str, _Format] = {
    "en": _Format(
        thousands=",",
        decimal=".",
        percent="%",
        months=(
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        date="{month} {day}, {year}",
    ),
    "fr": _Format(
        thousands="\u202f",
        decimal=",",
        percent="\u202f%",
        months=(
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ),
        date="{day} {month} {year}",
        first_day="1er",
    ),
}


def languages() -> list[str]:
    """The languages reports can be written in (those with a message table)."""
    return sorted(MESSAGES)


class Strings:
    """Messages and formats of one language: ``s("key", name=value)``."""

    def __init__(self, lang: str = "en") -> None:
        if lang not in MESSAGES:
            raise KeyError(lang)
        self.lang = lang
        self._messages = MESSAGES[lang]
        self._format = _FORMATS[lang]

    def __call__(self, key: str, **values: Any) -> str:
        text = self._messages[key]
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self._messages

    # --- numbers and dates --------------------------------------------------------------------

    def int(self, value: int | None) -> str:
        if value is None:
            return "—"
        return f"{value:,}".replace(",", self._format.thousands)

    def num(self, value: float | None, digits: int = 1) -> str:
        if value is None:
            return "—"
        text = f"{value:,.{digits}f}"
        return (
            text.replace(",", "\0")
            .replace(".", self._format.decimal)
            .replace("\0", self._format.thousands)
        )

    def pct(self, part: float, whole: float, digits: int = 1) -> str:
        if not whole:
            return "—"
        return self.num(100 * part / whole, digits) + self._format.percent

    def share(self, fraction: float | None, digits: int = 1) -> str:
        """A share given as a fraction: 0.235 is "23.5%"."""
        if fraction is None:
            return "—"
        return self.num(100 * fraction, digits) + self._format.percent

    def date(self, value: dt.date | None) -> str:
        if value is None:
            return "—"
        f = self._format
        day = f.first_day if value.day == 1 else str(value.day)
        return f.date.format(month=f.months[value.month - 1], day=day, year=value.year)

    def datetime(self, value: dt.datetime | None) -> str:
        """``2024-12-16 15:13:20 UTC``: compact, for tables."""
        if value is None:
            return "—"
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")

    def program(self, code: str | None) -> str:
        return self(f"program.{code}") if code and self.has(f"program.{code}") else (code or "")

    def round_type(self, kind: str) -> str:
        return self(f"round_type.{kind}")
