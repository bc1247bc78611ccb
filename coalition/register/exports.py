"""The register as open data: its fields as data (the schema), and its rows for CSV and JSON.

Pure: plain data in, rows out; no database, no Flask. `FIELDS` is the one description of the
exported fields, in their order: the CSV header, the JSON keys, the schema page, the Table
Schema and docs/register.md all follow it (a test holds docs/register.md to it).

Each field names its nearest field in the UK Algorithmic Transparency Recording Standard (ATRS
v3.0 attribute names, with their reference numbers: v4.0 has no published machine names yet),
in the Dutch algorithm register (the `v1_0.json` names its backend and API use) and, in words,
the item of Etalab's inventory of public algorithms. "—" means that standard has no such field.

What is exported: published entries only, never a user (who created or saved an entry), and
an actor's name only if the actor is listed in the public directory (as in every open dataset);
the contact is the service address the owner wrote.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from coalition.actors.models import FAMILY_LABELS
from coalition.core.exports import Row, paris_time
from coalition.register.models import ENTRY_STATUS_LABELS, EntryStatus

SCHEMA_VERSION = "1.0"
LIST_SEPARATOR = "; "  # between the names of a list, in CSV
NONE = "—"  # the standard has no such field

# how a value is written, as the data page of the coalition says it (same words)
INTEGER = _l("entier")
TEXT = _l("texte")
CODE = _l("code")
BOOLEAN = _l("booléen : true ou false")
DATETIME = _l("date et heure ISO 8601, à l'heure de Paris avec son décalage")
URL = _l("adresse web")
NAMES = _l("liste de noms : séparés par « ; » en CSV, un tableau en JSON")


@dataclass(frozen=True)
class RegisterField:
    name: str  # the CSV column and the JSON key
    label: LazyString  # a short label, translated (the feed names changed fields with it)
    # What it holds, in French and in English: the schema page shows both whatever the
    # viewer's language (a reference for reusers on both sides), so neither is translated.
    meaning_fr: str
    meaning_en: str
    type: LazyString
    json_type: str  # as a JSON Schema / Table Schema type: integer, string, boolean, array
    nullable: bool = False  # null in JSON (an empty cell in CSV) when absent
    uk: str = NONE  # UK ATRS v3.0 attribute (reference number)
    nl: str = NONE  # Dutch algorithm register v1.0 field
    etalab: str = NONE  # Etalab inventory item, in its own French words
    note: LazyString | None = None  # how the mapping is approximate
    codes: tuple[tuple[str, LazyString], ...] = ()


def _codes(labels: Mapping[Any, LazyString]) -> tuple[tuple[str, LazyString], ...]:
    return tuple((str(member.value), label) for member, label in labels.items())


FIELDS: tuple[RegisterField, ...] = (
    RegisterField(
        "id",
        _l("Identifiant"),
        "Identifiant de l'entrée dans ce registre, stable.",
        "Identifier of the entry in this register; it never changes.",
        INTEGER,
        "integer",
        note=_l("Le registre néerlandais attribue le sien (lars, « Algoritme-ID »)."),
    ),
    RegisterField(
        "url",
        _l("Page"),
        "Adresse de la page publique de l'entrée.",
        "Address of the entry's public page.",
        URL,
        "string",
    ),
    RegisterField(
        "name",
        _l("Nom"),
        "Nom du système algorithmique ou de l'usage d'IA.",
        "Name of the algorithmic system or AI use.",
        TEXT,
        "string",
        uk="name (1.1)",
        nl="name",
        etalab="Nom de l'algorithme",
    ),
    RegisterField(
        "purpose",
        _l("Finalité"),
        "Ce que fait le système et à quoi il sert.",
        "What the system does and what it is for.",
        TEXT,
        "string",
        uk="description (1.2), detailed_description (2.2.1)",
        nl="description_short, goal",
        etalab="Finalité de l'algorithme",
    ),
    RegisterField(
        "status",
        _l("État"),
        "Où en est le système.",
        "Where the system stands: idea, pilot, in use or stopped.",
        CODE,
        "string",
        uk="phase (0.13)",
        nl="status",
        note=_l("Les valeurs se traduisent selon la table de correspondance des états ci-dessous."),
        codes=_codes(ENTRY_STATUS_LABELS),
    ),
    RegisterField(
        "owner_id",
        _l("Identifiant du responsable"),
        "Identifiant de l'acteur responsable (jeu « Acteurs » des données ouvertes) ; "
        "vide s'il n'est pas inscrit à l'annuaire public.",
        "Identifier of the responsible actor (the open data's actors dataset); empty if the "
        "actor is not listed in the public directory.",
        INTEGER,
        "integer",
        nullable=True,
    ),
    RegisterField(
        "owner",
        _l("Responsable"),
        "L'organisation responsable : l'organisme public qui utilise le système, ou le "
        "fournisseur pour son produit ; vide si elle n'est pas inscrite à l'annuaire public.",
        "The responsible organisation: the public body that uses the system, or the vendor for "
        "its product; empty if it is not listed in the public directory.",
        TEXT,
        "string",
        nullable=True,
        uk="organisation_name (0.12), organisation_or_department (2.1.1)",
        nl="organization",
        etalab="Nom de l'administration concernée",
    ),
    RegisterField(
        "owner_family",
        _l("Famille du responsable"),
        "La famille d'acteurs de la coalition à laquelle appartient le responsable.",
        "The coalition's family of actors the responsible organisation belongs to.",
        CODE,
        "string",
        codes=_codes(FAMILY_LABELS),
    ),
    RegisterField(
        "vendor_id",
        _l("Identifiant du fournisseur"),
        "Identifiant du fournisseur (jeu « Acteurs ») ; vide s'il n'y en a pas ou s'il "
        "n'est pas inscrit à l'annuaire public.",
        "Identifier of the vendor (actors dataset); empty if there is none or it is not listed "
        "in the public directory.",
        INTEGER,
        "integer",
        nullable=True,
    ),
    RegisterField(
        "vendor",
        _l("Fournisseur"),
        "Le fournisseur du système, un acteur « Offre » de la coalition ; vide sinon.",
        "The vendor of the system, a supply actor of the coalition; empty otherwise.",
        TEXT,
        "string",
        nullable=True,
        uk="external_supplier (2.1.4.1)",
        nl="provider",
        note=_l(
            "Le standard britannique demande aussi external_supplier_involvement (2.1.4) : "
            "oui quand ce champ est rempli."
        ),
    ),
    RegisterField(
        "individual_decisions",
        _l("Décisions individuelles"),
        "Le système intervient-il dans des décisions individuelles ?",
        "Whether the system takes part in decisions about individuals.",
        BOOLEAN,
        "boolean",
        uk="process_integration (2.3.1)",
        nl="publication_category",
        etalab="Comment et quand l'algorithme intervient-il dans la prise de décision ?",
        note=_l(
            "Aucun des deux standards n'a de champ oui/non : le britannique le décrit dans "
            "process_integration, le néerlandais classe les algorithmes « impactvolle » "
            "(correspondance non confirmée). L'inventaire d'Etalab porte sur les algorithmes "
            "qui fondent des décisions administratives individuelles."
        ),
    ),
    RegisterField(
        "human_oversight",
        _l("Supervision humaine"),
        "Qui vérifie, corrige ou décide, et comment.",
        "Who checks, corrects or decides, and how.",
        TEXT,
        "string",
        uk="human_decisions_and_review (2.3.4)",
        nl="human_intervention",
        etalab="Niveau d'automatisation de la décision",
    ),
    RegisterField(
        "data_used",
        _l("Données utilisées"),
        "Les données que le système lit ou sur lesquelles il a été entraîné.",
        "The data the system reads or was trained on.",
        TEXT,
        "string",
        uk="source_data_name (2.4.3.1), data_description",
        nl="source_data",
        etalab="Données traitées",
    ),
    RegisterField(
        "personal_data",
        _l("Données personnelles"),
        "Le système traite-t-il des données personnelles ?",
        "Whether the system processes personal data.",
        BOOLEAN,
        "boolean",
        uk="sensitive_attributes (2.4.3.5)",
        note=_l(
            "Pas de champ oui/non dans les deux standards : le britannique décrit les "
            "attributs sensibles, le néerlandais demande de nommer les données personnelles "
            "dans source_data."
        ),
    ),
    RegisterField(
        "source_code_url",
        _l("Code source"),
        "Adresse du code source publié ; vide s'il ne l'est pas.",
        "Address of the published source code; empty if it is not published.",
        URL,
        "string",
        nl="publiccode",
        etalab="Ressources connexes (dépôts de code source)",
        note=_l("Le standard britannique n'a pas de champ dédié (website_url peut y mener)."),
    ),
    RegisterField(
        "licence",
        _l("Licence"),
        "La licence du code source ou du modèle.",
        "The licence of the source code or the model.",
        TEXT,
        "string",
    ),
    RegisterField(
        "impact_assessment",
        _l("Analyse d'impact"),
        "L'analyse d'impact menée (AIPD, analyse des droits fondamentaux...) et ce qu'elle dit.",
        "The impact assessment carried out (DPIA, fundamental rights...) and what it found.",
        TEXT,
        "string",
        uk="impact_assessment (2.5.1)",
        nl="impacttoetsen_grouping[].title, impacttoetsen",
    ),
    RegisterField(
        "impact_assessment_url",
        _l("Analyse d'impact publiée"),
        "Adresse de l'analyse d'impact publiée ; vide si elle ne l'est pas.",
        "Address of the published impact assessment; empty if it is not published.",
        URL,
        "string",
        uk="impact_assessment (2.5.1)",
        nl="impacttoetsen_grouping[].link",
        note=_l(
            "Le lien public de l'analyse : ni l'un ni l'autre standard n'a de champ oui/non, "
            "une analyse y est publiée quand ce lien est donné."
        ),
    ),
    RegisterField(
        "contact",
        _l("Contact"),
        "L'adresse d'un service à qui écrire : une adresse électronique ou une page web.",
        "A service to write to: an email address or a web page.",
        TEXT,
        "string",
        uk="contact_email (1.4)",
        nl="contact_email",
        etalab="Contact au sein de l'administration concernée",
    ),
    RegisterField(
        "levers",
        _l("Leviers"),
        "Les leviers de la coalition que l'entrée concerne.",
        "The coalition's levers the entry concerns.",
        NAMES,
        "array",
    ),
    RegisterField(
        "actions",
        _l("Actions"),
        "Les actions de la feuille de route que l'entrée concerne.",
        "The roadmap actions the entry concerns.",
        NAMES,
        "array",
    ),
    RegisterField(
        "cases",
        _l("Cas d'usage"),
        "Les cas d'usage des ateliers publiés que l'entrée concerne.",
        "The use cases of published workshops the entry concerns.",
        NAMES,
        "array",
    ),
    RegisterField(
        "version",
        _l("Version"),
        "Numéro de la dernière version enregistrée de l'entrée.",
        "Number of the entry's latest saved version.",
        INTEGER,
        "integer",
        nullable=True,
    ),
    RegisterField(
        "published_at",
        _l("Publiée le"),
        "Quand l'entrée a été publiée.",
        "When the entry was published.",
        DATETIME,
        "string",
        nullable=True,
        uk="algorithmic_transparency_record_date_published",
        nl="publication_dt",
        note=_l(
            "Côté britannique, une métadonnée de la page de GOV.UK qui publie la fiche, "
            "pas un champ du modèle ; côté néerlandais, remplie par le registre."
        ),
    ),
    RegisterField(
        "updated_at",
        _l("Mise à jour le"),
        "Quand l'entrée a changé pour la dernière fois : dernière version ou publication.",
        "When the entry last changed: its latest version or its publication.",
        DATETIME,
        "string",
        uk="date_updated (0.9)",
        note=_l("Un champ de la version 3.0 du standard britannique, retiré en 4.0."),
        etalab="Date de mise à jour des informations",
    ),
)

HEADER = tuple(f.name for f in FIELDS)
# never empty: the other fields may be an empty cell (or "" in JSON) when the owner left them out
ALWAYS_GIVEN = frozenset(
    (
        "id",
        "url",
        "name",
        "status",
        "owner_family",
        "individual_decisions",
        "personal_data",
        "updated_at",
    )
)
LABELS = {f.name: f.label for f in FIELDS}

# status -> (UK ATRS phase, Dutch register status)
STATUS_CROSSWALK: dict[EntryStatus, tuple[str, str]] = {
    EntryStatus.idea: ("pre-deployment", "In ontwikkeling"),
    EntryStatus.pilot: ("beta-pilot", "In gebruik"),
    EntryStatus.in_use: ("production", "In gebruik"),
    EntryStatus.stopped: ("retired", "Buiten gebruik"),
}


@dataclass(frozen=True)
class PublishedEntry:
    """A published entry as the public may read it."""

    id: int
    name: str
    purpose: str
    status: EntryStatus
    owner_id: int | None  # None when the owner is not listed in the public directory
    owner: str | None
    owner_family: str
    vendor_id: int | None
    vendor: str | None
    individual_decisions: bool
    human_oversight: str
    data_used: str
    personal_data: bool
    source_code_url: str
    licence: str
    impact_assessment: str
    impact_assessment_url: str
    contact: str
    version: int | None
    published_at: datetime | None
    updated_at: datetime  # the latest version's save or the publication, whichever is later
    changed: tuple[str, ...] = ()  # fields the latest version changed (for the feed)
    levers: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()


def _values(entry: PublishedEntry, url: str) -> dict[str, Any]:
    return {
        "id": entry.id,
        "url": url,
        "name": entry.name,
        "purpose": entry.purpose,
        "status": entry.status.value,
        "owner_id": entry.owner_id,
        "owner": entry.owner,
        "owner_family": entry.owner_family,
        "vendor_id": entry.vendor_id,
        "vendor": entry.vendor,
        "individual_decisions": entry.individual_decisions,
        "human_oversight": entry.human_oversight,
        "data_used": entry.data_used,
        "personal_data": entry.personal_data,
        "source_code_url": entry.source_code_url,
        "licence": entry.licence,
        "impact_assessment": entry.impact_assessment,
        "impact_assessment_url": entry.impact_assessment_url,
        "contact": entry.contact,
        "levers": list(entry.levers),
        "actions": list(entry.actions),
        "cases": list(entry.cases),
        "version": entry.version,
        "published_at": paris_time(entry.published_at),
        "updated_at": paris_time(entry.updated_at),
    }


def json_record(entry: PublishedEntry, url: str) -> dict[str, Any]:
    """One entry as a JSON object: the fields in their order, lists as arrays."""
    values = _values(entry, url)
    return {name: values[name] for name in HEADER}


def csv_row(entry: PublishedEntry, url: str) -> Row:
    """One entry as a CSV row: lists as names joined by "; "."""
    record = json_record(entry, url)
    return {
        name: LIST_SEPARATOR.join(value) if isinstance(value, list) else value
        for name, value in record.items()
    }


def csv_rows(entries: Iterable[PublishedEntry], url_of: Callable[[int], str]) -> list[Row]:
    return [csv_row(entry, url_of(entry.id)) for entry in entries]


def json_document(
    entries: Iterable[PublishedEntry],
    url_of: Callable[[int], str],
    *,
    coalition: str,
    schema_url: str,
    licence_url: str,
) -> dict[str, Any]:
    """The whole register as one JSON object: what it is, then its entries."""
    return {
        "schema_version": SCHEMA_VERSION,
        "schema": schema_url,
        "coalition": coalition,
        "licence": licence_url,
        "entries": [json_record(entry, url_of(entry.id)) for entry in entries],
    }


def table_schema(title: str, description: str) -> dict[str, Any]:
    """The CSV described as a Frictionless Table Schema (https://specs.frictionlessdata.io/)."""

    def described(f: RegisterField) -> dict[str, Any]:
        kind = "string" if f.json_type == "array" else f.json_type  # a list: names joined
        column: dict[str, Any] = {
            "name": f.name,
            "title": str(f.label),
            "description": f.meaning_en,
            "type": "datetime" if f.type is DATETIME else kind,
        }
        if f.type is BOOLEAN:
            column["trueValues"], column["falseValues"] = ["true"], ["false"]
        if f.type is URL:
            column["format"] = "uri"
        constraints: dict[str, Any] = {}
        if f.name in ALWAYS_GIVEN:
            constraints["required"] = True
        if f.codes:
            constraints["enum"] = [code for code, _ in f.codes]
        if constraints:
            column["constraints"] = constraints
        return column

    return {
        "title": title,
        "description": description,
        "version": SCHEMA_VERSION,
        "fields": [described(f) for f in FIELDS],
        "primaryKey": ["id"],
        "missingValues": [""],
    }


def changed_labels(changed: Sequence[str]) -> list[str]:
    """The fields a version changed, by their French labels (`lever_ids` reads "Leviers")."""
    labels = []
    for name in changed:
        key = name
        if key.endswith("_ids"):
            key = key[: -len("_ids")] + "s"
        elif key.endswith("_id"):
            key = key[: -len("_id")]
        label = LABELS.get(key)
        labels.append(str(label) if label is not None else name)
    return labels
