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
        "model.title": "The pool model on {at}: candidates per CRS band",
        "model.shares": (
            "Shares of the pool at or above their rounds' cutoffs that each kind's last rounds "
            "invited (applied to every score; nominees: the 601-1200 band): {shares}."
        ),
        "column.band": "CRS band",
        "column.pool": "pool",
        "family.general": "general",
        "family.cec": "CEC",
        "family.fsw": "FSW",
        "family.fst": "FST",
        "family.pnp": "PNP",
        "family.category": "category",
        "outlook.line": (
            "{who}: CRS {crs}. Chance of an invitation within 1 month {m1}, 3 months {m3}, "
            "6 months {m6}, 12 months {m12}."
        ),
        "outlook.assumptions": (
            "Assumes the round pattern of {start} to {end} goes on ({rounds} rounds: {kinds}), "
            "with cutoffs from the pool model (distribution as of {snapshot}) and its past "
            "errors; {simulations} simulated years."
        ),
        "outlook.no_snapshot": "no distribution published yet",
        "outlook.calibration": "Outlook calibration: invitation within {months} months",
        "outlook.brier": (
            "Brier score {period}: outlook {outlook}, baseline {baseline} ({candidates} virtual "
            "candidates, {share} invited)."
        ),
        "outlook.baseline": (
            "Baseline: invited if a round of the last 6 months that it was eligible for had a "
            "cutoff at or below its score."
        ),
        "column.from": "from",
        "column.to": "to",
        "column.candidates": "candidates",
        "column.mean_probability": "stated probability",
        "column.invited_share": "invited",
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
        "model.title": "Le modèle du bassin au {at} : candidats par tranche SCG",
        "model.shares": (
            "Parts du bassin à la note limite ou au-dessus que les dernières rondes de chaque "
            "genre ont invitées (appliquées à chaque note; candidats des provinces : la tranche "
            "601-1200) : {shares}."
        ),
        "column.band": "tranche SCG",
        "column.pool": "bassin",
        "family.general": "générales",
        "family.cec": "CEC",
        "family.fsw": "PTQF",
        "family.fst": "PTMSF",
        "family.pnp": "PCP",
        "family.category": "catégorie",
        "outlook.line": (
            "{who} : SCG {crs}. Probabilité d'une invitation d'ici 1 mois {m1}, 3 mois {m3}, "
            "6 mois {m6}, 12 mois {m12}."
        ),
        "outlook.assumptions": (
            "Suppose que le rythme des rondes du {start} au {end} se poursuit ({rounds} rondes : "
            "{kinds}), avec des notes limites tirées du modèle du bassin (répartition au "
            "{snapshot}) et de ses erreurs passées; {simulations} années simulées."
        ),
        "outlook.no_snapshot": "aucune répartition encore publiée",
        "outlook.calibration": "Étalonnage des perspectives : invitation d'ici {months} mois",
        "outlook.brier": (
            "Score de Brier {period} : perspectives {outlook}, référence {baseline} "
            "({candidates} candidats virtuels, {share} invités)."
        ),
        "outlook.baseline": (
            "Référence : invité si une ronde des 6 derniers mois à laquelle il était admissible "
            "avait une note limite égale ou inférieure à sa note."
        ),
        "column.from": "de",
        "column.to": "à",
        "column.candidates": "candidats",
        "column.mean_probability": "probabilité annoncée",
        "column.invited_share": "invités",
    },
}


def text(lang: str, key: str, **values: Any) -> str:
    """The message ``key`` in ``lang`` with its placeholders filled."""
    message = MESSAGES[lang][key]
    return message.format(**values) if values else message
