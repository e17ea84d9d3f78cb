"""The score's explanation and the what-if suggestions in the page's language.

``scoring.explain`` and ``scoring.whatif`` give the facts and message ids behind each factor
and suggestion (and English text for the CLI); here they are put in words from the web
catalogs, so that a page never shows an internal name ("masters", "core / first_language").
"""

from __future__ import annotations

from typing import Any

from expressentry.profile.countries import country_name
from expressentry.profile.facts import Facts, PersonFacts
from expressentry.rules.language import ABILITIES
from expressentry.web.i18n import Translator
from expressentry.web.pages import date_text


def _level(t: Translator, level: str) -> str:
    return t(f"choice.{level}")


def _levels(t: Translator, levels: tuple[int, ...] | None, language: str | None) -> str:
    name = t(f"explain.language.{language or 'english'}")
    if not levels:
        return t("explain.no_test", language=name)
    scale = "NCLC" if language == "french" else "CLB"
    parts = ", ".join(
        t(f"explain.ability.{a}", level=lvl if lvl >= 4 else "<4")
        for a, lvl in zip(ABILITIES, levels, strict=True)
    )
    return t("explain.levels", language=name, scale=scale, levels=parts)


def _years(t: Translator, n: int, where: str, lang: str) -> str:
    form = "one" if n == 1 or (lang == "fr" and n == 0) else "many"
    return t(f"explain.years_{where}.{form}", count=n)


def _education(t: Translator, p: PersonFacts, lang: str) -> str:
    text = _level(t, p.education)
    for level, reason, country in p.uncounted_education:
        text += "; " + t(
            f"explain.uncounted.{reason}",
            level=_level(t, level),
            country=country_name(country, lang),
        )
    return text


def _future(t: Translator, p: PersonFacts, abroad: bool, lang: str) -> str:
    return "".join(
        "; " + t("explain.future_job", noc=noc, date=date_text(start, lang))
        for noc, country, start in p.future_work
        if (country != "CA") == abroad
    )


def fact_texts(facts: Facts, t: Translator, lang: str) -> dict[tuple[str, str], str]:
    """For each (block, factor) of the score, the facts it was computed from, in words."""
    p = facts.principal
    first = _levels(t, p.first_levels, p.first_language)
    second_language = None
    if p.first_language is not None:
        second_language = "french" if p.first_language == "english" else "english"
    canadian_10 = _years(t, p.canadian_work_years, "canada_10", lang) + _future(t, p, False, lang)
    canadian = _years(t, p.canadian_work_years, "canada", lang)
    out = {
        ("core", "age"): t("explain.age", age=p.age) if p.age is not None else t("explain.no_age"),
        ("core", "education"): _education(t, p, lang),
        ("core", "first_language"): first,
        ("core", "second_language"): _levels(t, p.second_levels, second_language),
        ("core", "canadian_work"): canadian_10,
        ("transferability", "education"): f"{_level(t, p.education)}; {first}; {canadian}",
        ("transferability", "foreign_work"): (
            _years(t, p.foreign_work_years, "abroad_10", lang)
            + _future(t, p, True, lang)
            + f"; {first}; {canadian}"
        ),
        ("transferability", "certificate"): (
            t("explain.certificate") + "; " + first
            if facts.certificate_of_qualification
            else t("explain.no_certificate")
        ),
        ("additional", "provincial_nomination"): t(
            "explain.nominated" if facts.provincial_nomination else "explain.not_nominated"
        ),
        ("additional", "job_offer"): (
            t(
                "explain.offer_lmia" if facts.job_offer.lmia else "explain.offer",
                noc=facts.job_offer.noc,
            )
            if facts.job_offer
            else t("explain.no_offer")
        ),
        ("additional", "french"): _levels(t, p.french_levels, "french")
        + "; "
        + _levels(t, p.english_levels, "english"),
        ("additional", "canadian_education"): (
            t("explain.canadian_education", level=_level(t, p.canadian_education))
            if p.canadian_education
            else t("explain.no_canadian_education")
        ),
        ("additional", "sibling"): t(
            "explain.sibling" if facts.sibling_in_canada else "explain.no_sibling"
        ),
    }
    if facts.spouse is not None:
        s = facts.spouse
        out[("spouse", "education")] = _level(t, s.education)
        out[("spouse", "language")] = _levels(t, s.first_levels, s.first_language)
        out[("spouse", "canadian_work")] = _years(t, s.canadian_work_years, "canada_10", lang)
    return out


def notes(facts: Facts | None, t: Translator, lang: str) -> list[str]:
    """What the score leaves out and why: a credential without a valid ECA, a job not yet
    started (each would otherwise be a silent 0)."""
    if facts is None:
        return []
    p = facts.principal
    out = [
        t(f"explain.uncounted.{reason}", level=_level(t, level), country=country_name(c, lang))
        for level, reason, c in p.uncounted_education
    ]
    out += [
        t("explain.future_job", noc=noc, date=date_text(start, lang))
        for noc, _, start in p.future_work
    ]
    return [text[0].upper() + text[1:] for text in out]


def trace(lines: list[Any], facts: Facts | None, t: Translator, lang: str) -> list[dict[str, Any]]:
    """The explanation's lines with their block, factor and facts in words."""
    texts = fact_texts(facts, t, lang) if facts is not None else {}
    out = []
    for line in lines:
        factor_key = f"factor.{line.factor}"
        out.append(
            {
                "block": t(f"block.{line.block}"),
                "factor": t(factor_key) if factor_key in t else line.factor,
                "points": line.points,
                "fact": texts.get((line.block, line.factor), line.fact),
                "rule": line.rule,
                "since": date_text(line.since, lang) if line.since else None,
                "reference": line.reference,
            }
        )
    return out


def suggestion(s: Any, t: Translator, lang: str) -> str:
    """A what-if suggestion in words (``suggest.<id>`` with its values put in words)."""
    if not s.message:
        return str(s.description)
    values = dict(s.values)
    if "level" in values and isinstance(values["level"], str):
        values["level"] = _level(t, values["level"])
    if "country" in values:
        values["country"] = country_name(values["country"], lang)
    if "language" in values:
        values["language"] = t(f"explain.language.{values['language']}")
    if "ability" in values:
        values["ability"] = t(f"explain.ability_name.{values['ability']}")
    return t(f"suggest.{s.message}", **values)


def _figure(value: float, lang: str) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "fr" else text


def language_scales(t: Translator, on: Any = None) -> list[tuple[str, str]]:
    """(test id, its scale in words) for every test the form offers, from the language charts
    in force on ``on`` (today by default): what each score field accepts."""
    import datetime as dt

    from expressentry.rules.language import _chart
    from expressentry.web.forms import TESTS

    lang = t.lang
    on = on or dt.date.today()
    out = []
    for test in TESTS:
        try:
            chart = _chart(test, on, None)
        except LookupError:
            continue
        groups: dict[tuple[float, float, float], list[str]] = {}
        for ability, low, high, step, _ in chart.rows:
            groups.setdefault((low, high, step), []).append(t(f"explain.ability_name.{ability}"))
        parts = []
        for (low, high, step), abilities in groups.items():
            key = "hint.range_step" if step != 1 else "hint.range"
            parts.append(
                t(
                    key,
                    abilities=t("hint.and").join(abilities)
                    if len(abilities) < 4
                    else t("hint.all_abilities"),
                    low=_figure(low, lang),
                    high=_figure(high, lang),
                    step=_figure(step, lang),
                )
            )
        colon = " : " if lang == "fr" else ": "
        out.append((test, t(f"choice.{test}") + colon + "; ".join(parts)))
    return out
