"""The Express Entry profile: the exchange format of ``shared/spec/profile-format.md`` (version 1).

Every field of the format is accepted; unknown fields are rejected by name so that a typo is never
silently ignored. Values that cannot be true (an IELTS band of 9.5, a work period that ends before
it starts, a NOC code that is not in NOC 2021, a birth date in the future) are rejected with the
field path and the rule that was broken.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AllowInfNan,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    ValidationError,
    model_validator,
)

from expressentry.rules import language, noc

EducationLevel = Literal[
    "less_than_secondary",
    "secondary",
    "one_year",
    "two_year",
    "bachelors",
    "two_or_more",
    "masters",
    "doctoral",
]
#: education levels from lowest to highest, as the CRS ranks them
EDUCATION_ORDER: tuple[str, ...] = EducationLevel.__args__  # type: ignore[attr-defined]
EDUCATION_RANK = {level: i for i, level in enumerate(EDUCATION_ORDER)}

MaritalStatus = Literal[
    "single", "married", "common_law", "divorced", "separated", "widowed", "annulled"
]
PARTNERED = frozenset({"married", "common_law"})
LanguageTestName = Literal[
    "ielts_general", "celpip_general", "pte_core", "tef_canada", "tcf_canada"
]
OfficialLanguage = Literal["english", "french"]

PROVINCES = frozenset(
    {"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT", "CA"}
)


def _noc_code(value: str) -> str:
    if not (len(value) == 5 and value.isdigit()):
        raise ValueError(f"{value!r} is not a NOC 2021 code (five digits, e.g. '21231')")
    if not noc.is_valid(value):
        raise ValueError(f"{value!r} is not a unit group of NOC 2021")
    return value


def _country(value: str) -> str:
    if not (len(value) == 2 and value.isalpha() and value.isupper()):
        raise ValueError(f"{value!r} is not an ISO 3166 alpha-2 country code (e.g. 'CA', 'IN')")
    return value


def _province(value: str) -> str:
    if value not in PROVINCES:
        raise ValueError(f"{value!r} is not a Canadian province or territory code (e.g. 'ON')")
    return value


def _date_text(value: object) -> object:
    # JSON has no date type: dates are ISO 8601 text (pydantic would read 0 as 1970-01-01)
    if isinstance(value, int | float):
        raise ValueError(f"expected a date as text (YYYY-MM-DD), got the number {value!r}")
    return value


#: the range of every date of a profile: no one in the pool was born before 1900, and no
#: credential, test, job or nomination is dated after 2100 (day arithmetic stays far from the
#: calendar's end, 9999-12-31, where adding a day overflows)
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
#: Express Entry opened on 2015-01-01 (Ministerial Instructions respecting the Express Entry
#: system; shared/research/crs-rules.md section 9, "2015-01-01: Express Entry launched"): no
#: profile was submitted before it
EXPRESS_ENTRY_START = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
#: how far ahead of the present a submission time may be (clocks and time zones differ)
SUBMISSION_AHEAD = dt.timedelta(days=1)
#: the largest amount of settlement funds a profile may state, in Canadian dollars
MAX_FUNDS_CAD = 1_000_000_000
#: a profile_id: 1 to 200 of ASCII letters, digits, and . _ - : @ + (first a letter or a digit);
#: no spaces, control or bidirectional formatting characters that could make one id look
#: like another to an officer
PROFILE_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@+-]{0,199}")
PROFILE_ID_RULE = (
    "a profile_id is 1 to 200 of the characters A-Z, a-z, 0-9, '.', '_', '-', ':', '@' "
    "and '+', beginning with a letter or a digit"
)


#: how far past today an assessment date (``as_of``) may lie: a score years ahead reads rules
#: nobody has made yet (and at 9999-12-31 every candidate is 8,000 years old)
AS_OF_DAYS_AHEAD = 5 * 366


def as_of_problem(on: dt.date) -> str | None:
    """Why ``on`` cannot be an assessment date, or None: from 2015-01-01 (the first CRS) to
    five years after today."""
    latest = dt.date.today() + dt.timedelta(days=AS_OF_DAYS_AHEAD)
    if on < EXPRESS_ENTRY_START.date():
        return f"{on.isoformat()} is before Express Entry began on 2015-01-01"
    if on > latest:
        return (
            f"{on.isoformat()} is more than five years ahead (the latest assessment date is "
            f"{latest.isoformat()})"
        )
    return None


def _in_range(value: dt.date) -> dt.date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(
            f"{value.isoformat()} is outside the dates a profile may hold "
            f"({EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()})"
        )
    return value


def _not_future(value: dt.date) -> dt.date:
    if value > dt.date.today():
        raise ValueError(f"{value.isoformat()} is in the future")
    return value


def _submission_window(value: dt.datetime) -> dt.datetime:
    latest = dt.datetime.now(dt.UTC) + SUBMISSION_AHEAD
    if value < EXPRESS_ENTRY_START:
        raise ValueError(
            f"{value.isoformat()} is before Express Entry opened "
            f"({EXPRESS_ENTRY_START.date().isoformat()}); no profile was submitted then"
        )
    if value > latest:
        raise ValueError(
            f"{value.isoformat()} is in the future; a profile is submitted at the latest now "
            f"(up to a day ahead, for clocks and time zones)"
        )
    return value


def _profile_id(value: str) -> str:
    if not PROFILE_ID_PATTERN.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid profile_id: {PROFILE_ID_RULE}")
    return value


NocCode = Annotated[str, AfterValidator(_noc_code)]
Country = Annotated[str, AfterValidator(_country)]
Province = Annotated[str, AfterValidator(_province)]
Date = Annotated[dt.date, BeforeValidator(_date_text), AfterValidator(_in_range)]
Timestamp = Annotated[AwareDatetime, BeforeValidator(_date_text)]
SubmissionTime = Annotated[
    AwareDatetime, BeforeValidator(_date_text), AfterValidator(_submission_window)
]
PastDate = Annotated[
    dt.date, BeforeValidator(_date_text), AfterValidator(_not_future), AfterValidator(_in_range)
]
#: JSON numbers and booleans as such: true is not 1, "2" is not 2, "yes" is not true; a number
#: is finite, checked before any range (JSON has no infinity, but 1e400 reads as one)
Number = Annotated[float, Strict(), AllowInfNan(False)]
ProfileId = Annotated[str, AfterValidator(_profile_id)]
Count = Annotated[int, Strict()]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ECA(_Strict):
    """Educational credential assessment for immigration purposes (valid five years)."""

    issued_on: PastDate
    organization: str | None = Field(default=None, max_length=200)


class Credential(_Strict):
    level: EducationLevel
    country: Country
    completed_on: Date | None = None
    eca: ECA | None = None
    full_time: StrictBool | None = None
    months_in_canada: Count | None = Field(default=None, ge=0, le=600)

    @property
    def canadian(self) -> bool:
        return self.country == "CA"

    @model_validator(mode="after")
    def _assessed_when_completed(self) -> Credential:
        # an ECA assesses a completed credential (MI s. 2, "educational credential assessment")
        eca, done = self.eca, self.completed_on
        if eca is not None and done is not None and eca.issued_on < done:
            raise ValueError(
                f"eca.issued_on: {eca.issued_on.isoformat()} is before the credential's "
                f"completion date {done.isoformat()} (completed_on); an ECA assesses a completed "
                "credential"
            )
        return self


class LanguageTest(_Strict):
    test: LanguageTestName
    taken_on: PastDate
    listening: Number
    reading: Number
    writing: Number
    speaking: Number

    @model_validator(mode="after")
    def _on_scale(self) -> LanguageTest:
        scores = self.scores()
        problems = language.check_scores(self.test, self.taken_on, scores)
        if problems:
            # report every off-scale ability, each under its own field name
            raise ValueError("; ".join(f"{ability}: {message}" for ability, message in problems))
        return self

    def scores(self) -> dict[str, float]:
        return {
            "listening": self.listening,
            "reading": self.reading,
            "writing": self.writing,
            "speaking": self.speaking,
        }


class Job(_Strict):
    """A period of work in one occupation. ``end`` is inclusive; ``None`` means ongoing."""

    noc: NocCode
    country: Country
    start: Date
    end: Date | None = None
    hours_per_week: Number = Field(gt=0, le=168)
    paid: StrictBool = True
    self_employed: StrictBool = False
    during_full_time_study: StrictBool = False
    employer: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _ordered(self) -> Job:
        if self.end is not None and self.end < self.start:
            raise ValueError(
                f"end: {self.end.isoformat()} is before start {self.start.isoformat()}"
            )
        return self


class CertificateOfQualification(_Strict):
    noc: NocCode
    issued_by: Province
    issued_on: Date | None = None


class JobOffer(_Strict):
    noc: NocCode
    lmia: StrictBool = False
    #: an LMIA-exempt offer that qualifies as arranged employment (MI 2016-1, from 2016-11-19)
    lmia_exempt: StrictBool = False
    full_time: StrictBool = True
    duration_months: Count = Field(default=12, ge=0, le=1200)
    employer: str | None = Field(default=None, max_length=200)
    non_seasonal: StrictBool = True


class ProvincialNomination(_Strict):
    province: Province
    nominated_on: Date


class Spouse(_Strict):
    accompanying: StrictBool = True
    canadian_citizen_or_pr: StrictBool = False
    date_of_birth: PastDate | None = None
    education: tuple[Credential, ...] = ()
    language_tests: tuple[LanguageTest, ...] = ()
    work_history: tuple[Job, ...] = ()
    studied_in_canada: StrictBool = False


class Profile(_Strict):
    """An Express Entry profile in the exchange format (version 1)."""

    profile_id: ProfileId | None = Field(default=None, max_length=200)
    submitted_at: SubmissionTime | None = None
    date_of_birth: PastDate
    marital_status: MaritalStatus = "single"
    spouse: Spouse | None = None
    education: tuple[Credential, ...] = ()
    first_official_language: OfficialLanguage | None = None
    language_tests: tuple[LanguageTest, ...] = ()
    work_history: tuple[Job, ...] = ()
    certificate_of_qualification: CertificateOfQualification | None = None
    job_offer: JobOffer | None = None
    provincial_nomination: ProvincialNomination | None = None
    sibling_in_canada: StrictBool = False
    relative_in_canada: StrictBool = False
    studied_in_canada: StrictBool = False
    settlement_funds_cad: Number | None = Field(default=None, ge=0, le=MAX_FUNDS_CAD)
    family_size: Count | None = Field(default=None, ge=1, le=50)
    authorized_to_work_in_canada: StrictBool = False
    intends_to_live_in_quebec: StrictBool = False

    @model_validator(mode="after")
    def _spouse_matches_status(self) -> Profile:
        if self.spouse is not None and self.marital_status not in PARTNERED:
            raise ValueError(
                f"spouse: a spouse or common-law partner is given but marital_status is "
                f"{self.marital_status!r}; only 'married' or 'common_law' may have one"
            )
        if self.family_size is not None:
            minimum = 2 if self.spouse is not None else 1
            if self.family_size < minimum:
                raise ValueError(
                    f"family_size: {self.family_size} is smaller than the applicant and "
                    f"spouse ({minimum})"
                )
        return self


class ProfileError(ValueError):
    """A profile that cannot be accepted. ``problems`` lists (field path, reason) pairs."""

    def __init__(self, problems: list[tuple[str, str]], source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        where = f"{source}: " if source else ""
        lines = [f"{where}{path or '(profile)'}: {reason}" for path, reason in problems]
        super().__init__("\n".join(lines))


def _path(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_SPECIAL_MESSAGES = {
    "extra_forbidden": "unknown field (not part of the profile format)",
    "missing": "this field is required",
    "finite_number": "not a finite number (infinity and NaN are no amount or score)",
}


def problems_from(exc: ValidationError) -> list[tuple[str, str]]:
    """(field path, reason) pairs for a pydantic validation error, in a person's words."""
    problems: list[tuple[str, str]] = []
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        reason = _SPECIAL_MESSAGES.get(err["type"], err["msg"])
        reason = reason.removeprefix("Value error, ")
        # a model-level rule names its own field first ("spouse: ..."): move it into the path
        if err["type"] == "value_error" and ": " in reason:
            head, rest = reason.split(": ", 1)
            if head.replace("_", "").replace(".", "").isalpha() and head.islower():
                if ";" in rest and head in language.ABILITIES:
                    for piece in reason.split("; "):
                        field, msg = piece.split(": ", 1)
                        problems.append((_path([*loc, field]), msg))
                    continue
                loc.extend(head.split("."))
                reason = rest
        problems.append((_path(loc), reason))
    return problems


def parse_profile(data: str | bytes | dict[str, Any], source: str | None = None) -> Profile:
    """Load a profile from JSON text or a decoded mapping; raise ProfileError on bad input."""
    try:
        if isinstance(data, dict):
            return Profile.model_validate(data)
        return Profile.model_validate_json(data)
    except ValidationError as exc:
        retry = _with_huge_numbers_infinite(data, exc)
        if retry is not None:
            return parse_profile(retry, source)
        raise ProfileError(problems_from(exc), source) from None


def _huge_int(digits: str) -> int | float:
    # past 4,300 digits Python will not read an integer: it is as good as infinite (and refused
    # as such by the field it is in)
    if len(digits.lstrip("-")) <= 4000:
        return int(digits)
    return float("-inf") if digits.startswith("-") else float("inf")


def _with_huge_numbers_infinite(data: Any, exc: ValidationError) -> str | None:
    """The JSON text again with numbers too long to read written as infinities, so that the
    problem names the field they are in, or None when that is not what went wrong."""
    errors = exc.errors(include_url=False)
    if isinstance(data, dict) or len(errors) != 1 or errors[0]["type"] != "json_invalid":
        return None
    if "number out of range" not in errors[0]["msg"]:
        return None
    try:
        return json.dumps(json.loads(data, parse_int=_huge_int))
    except ValueError:
        return None


def load_profile(path: str, text: str | None = None) -> Profile:
    """Parse a profile file's text (``text``) or read it from ``path``."""
    if text is None:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProfileError(
            [("(file)", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")],
            path,
        ) from None
    return parse_profile(text, path)
