"""What the pool model shows on the pages: a candidate's invitation outlook, the predicted
cutoff of a round being previewed, and the backtest chart. The templates call these (Jinja
globals), each from its own partial template; the words are the catalogs' (``outlook.*``,
``prediction.*``, ``backtest.*``)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from expressentry.web.i18n import translator


def globals_() -> dict[str, Any]:
    return {
        "score_outlook": score_outlook,
        "profile_outlook": profile_outlook,
        "round_prediction": round_prediction,
        "backtest_view": backtest_view,
    }


def _chart(probability: dict[str, float], lang: str) -> str:
    from expressentry.reports.backtest_chart import inline, outlook_chart

    t = translator(lang)
    labels = {f"m{m}": t(f"outlook.within.{m}") for m in ("1", "3", "6", "12")}
    labels |= {"title": t("outlook.chart_title"), "y": t("outlook.chart_y")}
    return inline(outlook_chart(probability, labels), "outlook-chart", t("outlook.chart_title"))


def _view(candidate: Any, as_of: dt.date, lang: str) -> dict[str, Any]:
    from expressentry.analysis.outlook import cached_pattern
    from expressentry.analysis.predict import PredictionError
    from expressentry.rounds.history import HistoryError, load_history

    try:
        pattern = cached_pattern(load_history(), as_of)
    except (PredictionError, HistoryError) as exc:
        return {"problem": str(exc).removeprefix("--as-of: ")}
    probability = pattern.probabilities(candidate)
    basis = pattern.basis
    t = translator(lang)
    kinds = ", ".join(
        f"{t('outlook.kind.' + k)} {n}" for k, n in sorted(basis["pattern_by_kind"].items())
    )
    return {
        "crs": candidate.crs,
        "probability": probability,
        "basis": basis,
        "kinds": kinds,
        "chart": _chart(probability, lang),
    }


def score_outlook(result: Any, lang: str) -> dict[str, Any] | None:
    """The outlook of the profile a score page assessed (its CRS, programs, nomination and
    categories as of the page's date)."""
    from expressentry.analysis.outlook import Candidate

    if not result or not getattr(result, "get", None) or not result.get("score"):
        return None
    eligibility = result["eligibility"]
    programs = eligibility.programs
    candidate = Candidate(
        crs=result["score"].total,
        programs=frozenset(
            name
            for name, r in (("fsw", programs.fsw), ("cec", programs.cec), ("fst", programs.fst))
            if r.eligible
        ),
        nominated=result["score"].document()["additional"].get("provincial_nomination", 0) > 0,
        categories=frozenset(c.slug for c in eligibility.categories if c.eligible),
    )
    return _view(candidate, result["as_of"], lang)


def profile_outlook(profile_doc: Any, lang: str) -> dict[str, Any] | None:
    """The outlook of a candidate's stored profile, as of today."""
    from expressentry.analysis.outlook import candidate_from_profile
    from expressentry.profile.model import ProfileError, parse_profile
    from expressentry.rules.tables import NotInForce
    from expressentry.scoring.crs import BeforeExpressEntry

    if not profile_doc:
        return None
    today = dt.date.today()
    try:
        candidate = candidate_from_profile(parse_profile(profile_doc), today)
    except (ProfileError, NotInForce, BeforeExpressEntry) as exc:
        return {"problem": str(exc)}
    return _view(candidate, today, lang)


def round_prediction(values: dict[str, str], lang: str) -> dict[str, Any] | None:
    """The pool model's predicted cutoff for the round a preview form describes, on IRCC's
    published pool (a forecast from the latest distribution published before its day)."""
    from expressentry.analysis.predict import PredictionError, predict_round
    from expressentry.rounds.history import HistoryError, load_history

    size = (values.get("size") or "").strip()
    if not size.isdigit() or int(size) <= 0:
        return None
    round_type = values.get("round_type") or "general"
    at_text = (values.get("at") or "").strip()
    try:
        at = dt.date.fromisoformat(at_text[:10]) if at_text else dt.date.today()
    except ValueError:
        return None
    try:
        p = predict_round(
            load_history(),
            int(size),
            round_type=round_type,
            program=(values.get("program") or None) if round_type == "program" else None,
            category=(values.get("category") or None) if round_type == "category" else None,
            at=at,
        )
    except (PredictionError, HistoryError) as exc:
        return {"problem": str(exc)}
    return p.document()


@lru_cache(maxsize=4)
def _backtest(key: int) -> Any:
    from expressentry.analysis.backtest import run
    from expressentry.rounds.history import load_history

    return run(load_history())


def backtest_view(lang: str) -> dict[str, Any]:
    """The backtest's checks on the general rounds of 2022-2024, and its chart."""
    from expressentry.analysis.predict import DEFAULT_METHOD
    from expressentry.reports.backtest_chart import backtest_chart, inline
    from expressentry.rounds.history import load_history

    history = load_history()
    result = _backtest(id(history))
    t = translator(lang)
    cases = [c for c in result.select(mode="nowcast", method=DEFAULT_METHOD) if c.date.year >= 2022]
    labels = {
        "title": t("backtest.chart_title"),
        "real": t("backtest.chart_real"),
        "range": t("backtest.chart_range"),
        "predicted": t("backtest.chart_predicted"),
        "y": t("chart.cutoff"),
    }
    chart = inline(backtest_chart(cases, labels), "backtest-chart", t("backtest.chart_title"))
    return {
        "checks": result.checks(),
        "chart": chart,
        "rounds": result.history_rounds,
        "last_round": result.last_round,
    }
