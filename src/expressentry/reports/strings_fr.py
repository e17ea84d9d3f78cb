"""The reports' words in French (``MESSAGES["fr"]`` in ``reports.strings``).

Canadian French in the register of Government of Canada publications, with IRCC's own terms:
Entrée express, Système de classement global (SCG), ronde d'invitations, invitation à présenter
une demande, bassin, règle de départage, Catégorie de l'expérience canadienne (CEC), Programme
des travailleurs qualifiés (fédéral) (PTQF), Programme des travailleurs de métiers spécialisés
(fédéral) (PTMSF), Programme des candidats des provinces (PCP), sélection fondée sur des
catégories, Niveaux de compétence linguistique canadiens (NCLC), CNP 2021 and FEER (NOC 2021 and
TEER).

Same keys and same ``{placeholders}`` as the English table. The texts are written with plain
spaces; ``_typeset`` puts the no-break spaces French typography needs before a colon (U+00A0)
and a percent sign (U+202F, as ``Strings`` formats shares). Canadian usage puts no space before
; ? and !.
"""

from __future__ import annotations

import re

_FR: dict[str, str] = {
    # --- common -------------------------------------------------------------------------
    "app.name": "expressentry",
    "common.generated": "Produit le {at} par expressentry {version}.",
    "common.source": "Source : {source}.",
    "common.source.history": (
        "le fichier des rondes d'invitations d'IRCC (ee_rounds_123_en.json), rondes {first} à "
        "{last} (du {first_date} au {last_date})"
    ),
    "common.source.history.short": "l'historique des rondes publié par IRCC",
    "common.source.system": "la base de données de ce système",
    "common.source.system.short": "les rondes de ce système",
    "common.source.categories": (
        "les fichiers de données sur les catégories fournis avec expressentry ({path})"
    ),
    "common.total": "Total",
    "common.all_years": "toutes les années",
    "common.year": "Année",
    "common.yes": "oui",
    "common.no": "non",
    "common.none": "aucun",
    "common.open_ended": "toujours en vigueur",
    "common.contents": "Table des matières",
    "common.unknown": "inconnu",
    "common.other": "Autres",
    "common.count": "Nombre",
    "common.share": "Part",
    "common.candidates": "Candidats",
    "common.invitations": "Invitations",
    "common.rounds": "Rondes",
    "common.empty": "Aucune donnée : {message}.",
    "common.chart_files": "Les graphiques se trouvent dans {folder} (PNG et SVG).",
    "common.figure": "Figure : {title}",
    # --- round types, programs ----------------------------------------------------------
    "round_type.general": "Générale",
    "round_type.program": "Propre à un programme",
    "round_type.category": "Fondée sur des catégories",
    "program.cec": "Catégorie de l'expérience canadienne",
    "program.fsw": "Programme des travailleurs qualifiés (fédéral)",
    "program.fst": "Programme des travailleurs de métiers spécialisés (fédéral)",
    "program.pnp": "Programme des candidats des provinces",
    "program.short.cec": "CEC",
    "program.short.fsw": "PTQF",
    "program.short.fst": "PTMSF",
    "program.short.pnp": "PCP",
    "round.name.category": "{name} (instructions de {year})",
    # --- columns ------------------------------------------------------------------------
    "col.number": "Numéro",
    "col.date": "Date",
    "col.held_at": "Date et heure de la ronde",
    "col.round_type": "Type de ronde",
    "col.invitations": "Invitations émises",
    "col.crs_cutoff": "Note du SCG du candidat le moins bien classé invité",
    "col.crs_cutoff.short": "Note minimale du SCG",
    "col.tie_break": "Règle de départage",
    "col.rank_needed": "Rang requis",
    "col.distribution_date": "Répartition en date du",
    "col.pool_size": "Candidats dans le bassin",
    "col.eligible": "Candidats admissibles à la ronde",
    "col.size": "Taille de la ronde",
    "col.rounds": "Rondes",
    "col.category": "Catégorie",
    "col.program": "Programme",
    "col.share_all": "Part de l'ensemble des invitations",
    "col.share_category": "Part des invitations fondées sur des catégories",
    "col.share": "Part",
    "col.band": "Plage de notes du SCG",
    "col.candidates": "Candidats",
    "col.version": "Version des instructions",
    "col.version_year": "Version (année)",
    "col.instruction": "Nom de la ronde (version des instructions)",
    "col.effective_from": "En vigueur à compter du",
    "col.effective_to": "En vigueur jusqu'au",
    "col.priority": "Prioritaire",
    "col.occupations": "Professions énumérées",
    "col.established": "Établie en {year}",
    "col.cutoff_range": "Note minimale du SCG (fourchette)",
    "col.first_round": "Première ronde",
    "col.last_round": "Dernière ronde",
    "col.noc": "CNP 2021",
    "col.title": "Profession",
    "col.teer": "FEER",
    "col.education": "Niveau de scolarité le plus élevé",
    "col.language": "Niveau en première langue officielle (compétence la plus faible)",
    "col.country": "Pays de l'emploi le plus récent",
    "col.status": "Statut",
    "col.outcome": "Décision",
    "col.measure": "Indicateur",
    "col.value": "Valeur",
    "col.days": "Jours",
    "col.check": "Exigence non satisfaite",
    "col.in_pool_share": "Part du bassin",
    "col.submitted": "Profils soumis",
    "col.general": "Rondes générales",
    "col.program_rounds": "Rondes propres à un programme",
    "col.category_rounds": "Rondes fondées sur des catégories",
    "col.category_share": "Part des rondes fondées sur des catégories",
    "col.eligible_submitted": "Parmi les profils soumis en {year}",
    "col.eligible_pool": "Dans le bassin au {date}",
    # --- the rounds report --------------------------------------------------------------
    "rounds.title": "Rondes d'invitations, {period}",
    "rounds.subtitle.history": "Telles que publiées par IRCC",
    "rounds.subtitle.system": "Rondes tenues dans ce système",
    "rounds.summary": (
        "{rounds} rondes d'invitations en {period}, pour un total de {invitations} invitations "
        "à présenter une demande : {general} dans les rondes générales, {program} dans les "
        "rondes propres à un programme et {category} dans les rondes fondées sur des catégories."
    ),
    "rounds.empty.history": (
        "aucune ronde d'invitations en {period} dans l'historique des rondes d'IRCC (il couvre "
        "la période de {first} à {last})"
    ),
    "rounds.empty.system": (
        "aucune ronde d'invitations n'a été tenue en {period} dans cette base de données"
    ),
    "rounds.section.records": "Rondes d'invitations",
    "rounds.section.records.note": (
        "Règle de départage : les candidats ayant la note minimale des candidats invités n'ont "
        "reçu une invitation que s'ils avaient soumis leur profil avant cette date et cette heure "
        "(UTC). Le rang requis est le rang du dernier candidat invité."
    ),
    "rounds.section.cutoffs": "Note minimale des candidats invités au fil du temps",
    "rounds.section.distribution": "Répartition des notes du SCG des candidats dans le bassin",
    "rounds.section.distribution.note": (
        "Nombre de candidats dans le bassin pour chaque plage de notes du SCG à la date de la "
        "répartition publiée (plages larges; les formats CSV et JSON donnent aussi les plages de "
        "dix points d'IRCC, de 401 à 500)."
    ),
    "rounds.section.distribution.none": "Aucune répartition n'a été publiée pour ces rondes.",
    # --- the categories report ----------------------------------------------------------
    "categories.title": "Invitations par année, catégorie, programme et type de ronde, {period}",
    "categories.summary.year": (
        "{invitations} invitations à présenter une demande ont été émises en {year} dans le "
        "cadre de {rounds} rondes. Les rondes fondées sur des catégories en ont émis {category} "
        "({share})."
    ),
    "categories.empty.history": (
        "aucune ronde d'invitations en {period} dans l'historique des rondes d'IRCC (il couvre "
        "la période de {first} à {last})"
    ),
    "categories.empty.system": (
        "aucune ronde d'invitations n'a été tenue en {period} dans cette base de données"
    ),
    "categories.section.round_type": "Invitations par type de ronde",
    "categories.section.program": "Invitations dans les rondes propres à un programme",
    "categories.section.invited_program": "Invitations selon le programme visé par l'invitation",
    "categories.section.invited_program.note": (
        "Chaque invitation désigne un seul programme. Dans une ronde générale ou fondée sur des "
        "catégories, le candidat admissible à plusieurs programmes est invité au titre de l'un "
        "d'eux, dans l'ordre suivant : candidat des provinces, CEC, PTQF, PTMSF."
    ),
    "categories.section.category": "Invitations par catégorie",
    "categories.section.category.note": (
        "Calcul fait ronde par ronde : les invitations de chaque ronde fondée sur des catégories "
        "sont comptées pour sa catégorie. Les versions des catégories sont établies d'après la "
        "catégorie analysée, et non d'après le nom de la ronde."
    ),
    "categories.section.category.none": "Aucune ronde fondée sur des catégories en {period}.",
    "categories.section.years": "Invitations par année",
    "categories.section.category_years": "Invitations par catégorie et par année",
    "categories.section.program_years": (
        "Invitations dans les rondes propres à un programme, par année"
    ),
    "categories.section.cutoffs": (
        "Note minimale des candidats invités dans les rondes fondées sur des catégories"
    ),
    # --- the year-end report ------------------------------------------------------------
    "year_end.title": "Entrée express : rapport de fin d'année {year}",
    "year_end.subtitle": "D'après les données de ce système",
    "year_end.empty": (
        "cette base de données ne contient aucune donnée pour {year} : aucun profil n'a été "
        "soumis, aucune ronde n'a été tenue et aucune demande n'a été reçue au cours de cette "
        "année, et le bassin était vide à la fin de celle-ci"
    ),
    "year_end.section.summary": "L'année en bref",
    "year_end.summary.submitted": "Profils soumis et acceptés dans le bassin",
    "year_end.summary.refused": "Profils soumis mais non admissibles (refus consignés)",
    "year_end.summary.in_pool": "Candidats dans le bassin au {date}",
    "year_end.summary.rounds": "Rondes d'invitations tenues",
    "year_end.summary.invitations": "Invitations à présenter une demande émises",
    "year_end.summary.applications": "Demandes de résidence permanente reçues",
    "year_end.summary.decisions": "Demandes ayant fait l'objet d'une décision",
    "year_end.summary.approved": "Demandes approuvées",
    "year_end.summary.refused_apps": "Demandes refusées",
    "year_end.section.submitted": "Profils soumis en {year}",
    "year_end.section.submitted.note": (
        "Note du SCG au moment de la soumission. Les profils qui ne satisfont aux critères "
        "minimaux d'aucun programme ne sont pas admis dans le bassin; les importations en bloc "
        "ne les consignent pas."
    ),
    "year_end.section.submitted_programs": "Programmes dont les critères minimaux étaient remplis",
    "year_end.section.pool": "Le bassin au {date}",
    "year_end.section.pool.note": (
        "Candidats dans le bassin à la fin de l'année (non invités, non retirés et dont le "
        "profil n'était pas expiré), selon la note du SCG."
    ),
    "year_end.section.eligibility": "Admissibilité aux catégories",
    "year_end.section.eligibility.note": (
        "Candidats qui satisfaisaient aux critères d'une catégorie (dans l'une ou l'autre de ses "
        "versions) lors de la dernière évaluation de leur profil."
    ),
    "year_end.chart.eligible": "Candidats dans le bassin au {date} admissibles à chaque catégorie",
    "year_end.section.rounds": "Rondes d'invitations en {year}",
    "year_end.section.invitations": "Candidats invités en {year}",
    "year_end.inv.program": "Invitations par programme",
    "year_end.inv.round": "Invitations par type de ronde et par catégorie",
    "year_end.inv.crs": "Invitations selon la note du SCG",
    "year_end.inv.noc": "Invitations selon la profession principale ({n} premières)",
    "year_end.inv.noc.note": (
        "La profession principale est celle de l'emploi le plus récent indiqué dans le profil."
    ),
    "year_end.inv.teer": "Invitations selon la catégorie FEER de la profession principale",
    "year_end.inv.education": "Invitations selon le niveau de scolarité",
    "year_end.inv.language": "Invitations selon le niveau en première langue officielle",
    "year_end.inv.country": "Invitations selon le pays de l'emploi le plus récent",
    "year_end.inv.country.note": (
        "Le format du profil ne consigne ni le pays de résidence ni la citoyenneté; le pays de "
        "l'emploi le plus récent tient lieu de pays de résidence."
    ),
    "year_end.section.itas": "Suite donnée aux invitations émises en {year}",
    "year_end.section.applications": "Demandes et décisions",
    "year_end.apps.note": (
        "Délai de traitement : nombre de jours entre la présentation de la demande et la "
        "décision, pour les demandes ayant fait l'objet d'une décision en {year}. Selon la norme "
        "de service d'IRCC, 80 % des demandes sont traitées dans un délai de six mois."
    ),
    "year_end.apps.outcomes": "Décisions rendues en {year}",
    "year_end.apps.times": "Délais de traitement",
    "year_end.apps.refusals": "Refus selon l'exigence non satisfaite",
    "year_end.apps.none": "Aucune décision n'a été rendue sur une demande en {year}.",
    "year_end.measure.decided": "Demandes ayant fait l'objet d'une décision",
    "year_end.measure.median": "Délai de traitement médian (jours)",
    "year_end.measure.mean": "Délai de traitement moyen (jours)",
    "year_end.measure.p80": "Délai de décision pour 80 % des demandes (jours)",
    "year_end.measure.max": "Délai de traitement le plus long (jours)",
    "year_end.measure.ita_to_app": "Nombre médian de jours entre l'invitation et la demande",
    "year_end.check.program": "Critères du programme",
    "year_end.check.category": "Critères de la catégorie",
    "year_end.check.accuracy": "Note du SCG déclarée",
    "year_end.check.admissibility": "Interdiction de territoire",
    "year_end.none.invitations": "Aucune invitation n'a été émise en {year}.",
    "year_end.none.pool": "Le bassin était vide au {date}.",
    "year_end.none.submitted": "Aucun profil n'a été soumis en {year}.",
    "year_end.none.rounds": "Aucune ronde n'a été tenue en {year}.",
    "year_end.ita.outstanding": "En attente de réponse",
    "year_end.ita.applied": "Demande présentée",
    "year_end.ita.declined": "Refusée par le candidat",
    "year_end.ita.expired": "Expirée sans demande",
    "year_end.outcome.approved": "Approuvée",
    "year_end.outcome.refused": "Refusée",
    "year_end.outcome.submitted": "En attente de décision",
    "year_end.program.pnp": "Désignation provinciale",
    "education.less_than_secondary": "Études secondaires non terminées",
    "education.secondary": "Diplôme d'études secondaires",
    "education.one_year": "Programme d'études postsecondaires d'un an",
    "education.two_year": "Programme d'études postsecondaires de deux ans",
    "education.bachelors": "Baccalauréat ou programme de trois ans",
    "education.two_or_more": "Deux titres de compétences ou plus, dont un de trois ans ou plus",
    "education.masters": "Maîtrise ou diplôme professionnel",
    "education.doctoral": "Doctorat (Ph. D.)",
    "language.level": "NCLC {level}",
    "language.level.top": "NCLC {level} ou plus",
    "language.level.low": "Inférieur au NCLC {level}",
    "language.none": "Aucun résultat de test valide",
    "teer.label": "FEER {teer}",
    # --- the report to Parliament -------------------------------------------------------
    "parliament.title": (
        "Rapport au Parlement sur la sélection fondée sur des catégories dans le cadre "
        "d'Entrée express, {year}"
    ),
    "parliament.subtitle": "Les catégories, les raisons de leur choix et les invitations émises",
    "parliament.empty": (
        "aucune catégorie de sélection fondée sur des catégories n'était en vigueur en {year} "
        "(les données sur les catégories commencent le {first})"
    ),
    "parliament.section.intro": "Exigences législatives",
    "parliament.intro.law": (
        "Les alinéas 10.3(1)h.1) et h.2) de la Loi sur l'immigration et la protection des "
        "réfugiés, en vigueur depuis le 23 juin 2022, permettent au ministre d'établir des "
        "catégories de candidats d'Entrée express en fonction d'un objectif économique et "
        "d'inviter les candidats d'une catégorie selon leur classement d'après leur note du "
        "Système de classement global. Avant d'établir une catégorie, le ministre consulte les "
        "provinces et les territoires, l'industrie, les syndicats, les employeurs, les "
        "travailleurs, les groupes de défense des travailleurs, les organismes fournisseurs de "
        "services d'établissement ainsi que les chercheurs et les praticiens du domaine de "
        "l'immigration. Chaque année, le ministre fait rapport au Parlement sur les catégories "
        "établies, l'objectif économique visé et le processus suivi, y compris les consultations."
    ),
    "parliament.intro.scope": (
        "Le présent rapport porte sur l'année {year}. Sources : pour les catégories, leurs "
        "objectifs, leurs critères et leurs listes de professions, {categories}; pour les "
        "invitations, {invitations}."
    ),
    "parliament.section.categories": "Catégories en vigueur en {year}",
    "parliament.categories.summary": (
        "{count} catégories ont été en vigueur à un moment ou à un autre en {year}; "
        "{established} instructions relatives à des catégories sont entrées en vigueur au cours "
        "de l'année."
    ),
    "parliament.section.goals": "Objectifs économiques et raisons du choix des catégories",
    "parliament.goal": "Objectif économique",
    "parliament.rationale": "Raisons du choix de la catégorie",
    "parliament.section.instructions": "Les instructions ministérielles",
    "parliament.instructions.note": (
        "Chaque version d'une catégorie présentée ci-dessous a été établie par des instructions "
        "ministérielles; les instructions propres à chaque ronde précisent la version utilisée."
    ),
    "parliament.instr.in_force": "En vigueur",
    "parliament.instr.round_name": "Nom de la ronde",
    "parliament.instr.round_name.none": "aucune ronde tenue au titre de cette version",
    "parliament.instr.reference": "Référence",
    "parliament.instr.criteria": "Critères d'admissibilité",
    "parliament.instr.occupations": "Professions admissibles",
    "parliament.instr.occupations.annex": "{count} professions, énumérées à l'annexe {annex}",
    "parliament.instr.occupations.none": "aucune liste de professions",
    "parliament.instr.priority": "Catégorie prioritaire pour l'année",
    "parliament.instr.confidence": (
        "Le texte officiel des instructions n'a pas été lu en entier pour cette version; ses "
        "critères proviennent de la page d'IRCC sur la catégorie et de sources secondaires."
    ),
    "parliament.instr.common": (
        "Dans chaque ronde fondée sur des catégories, le candidat doit aussi se trouver dans le "
        "bassin d'Entrée express et être admissible à un programme visé par la ronde; les "
        "candidats sont classés selon leur note du SCG, et les égalités sont départagées selon la "
        "date et l'heure de soumission du profil."
    ),
    "parliament.section.invitations": "Invitations émises par catégorie en {year}",
    "parliament.invitations.summary": (
        "{category} invitations ont été émises dans le cadre de {rounds} rondes fondées sur des "
        "catégories en {year}, soit {share} des {total} invitations émises dans l'ensemble des "
        "rondes."
    ),
    "parliament.invitations.none": "Aucune ronde fondée sur des catégories n'a été tenue en {year}.",
    "parliament.section.category_rounds": "Rondes fondées sur des catégories en {year}",
    "parliament.section.consultations": "Consultations",
    "parliament.consultations.applies": "S'applique à : {categories}.",
    "parliament.section.notes": "Notes sur les données",
    "parliament.annex": "Annexe {annex} : {name}, version de {year}",
    "parliament.annex.title": "Annexes : professions admissibles",
    "parliament.annex.note": (
        "Professions selon leur code de la CNP 2021 (version 1.0), telles qu'elles sont "
        "énumérées dans les instructions."
    ),
    # --- errors -------------------------------------------------------------------------
    "error.year": "{value!r} n'est pas une année (quatre chiffres, p. ex. 2024)",
    "error.format": (
        "{value!r} n'est pas un format de rapport; utilisez l'un des formats suivants : {formats}"
    ),
    "error.source": "{value!r} n'est pas une source; utilisez history ou system",
    "error.lang": "{value!r} n'est pas une langue de rapport; langues offertes : {langs}",
    "error.out.dir": "{path} est un dossier; indiquez un nom de fichier",
    "error.out.parent": "impossible d'écrire {path} : le dossier {parent} n'existe pas",
    "error.out.not_folder": "impossible d'écrire {path} : {parent} n'est pas un dossier",
    "error.out.write": "impossible d'écrire {path} ({reason})",
    "error.out.pdf": "un rapport PDF exige un fichier : indiquez --out CHEMIN",
    "error.year_end.source": (
        "le rapport de fin d'année est produit à partir des données de ce système; utilisez "
        "--source system (ou omettez --source)"
    ),
    "error.year.required": "le rapport {kind} exige une année (--year AAAA)",
    "error.pdf.library": "impossible de produire un PDF : {reason}",
    # --- issue 17A : une année en cours; le rapport au Parlement en termes clairs ----------
    "year_end.in_progress": (
        "L'année {year} n'est pas terminée. Chaque chiffre est un fait au {date} à {time} UTC "
        "(depuis le début de l'année), sauf la ligne indiquée comme une projection au {end}."
    ),
    "year_end.summary.in_pool_today": "Candidats dans le bassin aujourd'hui, le {date}",
    "year_end.summary.projection": (
        "Projection : candidats encore dans le bassin au {date} si personne n'arrive, n'est "
        "invité ni ne se retire (seuls les profils qui expirent d'ici là en sortent)"
    ),
    "error.out.archive": (
        "le rapport {kind} compte {tables} tableaux; en CSV, c'est une archive ZIP d'un fichier "
        "CSV par tableau : donnez à --out un fichier se terminant par .zip"
    ),
    "parliament.data_language": (
        "Les objectifs économiques, les raisons du choix de chaque catégorie et les notes sur "
        "les consultations sont cités des fichiers de données des catégories, rédigés en anglais "
        "seulement."
    ),
    "year_end.section.pool.note_today": (
        "Candidats dans le bassin le jour de ce rapport (non invités, non retirés, profil non "
        "expiré), selon le score SCG."
    ),
}

#: a space before a colon or a percent sign, to be made a no-break space
_BEFORE_COLON = re.compile(r" (?=:)")
_BEFORE_PERCENT = re.compile(r" (?=%)")


def _typeset(text: str) -> str:
    """French spacing: a no-break space before ":" and a narrow one before "%"."""
    return _BEFORE_PERCENT.sub("\u202f", _BEFORE_COLON.sub("\u00a0", text))


FR: dict[str, str] = {key: _typeset(text) for key, text in _FR.items()}
