"""Response shapes, for the OpenAPI document (the routes build their answers directly)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TraceLine(_Doc):
    block: str
    factor: str
    points: int
    fact: str
    rule: str | None
    since: str | None = Field(description="Date the rule version applied came into force")
    reference: str | None


class ScoreDocument(_Doc):
    """The score document of the profile exchange format, plus ``rules_version`` and ``trace``."""

    total: int
    as_of: str = Field(json_schema_extra={"format": "date"})
    core: dict[str, int]
    spouse: dict[str, int]
    transferability: dict[str, int]
    additional: dict[str, int]
    rules_version: str = Field(description="The CRS rule set in force on as_of")
    trace: list[TraceLine] | None = Field(
        default=None, description="Every rule applied, with its reference (explain=true)"
    )


class ProgramResult(_Doc):
    eligible: bool
    reasons: list[str]
    points: int | None = None


class CategoryResult(_Doc):
    eligible: bool
    reasons: list[str]


class EligibilityDocument(_Doc):
    """The eligibility document of the profile exchange format, plus the rule versions."""

    as_of: str = Field(json_schema_extra={"format": "date"})
    express_entry_eligible: bool
    programs: dict[str, ProgramResult]
    categories: dict[str, CategoryResult]
    rules_version: str = Field(description="The CRS rule set in force on as_of")
    category_versions: dict[str, int] = Field(
        description="For each category assessed, the year of the Minister's instructions used"
    )


class WhatIfRequest(_Doc):
    profile: dict = Field(description="A profile of the exchange format")
    changes: list[str] = Field(
        min_length=1,
        max_length=50,
        description="Changes key=value, e.g. language.first=CLB9, canadian_work=3",
        examples=[["language.first=CLB9", "provincial_nomination=yes"]],
    )


class WhatIfAnswer(_Doc):
    as_of: str = Field(json_schema_extra={"format": "date"})
    rules_version: str
    changes: list[str]
    before: ScoreDocument
    after: ScoreDocument
    gain: int
    programs_before: list[str] = Field(
        default=[], description="Programs (fsw, cec, fst) the profile meets now"
    )
    programs_after: list[str] = Field(
        default=[], description="Programs it would meet with the changes (none: it leaves the pool)"
    )


class Suggestion(_Doc):
    description: str
    change: str
    gain: int
    new_total: int
    message: str = Field(default="", description="The message id of the description")
    values: dict[str, Any] = Field(default={}, description="The values of the message")


class ImproveAnswer(_Doc):
    as_of: str = Field(json_schema_extra={"format": "date"})
    rules_version: str
    total: int
    suggestions: list[Suggestion]


class ReferenceDoc(_Doc):
    title: str
    href: str | None
    citation: str | None


class CategorySummary(_Doc):
    slug: str
    name: str
    year: int
    effective_from: str
    effective_to: str | None
    priority: bool
    rules: list[str]
    occupations: int
    reference: ReferenceDoc


class CategoryList(_Doc):
    as_of: str
    rules_version: str
    categories: list[CategorySummary]


class OccupationRow(_Doc):
    occupation: str
    noc: str
    teer: int


class OccupationTable(_Doc):
    filter: str
    sort: str | None
    order: str
    total: int = Field(description="Rows matching the filter")
    listed: int = Field(description="Rows in the whole table")
    page: int
    page_size: int
    pages: int
    first: int = Field(description="Number of the first row shown (0 when none)")
    last: int = Field(description="Number of the last row shown (0 when none)")
    items: list[OccupationRow]


class CategoryDetail(CategorySummary):
    as_of: str
    rules_version: str
    official_name: str
    economic_goal: str
    table: OccupationTable


class NocItem(_Doc):
    code: str
    title: str
    teer: int
    broad_category: str
    major_group: str
    skilled: bool


class NocAnswer(_Doc):
    query: str
    classification: str
    count: int
    items: list[NocItem]


class RoundDocument(_Doc):
    draw_number: str
    number: int
    date: str
    held_at: str | None
    round_type: str
    program: str | None
    category: str | None
    category_version: str | None
    name: str
    invitations: int
    crs_cutoff: int
    tie_break: str | None
    rank_needed: int
    distribution_date: str | None
    distribution: dict[str, int] | None
    eligible_programs: list[str]
    notes: list[str]


class RoundList(_Doc):
    total: int
    rounds: list[RoundDocument]


# --- issue 12: the invitation outlook ------------------------------------------------------------


class OutlookCandidate(_Doc):
    """A candidate given by its CRS and what it meets, instead of a profile."""

    crs: int = Field(ge=0, le=1200)
    programs: list[str] = Field(default=["fsw"], description="fsw, cec, fst")
    nominated: bool = False
    categories: list[str] = Field(default=[], description="Category slugs met")
    profile_id: str | None = None


class OutlookDocument(BaseModel):
    """The probability of an invitation within 1, 3, 6 and 12 months, and its assumptions."""

    profile_id: str | None
    crs: int
    programs: list[str]
    nominated: bool
    categories: list[str]
    probability: dict[str, float] = Field(description='Months as keys: "1", "3", "6", "12"')
    assumptions: dict[str, object]
