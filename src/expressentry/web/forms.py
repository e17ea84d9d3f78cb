"""The score form: one field for every CRS factor, to and from a profile of the exchange format.

The form is flat (``lang1_listening``); the profile is nested (``language_tests[0].listening``).
``profile_from_form`` builds the profile and validates it with the one profile parser, then names
each problem by the form field it came from, so the page can show the error beside its field.
``form_from_profile`` fills the form from a stored profile (for a candidate's update).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from expressentry.profile.model import (
    EDUCATION_ORDER,
    PROVINCES,
    Profile,
    ProfileError,
    parse_profile,
)

MARITAL = ("single", "married", "common_law", "divorced", "separated", "widowed", "annulled")
TESTS = ("ielts_general", "celpip_general", "pte_core", "tef_canada", "tcf_canada")
PROVINCE_CODES = tuple(sorted(PROVINCES - {"CA"}))
#: jobs the form holds in Canada and abroad (more need the pasted profile)
MAX_JOBS = 3


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # date | select | number | text | checkbox | noc | country
    choices: tuple[str, ...] = ()
    step: str = "any"


@dataclass(frozen=True)
class Fieldset:
    key: str
    fields: tuple[Field, ...]


def _test_fields(prefix: str) -> tuple[Field, ...]:
    return (
        Field(f"{prefix}_test", "select", ("", *TESTS)),
        Field(f"{prefix}_taken_on", "date"),
        *(
            Field(f"{prefix}_{a}", "number")
            for a in ("listening", "reading", "writing", "speaking")
        ),
    )


#: the form, fieldset by fieldset (labels and hints are ``field.<name>`` in the catalogs)
FORM: tuple[Fieldset, ...] = (
    Fieldset(
        "about",
        (
            Field("date_of_birth", "date"),
            Field("marital_status", "select", MARITAL),
            Field("sibling_in_canada", "checkbox"),
        ),
    ),
    Fieldset(
        "education",
        (
            Field("education_level", "select", ("", *EDUCATION_ORDER)),
            Field("education_country", "country"),
            Field("education_completed_on", "date"),
            Field("education_eca_issued_on", "date"),
            Field("canada_education_level", "select", ("", *EDUCATION_ORDER)),
            Field("canada_education_completed_on", "date"),
        ),
    ),
    Fieldset(
        "language",
        (
            Field("first_official_language", "select", ("", "english", "french")),
            *_test_fields("lang1"),
            *_test_fields("lang2"),
        ),
    ),
    Fieldset(
        "work",
        (
            Field("canada_noc", "noc"),
            Field("canada_start", "date"),
            Field("canada_end", "date"),
            Field("canada_hours", "number"),
            Field("foreign_noc", "noc"),
            Field("foreign_country", "country"),
            Field("foreign_start", "date"),
            Field("foreign_end", "date"),
            Field("foreign_hours", "number"),
        ),
    ),
    Fieldset(
        "more_work",
        tuple(
            field
            for n in range(2, MAX_JOBS + 1)
            for field in (
                Field(f"canada_{n}_noc", "noc"),
                Field(f"canada_{n}_start", "date"),
                Field(f"canada_{n}_end", "date"),
                Field(f"canada_{n}_hours", "number"),
            )
        )
        + tuple(
            field
            for n in range(2, MAX_JOBS + 1)
            for field in (
                Field(f"foreign_{n}_noc", "noc"),
                Field(f"foreign_{n}_country", "country"),
                Field(f"foreign_{n}_start", "date"),
                Field(f"foreign_{n}_end", "date"),
                Field(f"foreign_{n}_hours", "number"),
            )
        ),
    ),
    Fieldset(
        "additional",
        (
            Field("coq_noc", "noc"),
            Field("coq_province", "select", ("", *PROVINCE_CODES)),
            Field("offer_noc", "noc"),
            Field("offer_lmia", "checkbox"),
            Field("nomination_province", "select", ("", *PROVINCE_CODES)),
            Field("nomination_date", "date"),
            Field("settlement_funds_cad", "number"),
            Field("family_size", "number", step="1"),
        ),
    ),
    Fieldset(
        "spouse",
        (
            Field("spouse_accompanying", "checkbox"),
            Field("spouse_canadian", "checkbox"),
            Field("spouse_education_level", "select", ("", *EDUCATION_ORDER)),
            *_test_fields("spouse_lang"),
            Field("spouse_canada_noc", "noc"),
            Field("spouse_canada_start", "date"),
            Field("spouse_canada_end", "date"),
        ),
    ),
)

FIELDS: dict[str, Field] = {f.name: f for fs in FORM for f in fs.fields}
#: the form's jobs: (field prefix, country or None when the form asks it)
JOB_PREFIXES: tuple[tuple[str, str | None], ...] = (
    ("canada", "CA"),
    *((f"canada_{n}", "CA") for n in range(2, MAX_JOBS + 1)),
    ("foreign", None),
    *((f"foreign_{n}", None) for n in range(2, MAX_JOBS + 1)),
)


def field_label(t: Any, name: str) -> str:
    """A field's label: ``field.<name>``, or for a further job its first job's label and its
    number ("Job in Canada – NOC code (job 2)")."""
    key = f"field.{name}"
    if key in t:
        return str(t(key))
    for kind in ("canada", "foreign"):
        for n in range(2, MAX_JOBS + 1):
            head = f"{kind}_{n}_"
            if name.startswith(head) and f"field.{kind}_{name[len(head) :]}" in t:
                return f"{t(f'field.{kind}_{name[len(head) :]}')} ({t('jobs.number', n=n)})"
    return name


class Reason(str):
    """A problem's reason: English text (what the API and logs read) that also carries its
    message id and values, so that a page words it in its own language (``form_reason.<id>``
    in the catalogs)."""

    key: str
    values: dict[str, Any]

    def __new__(cls, text: str, key: str, **values: Any) -> Reason:
        reason = super().__new__(cls, text)
        reason.key = key
        reason.values = values
        return reason


class FormProblems(ValueError):
    """Problems with the form: ``problems`` maps a form field (or ``_form``) to its reason."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


def _text(form: Mapping[str, str], name: str) -> str:
    return str(form.get(name, "") or "").strip()


def _number(form: Mapping[str, str], name: str, problems: dict[str, str]) -> float | int | None:
    raw = _text(form, name).replace(",", ".")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        problems[name] = Reason(f"{raw!r} is not a number", "form_reason.not_number", value=raw)
        return None
    if FIELDS[name].step == "1":
        if not value.is_integer():
            problems[name] = Reason(
                f"{raw!r} is not a whole number", "form_reason.not_whole", value=raw
            )
            return None
        return int(value)
    return value


def _test(
    form: Mapping[str, str], prefix: str, problems: dict[str, str], paths: dict[str, str], at: str
) -> dict[str, Any] | None:
    test = _text(form, f"{prefix}_test")
    if not test:
        return None
    entry: dict[str, Any] = {"test": test, "taken_on": _text(form, f"{prefix}_taken_on") or None}
    paths[f"{at}.test"] = f"{prefix}_test"
    paths[f"{at}.taken_on"] = f"{prefix}_taken_on"
    for ability in ("listening", "reading", "writing", "speaking"):
        name = f"{prefix}_{ability}"
        paths[f"{at}.{ability}"] = name
        entry[ability] = _number(form, name, problems)
        if entry[ability] is None and name not in problems:
            problems[name] = Reason("give the result of every ability", "form_reason.need_result")
    if entry["taken_on"] is None:
        problems[f"{prefix}_taken_on"] = Reason(
            "give the date of the test", "form_reason.need_test_date"
        )
    return entry


def _country(form: Mapping[str, str], name: str, problems: dict[str, str]) -> str:
    """The ISO code of the country a field names, in English or French or by its code."""
    from expressentry.profile.countries import country_code

    raw = _text(form, name)
    if not raw:
        return ""
    code = country_code(raw)
    if code is None:
        problems[name] = Reason(
            f"{raw[:60]!r} is not a country we know: give its name (e.g. India, Inde) or its "
            "ISO code (e.g. IN)",
            "countries.unknown",
            value=raw[:60],
        )
        return raw.upper()
    return code


def _job(
    form: Mapping[str, str],
    prefix: str,
    country: str | None,
    problems: dict[str, str],
    paths: dict[str, str],
    at: str,
) -> dict[str, Any] | None:
    code = _text(form, f"{prefix}_noc")
    if not code:
        return None
    hours = _number(form, f"{prefix}_hours", problems) if f"{prefix}_hours" in FIELDS else None
    job: dict[str, Any] = {
        "noc": code,
        "country": country
        if country is not None
        else _country(form, f"{prefix}_country", problems),
        "start": _text(form, f"{prefix}_start") or None,
        "end": _text(form, f"{prefix}_end") or None,
        "hours_per_week": 40 if hours is None else hours,
    }
    for key in ("noc", "country", "start", "end", "hours_per_week"):
        paths[f"{at}.{key}"] = f"{prefix}_{'hours' if key == 'hours_per_week' else key}"
    if job["start"] is None:
        problems[f"{prefix}_start"] = Reason(
            "give the date the work started", "form_reason.need_start"
        )
    if not job["country"] and f"{prefix}_country" not in problems:
        problems[f"{prefix}_country"] = Reason(
            "give the country where you worked", "form_reason.need_country"
        )
    return job


def profile_data(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """The profile (a JSON-ready dict) the form describes, the problems found while reading the
    form, and the map from profile paths to form fields."""
    problems: dict[str, str] = {}
    paths: dict[str, str] = {
        "date_of_birth": "date_of_birth",
        "marital_status": "marital_status",
        "first_official_language": "first_official_language",
        "settlement_funds_cad": "settlement_funds_cad",
        "family_size": "family_size",
        "spouse": "marital_status",
    }
    data: dict[str, Any] = {
        "date_of_birth": _text(form, "date_of_birth") or None,
        "marital_status": _text(form, "marital_status") or "single",
        "sibling_in_canada": _text(form, "sibling_in_canada") == "on",
    }
    if data["date_of_birth"] is None:
        problems["date_of_birth"] = Reason("give the date of birth", "form_reason.need_birth")
    education = []
    if level := _text(form, "education_level"):
        credential: dict[str, Any] = {
            "level": level,
            "country": _country(form, "education_country", problems) or "CA",
        }
        if done := _text(form, "education_completed_on"):
            credential["completed_on"] = done
        if eca := _text(form, "education_eca_issued_on"):
            credential["eca"] = {"issued_on": eca}
        at = f"education[{len(education)}]"
        paths.update(
            {
                f"{at}.level": "education_level",
                f"{at}.country": "education_country",
                f"{at}.completed_on": "education_completed_on",
                f"{at}.eca.issued_on": "education_eca_issued_on",
                f"{at}.eca": "education_eca_issued_on",
                at: "education_level",
            }
        )
        education.append(credential)
    if level := _text(form, "canada_education_level"):
        credential = {"level": level, "country": "CA", "full_time": True}
        if done := _text(form, "canada_education_completed_on"):
            credential["completed_on"] = done
        at = f"education[{len(education)}]"
        paths.update(
            {
                f"{at}.level": "canada_education_level",
                f"{at}.completed_on": "canada_education_completed_on",
                at: "canada_education_level",
            }
        )
        education.append(credential)
    if education:
        data["education"] = education
    if first := _text(form, "first_official_language"):
        data["first_official_language"] = first
    tests = []
    for prefix in ("lang1", "lang2"):
        if entry := _test(form, prefix, problems, paths, f"language_tests[{len(tests)}]"):
            paths[f"language_tests[{len(tests)}]"] = f"{prefix}_test"
            tests.append(entry)
    if tests:
        data["language_tests"] = tests
    jobs = []
    for prefix, country in JOB_PREFIXES:
        if job := _job(form, prefix, country, problems, paths, f"work_history[{len(jobs)}]"):
            paths[f"work_history[{len(jobs)}]"] = f"{prefix}_noc"
            jobs.append(job)
    if jobs:
        data["work_history"] = jobs
    if code := _text(form, "coq_noc"):
        data["certificate_of_qualification"] = {
            "noc": code,
            "issued_by": _text(form, "coq_province") or "",
        }
        paths.update(
            {
                "certificate_of_qualification.noc": "coq_noc",
                "certificate_of_qualification.issued_by": "coq_province",
            }
        )
    if code := _text(form, "offer_noc"):
        data["job_offer"] = {"noc": code, "lmia": _text(form, "offer_lmia") == "on"}
        paths["job_offer.noc"] = "offer_noc"
    if province := _text(form, "nomination_province"):
        data["provincial_nomination"] = {
            "province": province,
            "nominated_on": _text(form, "nomination_date") or None,
        }
        paths.update(
            {
                "provincial_nomination.province": "nomination_province",
                "provincial_nomination.nominated_on": "nomination_date",
            }
        )
    for name in ("settlement_funds_cad", "family_size"):
        value = _number(form, name, problems)
        if value is not None:
            data[name] = value
    if data["marital_status"] in ("married", "common_law"):
        spouse: dict[str, Any] = {
            "accompanying": _text(form, "spouse_accompanying") == "on",
            "canadian_citizen_or_pr": _text(form, "spouse_canadian") == "on",
        }
        if level := _text(form, "spouse_education_level"):
            spouse["education"] = [{"level": level, "country": "CA"}]
            paths["spouse.education[0].level"] = "spouse_education_level"
        if entry := _test(form, "spouse_lang", problems, paths, "spouse.language_tests[0]"):
            spouse["language_tests"] = [entry]
        if job := _job(form, "spouse_canada", "CA", problems, paths, "spouse.work_history[0]"):
            spouse["work_history"] = [job]
        data["spouse"] = spouse
    return data, problems, paths


def _field_of(path: str, paths: dict[str, str]) -> str:
    while path:
        if path in paths:
            return paths[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return "_form"


def profile_from_form(form: Mapping[str, str]) -> Profile:
    """The profile the form describes, or ``FormProblems`` naming each field and reason.

    A non-empty ``profile_json`` field (a profile pasted as JSON) takes the place of the form.
    """
    pasted = _text(form, "profile_json")
    if pasted:
        try:
            return parse_profile(pasted)
        except ProfileError as exc:
            raise FormProblems(
                {"profile_json": "; ".join(f"{p or '(profile)'}: {r}" for p, r in exc.problems)}
            ) from None
    data, problems, paths = profile_data(form)
    # every problem at once: the profile parser checks what the form reading did not (a band
    # off its test's scale, a date in the future) even when a field is missing or unreadable;
    # a field keeps the form's own reason when both found one
    found: dict[str, str] = dict(problems)
    try:
        profile = parse_profile(json.dumps(data))
    except ProfileError as exc:
        for path, reason in exc.problems:
            field = _field_of(path, paths)
            if field == "_form" and problems:
                continue  # a consequence of a field already named (e.g. a missing date)
            found.setdefault(field, reason if field != "_form" else f"{path}: {reason}")
    else:
        if not found:
            return profile
    raise FormProblems(_in_form_order(found))


def _in_form_order(problems: dict[str, str]) -> dict[str, str]:
    """The problems in the order of the form's fields (the summary reads top to bottom)."""
    order = {name: i for i, name in enumerate(FIELDS)}
    return dict(sorted(problems.items(), key=lambda kv: order.get(kv[0], len(order))))


def form_from_profile(profile: Profile) -> dict[str, str]:
    """The form's values for a profile (the first entries of each kind the form holds)."""
    out: dict[str, str] = {
        "date_of_birth": profile.date_of_birth.isoformat(),
        "marital_status": profile.marital_status,
        "first_official_language": profile.first_official_language or "",
    }
    if profile.sibling_in_canada:
        out["sibling_in_canada"] = "on"
    foreign = [c for c in profile.education if c.country != "CA"]
    canadian = [c for c in profile.education if c.country == "CA"]
    main = foreign[0] if foreign else (canadian.pop(0) if canadian else None)
    if main is not None:
        out["education_level"] = main.level
        out["education_country"] = main.country
        out["education_completed_on"] = _iso(main.completed_on)
        out["education_eca_issued_on"] = _iso(main.eca.issued_on if main.eca else None)
    if canadian:
        out["canada_education_level"] = canadian[0].level
        out["canada_education_completed_on"] = _iso(canadian[0].completed_on)
    for prefix, test in zip(("lang1", "lang2"), profile.language_tests, strict=False):
        _fill_test(out, prefix, test)
    canada = [j for j in profile.work_history if j.country == "CA"]
    abroad = [j for j in profile.work_history if j.country != "CA"]
    for n, job in enumerate(canada[:MAX_JOBS], start=1):
        _fill_job(out, "canada" if n == 1 else f"canada_{n}", job)
    for n, job in enumerate(abroad[:MAX_JOBS], start=1):
        prefix = "foreign" if n == 1 else f"foreign_{n}"
        _fill_job(out, prefix, job)
        out[f"{prefix}_country"] = job.country
    if coq := profile.certificate_of_qualification:
        out["coq_noc"], out["coq_province"] = coq.noc, coq.issued_by
    if offer := profile.job_offer:
        out["offer_noc"] = offer.noc
        if offer.lmia:
            out["offer_lmia"] = "on"
    if pn := profile.provincial_nomination:
        out["nomination_province"] = pn.province
        out["nomination_date"] = pn.nominated_on.isoformat()
    if profile.settlement_funds_cad is not None:
        out["settlement_funds_cad"] = _num(profile.settlement_funds_cad)
    if profile.family_size is not None:
        out["family_size"] = str(profile.family_size)
    if spouse := profile.spouse:
        if spouse.accompanying:
            out["spouse_accompanying"] = "on"
        if spouse.canadian_citizen_or_pr:
            out["spouse_canadian"] = "on"
        if spouse.education:
            out["spouse_education_level"] = max(
                (c.level for c in spouse.education), key=EDUCATION_ORDER.index
            )
        if spouse.language_tests:
            _fill_test(out, "spouse_lang", spouse.language_tests[0])
        jobs = [j for j in spouse.work_history if j.country == "CA"]
        if jobs:
            _fill_job(out, "spouse_canada", jobs[0])
    return {k: v for k, v in out.items() if v}


def fits_form(profile: Profile, values: dict[str, str] | None = None) -> bool:
    """Whether the form holds every entry of the profile (else edit it as JSON); ``values``
    are the profile's form values when already made."""
    again = profile_from_form(form_from_profile(profile) if values is None else values)
    keep = {"profile_id", "submitted_at"}
    return again.model_dump(exclude=keep) == profile.model_dump(exclude=keep)


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _fill_test(out: dict[str, str], prefix: str, test: Any) -> None:
    out[f"{prefix}_test"] = test.test
    out[f"{prefix}_taken_on"] = test.taken_on.isoformat()
    for ability in ("listening", "reading", "writing", "speaking"):
        out[f"{prefix}_{ability}"] = _num(getattr(test, ability))


def _fill_job(out: dict[str, str], prefix: str, job: Any) -> None:
    out[f"{prefix}_noc"] = job.noc
    out[f"{prefix}_start"] = job.start.isoformat()
    out[f"{prefix}_end"] = _iso(job.end)
    if f"{prefix}_hours" in FIELDS:
        out[f"{prefix}_hours"] = _num(job.hours_per_week)
