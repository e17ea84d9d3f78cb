"""The words the analysis commands print, in English and French, keyed by message id.

The analysis layer returns numbers and message ids; the command line looks the words up here
(``text("fr", "predict.line", ...)``). Both catalogs hold the same keys with the same
placeholders (a test checks).
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("en", "fr")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "mode.nowcast": "Nowcast",
        "mode.forecast": "Forecast",
        "kind.general": "a general round",
        "kind.program": "a {program} round",
        "kind.category": "a {category} round",
        "method.ensemble": "stock-flow model with persistence",
        "method.stock-flow": "stock-flow model",
        "method.persistence": "the last round of its kind",
        "method.uniform": "candidates spread evenly in each band",
        "predict.line": (
            "{mode} of {kind} of {size} invitations on {at} ({method}): lowest CRS about "
            "{predicted}, 80% range {low} to {high}."
        ),
        "predict.uniform_line": (
            "{mode} of {kind} of {size} invitations on {at} ({method}): lowest CRS about "
            "{predicted}, in the band {low} to {high}."
        ),
        "predict.basis": (
            "Read: the pool distribution as of {snapshot} (published with round {source}) and "
            "{rounds} earlier rounds ({first} to {last})."
        ),
        "predict.carried": "Carried forward through rounds {rounds} and the arrivals since.",
        "predict.range": "The range is calibrated on {n} earlier errors ({whose}){widened}.",
        "predict.widened": ", widened after a long pause or an unusual size change",
        "backtest.title": "Backtest, {mode}: {kind}",
        "backtest.checks": "General rounds of 2022-2024 with a distribution",
        "backtest.summary": (
            "{cases} predictions of {history} rounds (to round {last}) in {seconds} s; each "
            "reads only what was published before its round."
        ),
        "backtest.chart": "Chart written to {path}.",
        "backtest.chart_title": "Predicted 80% range and real cutoff ({method}, {mode})",
        "backtest.chart_real": "real cutoff",
        "backtest.chart_range": "predicted 80% range",
        "backtest.chart_predicted": "predicted",
        "column.mode": "mode",
        "column.kind": "kind",
        "column.year": "year",
        "column.method": "method",
        "column.rounds": "rounds",
        "column.mae": "MAE",
        "column.bias": "bias",
        "column.worst": "worst",
        "column.worst_round": "worst round",
        "column.coverage": "80% coverage",
        "column.mean_width": "mean width",
        "year.all": "all",
    },
    "fr": {
        "mode.nowcast": "Estimation immédiate",
        "mode.forecast": "Prévision",
        "kind.general": "une ronde générale",
        "kind.program": "une ronde du programme {program}",
        "kind.category": "une ronde de la catégorie {category}",
        "method.ensemble": "modèle stock-flux combiné à la persistance",
        "method.stock-flow": "modèle stock-flux",
        "method.persistence": "la dernière ronde du même genre",
        "method.uniform": "candidats répartis également dans chaque tranche",
        "predict.line": (
            "{mode} d'{kind} de {size} invitations le {at} ({method}) : note SCG la plus basse "
            "d'environ {predicted}, intervalle à 80 % de {low} à {high}."
        ),
        "predict.uniform_line": (
            "{mode} d'{kind} de {size} invitations le {at} ({method}) : note SCG la plus basse "
            "d'environ {predicted}, dans la tranche de {low} à {high}."
        ),
        "predict.basis": (
            "Lu : la répartition du bassin au {snapshot} (publiée avec la ronde {source}) et "
            "{rounds} rondes antérieures (de {first} à {last})."
        ),
        "predict.carried": "Reportée à travers les rondes {rounds} et les arrivées depuis.",
        "predict.range": "L'intervalle est calibré sur {n} erreurs antérieures ({whose}){widened}.",
        "predict.widened": ", élargi après une longue pause ou un changement de taille inhabituel",
        "backtest.title": "Évaluation rétrospective, {mode} : {kind}",
        "backtest.checks": "Rondes générales de 2022 à 2024 avec une répartition",
        "backtest.summary": (
            "{cases} prédictions de {history} rondes (jusqu'à la ronde {last}) en {seconds} s; "
            "chacune ne lit que ce qui était publié avant sa ronde."
        ),
        "backtest.chart": "Graphique écrit dans {path}.",
        "backtest.chart_title": "Intervalle prédit à 80 % et note limite réelle ({method}, {mode})",
        "backtest.chart_real": "note limite réelle",
        "backtest.chart_range": "intervalle prédit à 80 %",
        "backtest.chart_predicted": "prédiction",
        "column.mode": "mode",
        "column.kind": "genre",
        "column.year": "année",
        "column.method": "méthode",
        "column.rounds": "rondes",
        "column.mae": "EAM",
        "column.bias": "biais",
        "column.worst": "pire",
        "column.worst_round": "pire ronde",
        "column.coverage": "couverture à 80 %",
        "column.mean_width": "largeur moyenne",
        "year.all": "toutes",
    },
}


def text(lang: str, key: str, **values: Any) -> str:
    """The message ``key`` in ``lang`` with its placeholders filled."""
    message = MESSAGES[lang][key]
    return message.format(**values) if values else message
