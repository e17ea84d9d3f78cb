"""Explanations of a CRS score: for each factor, the fact used and the rule table applied."""

from __future__ import annotations

from dataclasses import dataclass

from expressentry.profile.facts import Facts, PersonFacts
from expressentry.rules.language import ABILITIES
from expressentry.rules.tables import RuleBook, default_rulebook
from expressentry.scoring.crs import Score

LEVEL_NAMES = {"english": "CLB", "french": "NCLC"}


@dataclass(frozen=True)
class Line:
    block: str
    factor: str
    points: int
    fact: str
    rule: str | None
    since: str | None
    reference: str | None


def _levels(levels: tuple[int, ...] | None, language: str | None) -> str:
    if not levels:
        return f"no valid {(language or '').capitalize()} test".replace("  ", " ")
    name = LEVEL_NAMES.get(language or "english", "CLB")
    parts = [
        f"{a.capitalize()} {lvl if lvl >= 4 else '<4'}"
        for a, lvl in zip(ABILITIES, levels, strict=True)
    ]
    return f"{(language or '').capitalize()} {name}: " + ", ".join(parts)


def _years(n: int, what: str) -> str:
    return f"{n} year{'s' if n != 1 else ''} of {what}"


#: why a credential does not count (``PersonFacts.uncounted_education``)
UNCOUNTED_EN = {
    "no_eca": "it has no educational credential assessment (ECA)",
    "eca_later": "its ECA is dated after this day",
    "eca_expired": "its ECA is more than 5 years old",
    "not_completed": "it is completed after this day",
}


def _education(p: PersonFacts) -> str:
    from expressentry.profile.countries import country_name
    from expressentry.scoring.whatif import LEVEL_NAMES_EN

    text = LEVEL_NAMES_EN.get(p.education, p.education)
    for level, reason, country in p.uncounted_education:
        where = "" if country == "CA" else f" from {country_name(country)}"
        text += (
            f"; your {LEVEL_NAMES_EN.get(level, level)}{where} does not count: "
            f"{UNCOUNTED_EN[reason]}"
        )
    return text


def _future(p: PersonFacts, abroad: bool) -> str:
    jobs = [(noc, start) for noc, country, start in p.future_work if (country != "CA") == abroad]
    return "".join(
        f"; not counted yet: the job in NOC {noc} starts on {start.isoformat()}"
        for noc, start in jobs
    )


def _person(p: PersonFacts) -> dict[str, str]:
    return {
        "age": f"{p.age} years old" if p.age is not None else "age unknown",
        "education": _education(p),
        "first_language": _levels(p.first_levels, p.first_language),
        "second_language": _levels(
            p.second_levels,
            None
            if p.first_language is None
            else ("french" if p.first_language == "english" else "english"),
        ),
        "canadian_work": _years(
            p.canadian_work_years, "skilled work in Canada in the last 10 years"
        )
        + _future(p, abroad=False),
        "foreign_work": _years(
            p.foreign_work_years, "skilled work outside Canada in the last 10 years"
        )
        + _future(p, abroad=True),
    }


_RULES = {
    ("core", "age"): "crs.core.age",
    ("core", "education"): "crs.core.education",
    ("core", "first_language"): "crs.core.first_language",
    ("core", "second_language"): "crs.core.second_language",
    ("core", "canadian_work"): "crs.core.canadian_work",
    ("spouse", "education"): "crs.spouse.education",
    ("spouse", "language"): "crs.spouse.language",
    ("spouse", "canadian_work"): "crs.spouse.canadian_work",
    ("transferability", "education"): "crs.transferability.education",
    ("transferability", "foreign_work"): "crs.transferability.foreign_work",
    ("transferability", "certificate"): "crs.transferability.certificate",
    ("additional", "provincial_nomination"): "crs.additional.provincial_nomination",
    ("additional", "job_offer"): "crs.additional.job_offer",
    ("additional", "french"): "crs.additional.french",
    ("additional", "canadian_education"): "crs.additional.canadian_education",
    ("additional", "sibling"): "crs.additional.sibling",
}


def _facts_text(facts: Facts) -> dict[tuple[str, str], str]:
    from expressentry.scoring.whatif import LEVEL_NAMES_EN

    p = _person(facts.principal)
    out = {("core", k): v for k, v in p.items() if k != "foreign_work"}
    if facts.spouse is not None:
        s = _person(facts.spouse)
        out[("spouse", "education")] = LEVEL_NAMES_EN.get(
            facts.spouse.education, facts.spouse.education
        )
        out[("spouse", "language")] = _levels(
            facts.spouse.first_levels, facts.spouse.first_language
        )
        out[("spouse", "canadian_work")] = s["canadian_work"]
    first = _levels(facts.principal.first_levels, facts.principal.first_language)
    education = LEVEL_NAMES_EN.get(facts.principal.education, facts.principal.education)
    canadian = _years(facts.principal.canadian_work_years, "skilled work in Canada")
    foreign = _years(facts.principal.foreign_work_years, "skilled work outside Canada")
    out[("transferability", "education")] = f"{education}; {first}; {canadian}"
    out[("transferability", "foreign_work")] = f"{foreign}; {first}; {canadian}"
    out[("transferability", "certificate")] = (
        "certificate of qualification; " + first
        if facts.certificate_of_qualification
        else "no certificate of qualification"
    )
    out[("additional", "provincial_nomination")] = (
        "nominated" if facts.provincial_nomination else "no nomination"
    )
    offer = facts.job_offer
    out[("additional", "job_offer")] = (
        f"offer in NOC {offer.noc} ({'LMIA' if offer.lmia else 'no LMIA'})"
        if offer
        else "no job offer"
    )
    out[("additional", "french")] = (
        _levels(facts.principal.french_levels, "french")
        + "; "
        + _levels(facts.principal.english_levels, "english")
    )
    ce = facts.principal.canadian_education
    out[("additional", "canadian_education")] = (
        f"Canadian credential: {LEVEL_NAMES_EN.get(ce, ce)}"
        if ce
        else "no Canadian credential that counts"
    )
    out[("additional", "sibling")] = (
        "sibling in Canada" if facts.sibling_in_canada else "no sibling declared"
    )
    return out


def explain(score: Score, rulebook: RuleBook | None = None) -> list[Line]:
    """One line per factor of the score, with the fact used and the dated rule applied."""
    rulebook = rulebook or default_rulebook()
    texts = _facts_text(score.facts) if score.facts is not None else {}
    lines: list[Line] = []
    for block_name in ("core", "spouse", "transferability", "additional"):
        block = getattr(score, block_name)
        if block_name == "spouse" and (score.facts is None or not score.facts.with_spouse):
            continue
        for factor, points in block.items():
            if factor == "total":
                continue
            rule = _RULES.get((block_name, factor))
            since = reference = None
            if rule is not None and rule in rulebook:
                version = rulebook[rule].get(score.as_of)
                if version is not None:
                    v = rulebook[rule].version_at(score.as_of)
                    since, reference = v.effective_from.isoformat(), str(v.reference)
                else:
                    reference = "not in force on this date"
            lines.append(
                Line(
                    block_name,
                    factor,
                    points,
                    texts.get((block_name, factor), ""),
                    rule,
                    since,
                    reference,
                )
            )
    return lines
