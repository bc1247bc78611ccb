"""The open datasets and what each of their columns means, as data.

The data page renders these descriptions; `tables.py` produces rows with exactly these keys,
in this order, and a test holds the two together. Codes (family, status...) are exported as
their stable value, never as a translated label: the page lists each code with its meaning.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from coalition.actors.models import ACTOR_KIND_LABELS, ACTOR_STATUS_LABELS, FAMILY_LABELS
from coalition.meetings.models import MEETING_STATUS_LABELS
from coalition.resources.models import RESOURCE_KIND_LABELS
from coalition.roadmap.models import (
    ACTION_STATUS_LABELS,
    COMMITMENT_STATUS_LABELS,
    HORIZON_LABELS,
    ROLE_LABELS,
)

INTEGER = _l("entier")
TEXT = _l("texte")
MARKDOWN = _l("texte au format Markdown")
CODE = _l("code")
BOOLEAN = _l("booléen : true ou false")
DATE = _l("date AAAA-MM-JJ")
DATETIME = _l("date et heure ISO 8601, à l'heure de Paris avec son décalage")
URL = _l("adresse web")
NAMES = _l("liste de noms séparés par « ; »")

Code = TypeVar("Code", bound=Enum)


@dataclass(frozen=True)
class DataColumn:
    name: str
    meaning: LazyString
    type: LazyString
    codes: tuple[tuple[str, LazyString], ...] = ()  # each code and its meaning


def code_column(name: str, meaning: LazyString, labels: Mapping[Code, LazyString]) -> DataColumn:
    return DataColumn(
        name, meaning, CODE, tuple((str(member.value), label) for member, label in labels.items())
    )


@dataclass(frozen=True)
class Dataset:
    name: str  # in the URL: /c/<slug>/data/<name>.csv
    title: LazyString
    description: LazyString
    columns: tuple[DataColumn, ...]

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]


ACTOR_ID = DataColumn("actor_id", _l("Identifiant de l'acteur (jeu « Acteurs »)"), INTEGER)
ACTOR_NAME = DataColumn("actor", _l("Nom de l'acteur"), TEXT)

DATASETS: dict[str, Dataset] = {
    dataset.name: dataset
    for dataset in (
        Dataset(
            "actors",
            _l("Acteurs"),
            _l(
                "Les organisations de la coalition inscrites à l'annuaire public, "
                "y compris celles qui l'ont quittée."
            ),
            (
                DataColumn("id", _l("Identifiant de l'acteur"), INTEGER),
                DataColumn("name", _l("Nom de l'organisation"), TEXT),
                code_column("family", _l("Famille d'acteurs"), FAMILY_LABELS),
                code_column("kind", _l("Nature de l'organisation"), ACTOR_KIND_LABELS),
                DataColumn("territory", _l("Territoire d'action"), TEXT),
                DataColumn("website", _l("Site web"), URL),
                code_column("status", _l("Statut dans la coalition"), ACTOR_STATUS_LABELS),
                DataColumn("is_partner", _l("Partenaire de la coalition"), BOOLEAN),
            ),
        ),
        Dataset(
            "levers",
            _l("Leviers"),
            _l("Les moyens d'action que les acteurs peuvent détenir."),
            (
                DataColumn("id", _l("Identifiant du levier"), INTEGER),
                DataColumn("name", _l("Nom du levier"), TEXT),
                DataColumn("description", _l("Description du levier"), TEXT),
                DataColumn(
                    "is_retired",
                    _l("Levier retiré par la coalition (gardé pour l'historique)"),
                    BOOLEAN,
                ),
            ),
        ),
        Dataset(
            "holdings",
            _l("Leviers détenus"),
            _l("Qui détient quel levier, avec quelle capacité (acteurs de l'annuaire public)."),
            (
                ACTOR_ID,
                ACTOR_NAME,
                DataColumn("lever_id", _l("Identifiant du levier (jeu « Leviers »)"), INTEGER),
                DataColumn("lever", _l("Nom du levier"), TEXT),
                DataColumn(
                    "capacity",
                    _l("Capacité de l'acteur sur ce levier : 1 faible, 2 moyenne, 3 forte"),
                    INTEGER,
                ),
                DataColumn("note", _l("Précision de l'acteur sur ce levier"), TEXT),
            ),
        ),
        Dataset(
            "actions",
            _l("Actions"),
            _l("La feuille de route : chaque action, son état et son avancement."),
            (
                DataColumn("id", _l("Identifiant de l'action"), INTEGER),
                DataColumn("title", _l("Intitulé de l'action"), TEXT),
                code_column("status", _l("État de l'action"), ACTION_STATUS_LABELS),
                DataColumn("axis", _l("Approche que l'action sert"), TEXT),
                DataColumn("objective", _l("Objectif auquel l'action contribue"), TEXT),
                DataColumn(
                    "lead_actor_id",
                    _l(
                        "Identifiant de l'acteur pilote (vide s'il n'y en a pas ou s'il n'est "
                        "pas inscrit à l'annuaire public)"
                    ),
                    INTEGER,
                ),
                DataColumn("lead_actor", _l("Nom de l'acteur pilote"), TEXT),
                code_column("horizon", _l("Horizon de l'action"), HORIZON_LABELS),
                DataColumn("target_date", _l("Date visée"), DATE),
                DataColumn("success_criteria", _l("Critères de réussite"), TEXT),
                DataColumn(
                    "progress",
                    _l(
                        "Avancement en pour cent à la dernière rencontre qui l'a revue "
                        "(vide si l'action n'a jamais été revue)"
                    ),
                    INTEGER,
                ),
            ),
        ),
        Dataset(
            "commitments",
            _l("Engagements"),
            _l("Les engagements des acteurs de l'annuaire public dans les actions."),
            (
                ACTOR_ID,
                ACTOR_NAME,
                DataColumn("action_id", _l("Identifiant de l'action (jeu « Actions »)"), INTEGER),
                DataColumn("action", _l("Intitulé de l'action"), TEXT),
                code_column("role", _l("Rôle de l'acteur dans l'action"), ROLE_LABELS),
                DataColumn("contribution", _l("Ce que l'acteur apporte"), TEXT),
                code_column("status", _l("État de l'engagement"), COMMITMENT_STATUS_LABELS),
            ),
        ),
        Dataset(
            "meetings",
            _l("Rencontres"),
            _l("Les rencontres de la coalition, avec leur compte rendu une fois publié."),
            (
                DataColumn("number", _l("Numéro de la rencontre"), INTEGER),
                DataColumn("title", _l("Titre de la rencontre"), TEXT),
                DataColumn("starts_at", _l("Début"), DATETIME),
                DataColumn("ends_at", _l("Fin"), DATETIME),
                DataColumn("place", _l("Lieu"), TEXT),
                DataColumn("online_url", _l("Lien pour y participer en ligne"), URL),
                code_column("status", _l("État de la rencontre"), MEETING_STATUS_LABELS),
                DataColumn(
                    "minutes", _l("Compte rendu (vide tant qu'il n'est pas publié)"), MARKDOWN
                ),
                DataColumn("minutes_published_at", _l("Publication du compte rendu"), DATETIME),
            ),
        ),
        Dataset(
            "reviews",
            _l("Revues d'actions"),
            _l(
                "L'état de chaque action revue à chaque rencontre : leur suite est "
                "l'historique de l'action."
            ),
            (
                DataColumn(
                    "meeting_number", _l("Numéro de la rencontre (jeu « Rencontres »)"), INTEGER
                ),
                DataColumn("action_id", _l("Identifiant de l'action (jeu « Actions »)"), INTEGER),
                code_column(
                    "status", _l("État de l'action à cette rencontre"), ACTION_STATUS_LABELS
                ),
                DataColumn("progress", _l("Avancement en pour cent, de 0 à 100"), INTEGER),
                DataColumn("next_steps", _l("Prochaines étapes"), TEXT),
            ),
        ),
        Dataset(
            "resources",
            _l("Ressources"),
            _l("Les ressources publiées de l'espace ressources."),
            (
                DataColumn("id", _l("Identifiant de la ressource"), INTEGER),
                DataColumn("title", _l("Titre de la ressource"), TEXT),
                DataColumn("url", _l("Adresse de la ressource"), URL),
                code_column("kind", _l("Nature de la ressource"), RESOURCE_KIND_LABELS),
                DataColumn("summary", _l("Résumé"), TEXT),
                DataColumn("language", _l("Langue, en code ISO 639-1 (fr, en...)"), TEXT),
                DataColumn("axis", _l("Approche concernée"), TEXT),
                DataColumn("levers", _l("Leviers concernés"), NAMES),
                DataColumn("tags", _l("Mots-clés"), NAMES),
                DataColumn(
                    "contributed_by_id",
                    _l(
                        "Identifiant de l'acteur qui l'a proposée (vide s'il n'est pas "
                        "inscrit à l'annuaire public)"
                    ),
                    INTEGER,
                ),
                DataColumn("contributed_by", _l("Nom de l'acteur qui l'a proposée"), TEXT),
                DataColumn("published_at", _l("Date de publication"), DATETIME),
            ),
        ),
    )
}
