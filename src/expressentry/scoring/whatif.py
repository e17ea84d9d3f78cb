"""What-if: how the CRS total changes when one or more facts change, and what helps most.

A change is written ``key=value``, for example ``language.first=CLB9``,
``language.first.writing=CLB8``, ``language.french=NCLC7``, ``canadian_work=3``,
``education=masters``, ``spouse.language=CLB7``, ``provincial_nomination=yes``. Changes apply
to the facts derived from a profile (not to raw test scores), so a person can ask "what if I had
CLB 9?" without knowing which IELTS band gives it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from expressentry.profile.facts import Facts, PersonFacts, derive
from expressentry.profile.model import EDUCATION_ORDER, EDUCATION_RANK, Profile
from expressentry.rules.language import ABILITIES
from expressentry.rules.tables import RuleBook
from expressentry.scoring.crs import Score, score_facts

Levels = tuple[int, int, int, int]


class WhatIfError(ValueError):
    """A what-if change that cannot be understood; the message names the key and the reason."""


@dataclass(frozen=True)
class WhatIf:
    changes: tuple[str, ...]
    before: Score
    after: Score
    #: the programs (fsw, cec, fst) the profile meets before and after the changes
    programs_before: tuple[str, ...] = ()
    programs_after: tuple[str, ...] = ()

    @property
    def gain(self) -> int:
        return self.after.total - self.before.total

    @property
    def loses_every_program(self) -> bool:
        """The changed profile would meet no program, so it could not stay in the pool."""
        return bool(self.programs_before) and not self.programs_after


PROGRAM_CODES = ("fsw", "cec", "fst")


def programs_met(
    profile: Profile, facts: Facts, rulebook: RuleBook | None = None
) -> tuple[str, ...]:
    """The programs a profile meets with these facts (changed ones too: the programs read the
    facts, so "what if my English were CLB 3?" is answered for eligibility as for points)."""
    from expressentry.eligibility.programs import eligible_programs

    met = eligible_programs(profile, facts, rulebook)
    return tuple(code for code, ok in zip(PROGRAM_CODES, met, strict=True) if ok)


def _small_number(raw: str) -> bool:
    """ASCII digits, at most four: int() of a longer run (or of '²', which isdigit) is no level
    or count, and past 4,300 digits int() itself refuses it."""
    return raw.isascii() and raw.isdigit() and len(raw) <= 4


def _level(key: str, text: str) -> int:
    raw = text.strip().upper().removeprefix("CLB").removeprefix("NCLC").strip()
    if not _small_number(raw) or not 0 <= int(raw) <= 12:
        raise WhatIfError(f"{key}: {text!r} is not a CLB/NCLC level (e.g. CLB9, NCLC7, 8)")
    return min(int(raw), 10)


def _count(key: str, text: str, maximum: int = 60) -> int:
    if not _small_number(text.strip()) or int(text) > maximum:
        raise WhatIfError(f"{key}: {text!r} is not a whole number from 0 to {maximum}")
    return int(text)


def _flag(key: str, text: str) -> bool:
    value = text.strip().lower()
    if value in {"yes", "true", "1", "y"}:
        return True
    if value in {"no", "false", "0", "n", "none"}:
        return False
    raise WhatIfError(f"{key}: {text!r} is not yes or no")


def _education(key: str, text: str, allow_none: bool = False) -> str | None:
    value = text.strip().lower()
    if allow_none and value in {"none", "no"}:
        return None
    if value not in EDUCATION_RANK:
        raise WhatIfError(
            f"{key}: {text!r} is not an education level ({', '.join(EDUCATION_ORDER)})"
        )
    return value


def _with_language(p: PersonFacts, language: str, levels: Levels | None) -> PersonFacts:
    """Set one language's levels and keep first/second in step with it."""
    english = levels if language == "english" else p.english_levels
    french = levels if language == "french" else p.french_levels
    first = p.first_language or language
    return dataclasses.replace(
        p,
        first_language=first,
        english_levels=english,
        french_levels=french,
        first_levels=english if first == "english" else french,
        second_levels=french if first == "english" else english,
    )


def _set_levels(current: Levels | None, key: str, ability: str | None, value: str) -> Levels:
    level = _level(key, value)
    if ability is None:
        return (level,) * 4  # type: ignore[return-value]
    if ability not in ABILITIES:
        raise WhatIfError(f"{key}: unknown ability {ability!r} (one of {', '.join(ABILITIES)})")
    base = list(current or (0, 0, 0, 0))
    base[ABILITIES.index(ability)] = level
    return tuple(base)  # type: ignore[return-value]


def _apply_language(p: PersonFacts, key: str, parts: list[str], value: str) -> PersonFacts:
    which = parts[0] if parts else ""
    ability = parts[1] if len(parts) > 1 else None
    if which in {"english", "french"}:
        current = p.english_levels if which == "english" else p.french_levels
        return _with_language(p, which, _set_levels(current, key, ability, value))
    if which == "first":
        lang = p.first_language or "english"
        return _with_language(p, lang, _set_levels(p.first_levels, key, ability, value))
    if which == "second":
        lang = "french" if (p.first_language or "english") == "english" else "english"
        return _with_language(p, lang, _set_levels(p.second_levels, key, ability, value))
    raise WhatIfError(f"{key}: expected language.first, .second, .english or .french")


def apply_change(facts: Facts, change: str) -> Facts:
    """Apply one ``key=value`` change to the facts."""
    if "=" not in change:
        raise WhatIfError(f"{change!r}: a change is written key=value, e.g. language.first=CLB9")
    key, value = (s.strip() for s in change.split("=", 1))
    parts = key.lower().split(".")
    p = facts.principal
    head = parts[0]
    if head == "language":
        return dataclasses.replace(facts, principal=_apply_language(p, key, parts[1:], value))
    if head == "age":
        return dataclasses.replace(
            facts, principal=dataclasses.replace(p, age=_count(key, value, 120))
        )
    if head == "education":
        level = _education(key, value)
        return dataclasses.replace(facts, principal=dataclasses.replace(p, education=level))
    if head == "canadian_education":
        level = _education(key, value, allow_none=True)
        return dataclasses.replace(
            facts, principal=dataclasses.replace(p, canadian_education=level)
        )
    if head in {"canadian_work", "foreign_work"}:
        field = f"{head}_years"
        return dataclasses.replace(
            facts, principal=dataclasses.replace(p, **{field: _count(key, value)})
        )
    if head == "spouse":
        return _apply_spouse(facts, key, parts[1:], value)
    if head in {"provincial_nomination", "nomination", "pnp"}:
        return dataclasses.replace(facts, provincial_nomination=_flag(key, value))
    if head == "sibling":
        return dataclasses.replace(facts, sibling_in_canada=_flag(key, value))
    if head in {"certificate", "certificate_of_qualification"}:
        return dataclasses.replace(facts, certificate_of_qualification=_flag(key, value))
    if head == "job_offer" and value.strip().lower() in {"none", "no", "false"}:
        return dataclasses.replace(facts, job_offer=None)
    raise WhatIfError(
        f"{key}: unknown what-if key (language.first|second|english|french[.ability], age, "
        "education, canadian_education, canadian_work, foreign_work, spouse.education|language|"
        "canadian_work|accompanying, provincial_nomination, sibling, certificate, job_offer=none)"
    )


_NO_SPOUSE = PersonFacts(
    age=None,
    education="less_than_secondary",
    canadian_education=None,
    first_language=None,
    first_levels=None,
    second_levels=None,
    english_levels=None,
    french_levels=None,
    canadian_work_years=0,
    foreign_work_years=0,
)


def _apply_spouse(facts: Facts, key: str, parts: list[str], value: str) -> Facts:
    what = parts[0] if parts else ""
    if what == "accompanying":
        accompanying = _flag(key, value)
        spouse = facts.spouse or _NO_SPOUSE
        return dataclasses.replace(
            facts, with_spouse=accompanying, spouse=spouse if accompanying else None
        )
    if not facts.with_spouse or facts.spouse is None:
        raise WhatIfError(f"{key}: the profile has no accompanying spouse to change")
    s = facts.spouse
    if what == "education":
        s = dataclasses.replace(s, education=_education(key, value))
    elif what == "language":
        levels = _set_levels(s.first_levels, key, parts[1] if len(parts) > 1 else None, value)
        s = dataclasses.replace(
            s, first_levels=levels, first_language=s.first_language or "english"
        )
    elif what == "canadian_work":
        s = dataclasses.replace(s, canadian_work_years=_count(key, value))
    else:
        raise WhatIfError(
            f"{key}: expected spouse.education, .language, .canadian_work or .accompanying"
        )
    return dataclasses.replace(facts, spouse=s)


def what_if(
    profile: Profile,
    as_of: dt.date,
    changes: Iterable[str],
    rulebook: RuleBook | None = None,
) -> WhatIf:
    """The score before and after applying ``changes`` together."""
    facts = derive(profile, as_of, rulebook)
    changed = facts
    changes = tuple(changes)
    for change in changes:
        changed = apply_change(changed, change)
    return WhatIf(
        changes,
        score_facts(facts, rulebook),
        score_facts(changed, rulebook),
        programs_met(profile, facts, rulebook),
        programs_met(profile, changed, rulebook),
    )


#: the English text of each suggestion (the web pages read ``suggest.<id>`` from their catalogs)
SUGGESTIONS_EN = {
    "language_all": "Retake the {language} test and reach {scale} {level} in all four abilities",
    "language_ability": "Raise {ability} in {language} from {scale} {current} to {level}",
    "french_test": "Take a French test (TEF or TCF Canada) at NCLC {level} in all four abilities",
    "english_test": "Take an English test at CLB {level} in all four abilities",
    "canadian_work": "Gain another year of skilled work in Canada",
    "foreign_work": "Gain another year of skilled work outside Canada",
    "get_eca": "Get an educational credential assessment (ECA) of your {level} from {country}",
    "renew_eca": "Get a new ECA of your {level} from {country} (the one you have has expired)",
    "education": "Complete a credential at the level: {level} (with an ECA if foreign)",
    "canadian_education_short": "Complete a Canadian post-secondary credential of 1-2 years",
    "canadian_education_long": "Complete a Canadian post-secondary credential of 3 years or more",
    "nomination": "Obtain a provincial or territorial nomination",
    "certificate": "Obtain a Canadian certificate of qualification in your trade",
    "spouse_language": "Your spouse or partner reaches CLB {level} in all four abilities",
    "spouse_canadian_work": "Your spouse or partner gains another year of skilled work in Canada",
}

#: how the English text names an education level
LEVEL_NAMES_EN = {
    "less_than_secondary": "less than secondary school",
    "secondary": "secondary school diploma",
    "one_year": "one-year post-secondary credential",
    "two_year": "two-year post-secondary credential",
    "bachelors": "bachelor's degree or 3-year credential",
    "two_or_more": "two or more credentials, one of 3 years or more",
    "masters": "master's degree or professional degree",
    "doctoral": "doctoral degree (PhD)",
}


@dataclass(frozen=True)
class Suggestion:
    description: str
    change: str
    gain: int
    new_total: int
    #: the message id (``SUGGESTIONS_EN``, ``suggest.<id>`` in the web catalogs) and its values
    message: str = ""
    values: tuple[tuple[str, Any], ...] = ()


def describe_suggestion(message: str, values: dict[str, Any]) -> str:
    """The English text of a suggestion (the CLI's words)."""
    from expressentry.profile.countries import country_name

    shown = dict(values)
    if "level" in shown and shown["level"] in LEVEL_NAMES_EN:
        shown["level"] = LEVEL_NAMES_EN[shown["level"]]
    if "country" in shown:
        shown["country"] = country_name(shown["country"], "en")
    return SUGGESTIONS_EN[message].format(**shown)


def _candidates(facts: Facts) -> Iterable[tuple[str, dict[str, Any], str]]:
    """(message id, values, change) for every single change worth trying."""
    p = facts.principal
    first = p.first_language or "english"
    name = "CLB" if first == "english" else "NCLC"
    current = p.first_levels or (0, 0, 0, 0)
    for target in (7, 8, 9, 10):
        if min(current) < target:
            yield (
                "language_all",
                {"language": first, "scale": name, "level": target},
                f"language.first={target}",
            )
    weakest = min(range(4), key=lambda i: current[i])
    if 0 < current[weakest] < 10:
        yield (
            "language_ability",
            {
                "ability": ABILITIES[weakest],
                "language": first,
                "scale": name,
                "current": current[weakest],
                "level": current[weakest] + 1,
            },
            f"language.first.{ABILITIES[weakest]}={current[weakest] + 1}",
        )
    french = p.french_levels or (0, 0, 0, 0)
    for target in (7, 9):
        if min(french) < target:
            yield ("french_test", {"level": target}, f"language.french={target}")
    english = p.english_levels or (0, 0, 0, 0)
    if first == "french" and min(english) < 5:
        yield ("english_test", {"level": 5}, "language.english=5")
    yield ("canadian_work", {}, f"canadian_work={p.canadian_work_years + 1}")
    if p.foreign_work_years < 3:
        yield ("foreign_work", {}, f"foreign_work={p.foreign_work_years + 1}")
    # a credential the person holds but that does not count for want of a valid ECA: the
    # advice is the ECA, not a new degree (before the "complete a credential" suggestions, so
    # that the same change is described by its real cause)
    held = p.education  # the highest level an ECA would make count
    for level, reason, country in p.uncounted_education:
        if (
            reason in ("no_eca", "eca_expired")
            and EDUCATION_RANK[level] > EDUCATION_RANK[p.education]
        ):
            held = max(held, level, key=EDUCATION_RANK.__getitem__)
            yield (
                "get_eca" if reason == "no_eca" else "renew_eca",
                {"level": level, "country": country},
                f"education={level}",
            )
    for level in ("one_year", "two_year", "bachelors", "two_or_more", "masters", "doctoral"):
        if EDUCATION_RANK[level] > EDUCATION_RANK[held]:
            yield ("education", {"level": level}, f"education={level}")
    if p.canadian_education is None:
        yield ("canadian_education_short", {}, "canadian_education=two_year")
        yield ("canadian_education_long", {}, "canadian_education=bachelors")
    if not facts.provincial_nomination:
        yield ("nomination", {}, "provincial_nomination=yes")
    if not facts.certificate_of_qualification:
        yield ("certificate", {}, "certificate=yes")
    if facts.with_spouse and facts.spouse is not None:
        s = facts.spouse
        spouse_current = s.first_levels or (0, 0, 0, 0)
        for target in (5, 7, 9):
            if min(spouse_current) < target:
                yield ("spouse_language", {"level": target}, f"spouse.language={target}")
        yield (
            "spouse_canadian_work",
            {},
            f"spouse.canadian_work={s.canadian_work_years + 1}",
        )


def improve(
    profile: Profile, as_of: dt.date, rulebook: RuleBook | None = None, limit: int = 10
) -> tuple[Score, list[Suggestion]]:
    """Single changes that add points, most points first."""
    facts = derive(profile, as_of, rulebook)
    base = score_facts(facts, rulebook)
    seen: set[str] = set()
    out: list[Suggestion] = []
    for message, values, change in _candidates(facts):
        if change in seen:
            continue
        seen.add(change)
        after = score_facts(apply_change(facts, change), rulebook)
        if after.total > base.total:
            out.append(
                Suggestion(
                    describe_suggestion(message, values),
                    change,
                    after.total - base.total,
                    after.total,
                    message,
                    tuple(values.items()),
                )
            )
    out.sort(key=lambda s: (-s.gain, s.change))
    return base, out[:limit] if limit else out
