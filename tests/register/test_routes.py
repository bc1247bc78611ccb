"""The register through its pages: a member records an AI use for their organisation, a
facilitator publishes it, the public finds it with the filters and reads its page, what
citizens said of its use cases, and its history; bad input is refused with a clear message."""

import html
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.charter.models import CharterVersion, Signature
from coalition.register.models import EntryVersion, RegisterEntry
from tests import factories as f
from tests.conftest import post_form
from tests.register.conftest import RegisterSetting, state

C = "/c/ma-coalition"
R = C + "/register"


def text_of(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def words_of(response: Any) -> str:
    """The page's text as a reader sees it: no tags, blanks collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", text_of(response)).split())


def entry_data(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Assistant de rédaction des courriers",
        "purpose": "Proposer un premier jet de réponse aux usagers.",
        "status": "pilot",
        "individual_decisions": "y",
        "human_oversight": "Un agent relit et signe chaque courrier.",
        "data_used": "Les courriers reçus, sans pièce jointe.",
        "personal_data": "y",
        "source_code_url": "https://code.example.org/courriers",
        "licence": "EUPL-1.2",
        "contact": "numerique@lyon.example.org",
        **fields,
    }


def newest(db: Session) -> RegisterEntry:
    db.expire_all()
    entry = db.scalars(select(RegisterEntry).order_by(RegisterEntry.id.desc()).limit(1)).one()
    return entry


def test_a_member_records_a_use_the_facilitator_publishes_it_and_the_public_finds_it(
    client: FlaskClient, db: Session, setting: RegisterSetting
) -> None:
    world = setting.world
    f.log_in(client, world.users["member"])
    form = text_of(client.get(R + "/new"))
    assert "Organisation qui déclare cet usage : Acteur A" in words_of(client.get(R + "/new"))
    assert 'name="owner"' not in form  # fixed to the member's actor
    assert "Cas de Atelier santé (Atelier santé)" in form
    assert "Atelier en préparation" not in form  # not published: members do not see it
    assert "Offre IA" in form and "Acteur B</option>" not in form  # vendors: the "Offre" family
    data = entry_data(
        vendor=str(setting.vendor.id),
        levers=[str(world.lever.id)],
        actions=[str(world.action.id)],
        cases=[str(setting.case.id)],
        owner=str(world.other_actor.id),  # ignored: a member records for their own actor
    )
    response = post_form(client, R + "/new", data)
    assert response.status_code == 302, text_of(response)
    entry = newest(db)
    assert entry.owner_id == world.actor.id and not entry.is_published
    url = f"{R}/{entry.id}"
    assert response.headers["Location"] == url
    page = text_of(client.get(url))
    assert "Brouillon" in page
    assert "Fiches en attente de publication" in text_of(client.get(R))

    public = client.application.test_client()
    assert public.get(url).status_code == 404
    assert "Assistant de rédaction" not in text_of(public.get(R))

    f.log_in(client, world.users["facilitator"])
    published = post_form(client, url + "/publish", {"version": str(entry.version)})
    assert published.status_code == 302

    listing = text_of(public.get(R + "?decisions=yes"))
    assert "Assistant de rédaction des courriers" in listing
    assert "Assistant de rédaction" not in text_of(public.get(R + "?decisions=no"))
    page = text_of(public.get(url))
    for shown in (
        "Expérimentation",
        "Proposer un premier jet de réponse aux usagers.",
        "Un agent relit et signe chaque courrier.",
        "Les courriers reçus, sans pièce jointe.",
        "Offre IA",
        "https://code.example.org/courriers",
        "EUPL-1.2",
        "mailto:numerique@lyon.example.org",
        "Levier 1",
        "Action 1",
        "Moins d'attente aux urgences",
        "Un tri sans médecin",
    ):
        assert shown in page, shown
    assert "Brouillon" not in page
    assert f'href="/c/ma-coalition/actions/{world.action.id}"' in page


def test_the_page_shows_benefits_and_fears_from_published_workshops_only(
    client: FlaskClient, db: Session, setting: RegisterSetting
) -> None:
    world = setting.world
    entry = setting.published
    entry.cases = [setting.case, setting.hidden_case]
    db.flush()
    public = text_of(client.get(f"{R}/{entry.id}"))
    assert "Moins d'attente aux urgences" in public and "Un tri sans médecin" in public
    assert "Un médecin relit chaque tri" not in public  # a condition, neither benefit nor fear
    assert "Cas de Atelier en préparation" not in public
    assert "Une crainte pas encore publiée" not in public
    f.log_in(client, world.users["facilitator"])
    inside = text_of(client.get(f"{R}/{entry.id}"))
    assert "Cas de Atelier en préparation" in inside  # facilitators see the unpublished workshop
    assert "Une crainte pas encore publiée" not in inside
    assert "paraîtra à sa publication" in inside


def test_the_page_shows_the_owner_s_charter_badge(
    client: FlaskClient, db: Session, setting: RegisterSetting
) -> None:
    world = setting.world
    url = f"{R}/{setting.published.id}"
    assert "Charte v" not in text_of(client.get(url))
    first = CharterVersion(coalition_id=world.coalition.id, number=1, title="Charte", text="Texte")
    db.add(first)
    db.flush()
    db.add(Signature(version_id=first.id, actor_id=world.actor.id, signer_name="Camille"))
    db.flush()
    assert "Charte v1 signée" in text_of(client.get(url))
    db.add(CharterVersion(coalition_id=world.coalition.id, number=2, title="Charte", text="Neuf"))
    db.flush()
    assert "v2 à signer de nouveau" in text_of(client.get(url))
    assert "v2 à signer de nouveau" in text_of(client.get(R))


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("", True),
        ("?status=in_use", True),
        ("?status=idea", False),
        ("?family=use", True),
        ("?family=supply", False),
        ("?lever={lever}", True),
        ("?lever={other_lever}", False),
        ("?decisions=yes", True),
        ("?decisions=no", False),
        ("?status=in_use&family=use&lever={lever}&decisions=yes", True),
    ],
)
def test_the_filters_find_the_published_entry(
    client: FlaskClient, setting: RegisterSetting, query: str, shown: bool
) -> None:
    world = setting.world
    query = query.format(lever=world.lever.id, other_lever=world.other_lever.id)
    response = client.get(R + query)
    assert response.status_code == 200
    assert ("Tri des appels au 15" in text_of(response)) is shown


@pytest.mark.parametrize(
    "query",
    [
        "?status=peut-etre",
        "?family=etat",
        "?lever=abc",
        "?lever=-1",
        "?lever=99999999999999999999",
        "?lever={foreign_lever}",
        "?decisions=maybe",
        "?decisions=1",
    ],
)
def test_an_unknown_filter_is_a_clear_400(
    client: FlaskClient, db: Session, setting: RegisterSetting, query: str
) -> None:
    foreign = f.lever(db, setting.world.other_coalition)
    response = client.get(R + query.format(foreign_lever=foreign.id))
    assert response.status_code == 400
    assert "Ce filtre n'existe pas." in text_of(response)


def test_the_filter_form_works_without_script_and_keeps_the_choices(
    client: FlaskClient, setting: RegisterSetting
) -> None:
    world = setting.world
    page = text_of(client.get(f"{R}?status=in_use&lever={world.lever.id}&decisions=yes"))
    form = re.search(r'<form method="get".*?</form>', page, re.S)
    assert form is not None
    assert '<option value="in_use" selected>' in form.group(0)
    assert f'<option value="{world.lever.id}" selected>' in form.group(0)
    assert '<option value="yes" selected>' in form.group(0)


def test_a_facilitator_chooses_the_owner_but_not_one_of_another_coalition(
    client: FlaskClient, db: Session, setting: RegisterSetting
) -> None:
    world = setting.world
    f.log_in(client, world.users["facilitator"])
    form = text_of(client.get(f"{R}/new?owner={world.other_actor.id}"))
    assert f'<option selected value="{world.other_actor.id}">Acteur B</option>' in form
    stranger = f.actor(db, world.other_coalition, name="Étranger")
    before = state(db)
    refused = post_form(client, R + "/new", entry_data(owner=str(stranger.id)))
    assert refused.status_code == 400
    assert "Cet acteur n'est pas un acteur de la coalition." in text_of(refused)
    assert state(db) == before
    response = post_form(client, R + "/new", entry_data(owner=str(world.other_actor.id)))
    assert response.status_code == 302
    assert newest(db).owner_id == world.other_actor.id


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Le nom est obligatoire."),
        ({"name": "n" * 201}, "200 caractères au plus"),
        ({"status": "maybe"}, "Choisissez un état"),
        ({"source_code_url": "javascript:alert(1)"}, "Cette adresse doit commencer par http://"),
        ({"impact_assessment_url": "ftp://x.org"}, "Cette adresse doit commencer par http://"),
        ({"contact": "appelez le standard"}, "Indiquez une adresse e-mail ou une adresse web"),
        (
            {"vendor": "{use_actor}"},
            "Ce fournisseur n'est pas un acteur « Offre » de la coalition.",
        ),
        ({"vendor": "{foreign_vendor}"}, "n'est pas un acteur « Offre » de la coalition."),
        ({"vendor": "abc"}, "Ce choix n'appartient pas à cette coalition."),
        ({"levers": ["{foreign_lever}"]}, "Ce levier n'existe pas dans cette coalition."),
        ({"levers": ["99999999999"]}, "Ce choix n'appartient pas à cette coalition."),
        ({"actions": ["{foreign_action}"]}, "pas une action de la feuille de route"),
        ({"cases": ["{hidden_case}"]}, "n'est pas un cas des ateliers de la coalition"),
        ({"cases": ["{foreign_case}"]}, "n'est pas un cas des ateliers de la coalition"),
        ({"purpose": "p" * 10_001}, "10000 caractères au plus"),
        ({"contact": "c" * 321}, "320 caractères au plus"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(
    client: FlaskClient,
    db: Session,
    setting: RegisterSetting,
    fields: dict[str, Any],
    message: str,
) -> None:
    world = setting.world
    places = {
        "use_actor": str(world.other_actor.id),
        "foreign_vendor": str(setting.foreign_vendor.id),
        "foreign_lever": str(f.lever(db, world.other_coalition).id),
        "foreign_action": str(f.action(db, world.other_coalition).id),
        "hidden_case": str(setting.hidden_case.id),
        "foreign_case": str(setting.foreign_case.id),
    }
    fields = {
        key: [v.format(**places) for v in value]
        if isinstance(value, list)
        else value.format(**places)
        for key, value in fields.items()
    }
    f.log_in(client, world.users["member"])
    before = state(db)
    response = post_form(client, R + "/new", entry_data(**fields))
    assert response.status_code == 400
    assert message in text_of(response)
    assert state(db) == before
    url = f"{R}/{setting.published.id}/edit"
    edited = post_form(client, url, entry_data(version=str(setting.published.version), **fields))
    assert edited.status_code == 400
    assert message in text_of(edited)
    assert state(db) == before


def test_an_edit_keeps_the_entry_published_and_the_history_tells_what_changed(
    client: FlaskClient, db: Session, setting: RegisterSetting
) -> None:
    world, entry = setting.world, setting.published
    f.log_in(client, world.users["member"])
    url = f"{R}/{entry.id}"
    form = text_of(client.get(url + "/edit"))
    assert "Cette fiche est publiée : elle le reste après vos changements" in form
    assert 'value="Tri des appels au 15"' in form
    assert f'checked id="levers-0" name="levers" type="checkbox" value="{world.lever.id}"' in form
    seen = entry.version
    data = entry_data(
        name="Tri des appels au 15",
        status="stopped",
        vendor=str(setting.vendor.id),
        levers=[str(world.lever.id), str(world.other_lever.id)],
        version=str(seen),
    )
    assert post_form(client, url + "/edit", data).status_code == 302
    db.expire_all()
    saved = db.get(RegisterEntry, entry.id)
    assert saved is not None and saved.is_published and saved.status.value == "stopped"

    stale = post_form(client, url + "/edit", {**data, "name": "Autre nom"})
    assert stale.status_code == 409
    assert "modifiée par quelqu'un d'autre" in text_of(stale)

    public = client.application.test_client()
    history = words_of(public.get(url + "/history"))
    assert "Version 2" in history and "Version 1" in history
    assert "En service → Arrêté" in history
    assert "Levier 1 → Levier 1, Levier 2" in history
    assert "À quoi il sert : texte modifié" in history  # long texts: what, not how
    assert "par Acteur A" in history  # the public reads the actor, not the person
    assert world.users["member"].name not in history
    f.log_in(client, world.users["facilitator"])
    inside = words_of(client.get(url + "/history"))
    assert f"par {world.users['member'].name}" in inside


def test_saving_without_a_change_keeps_no_new_version(
    client: FlaskClient, db: Session, setting: RegisterSetting
) -> None:
    world, entry = setting.world, setting.draft
    f.log_in(client, world.users["member"])
    data = {"name": entry.name, "status": "idea", "version": str(entry.version)}
    response = post_form(client, f"{R}/{entry.id}/edit", data)
    assert response.status_code == 302
    assert "Aucun changement" in text_of(client.get(response.headers["Location"]))
    count = db.scalars(select(EntryVersion).where(EntryVersion.entry_id == entry.id)).all()
    assert len(count) == 1


def test_a_facilitator_withdraws_an_entry_and_the_public_loses_it(
    client: FlaskClient, db: Session, setting: RegisterSetting
) -> None:
    world, entry = setting.world, setting.published
    url = f"{R}/{entry.id}"
    f.log_in(client, world.users["facilitator"])
    page = text_of(client.get(url))
    assert "Retirer du registre public" in page
    stale = post_form(client, url + "/unpublish", {"version": str(entry.version - 1)})
    assert stale.status_code == 409
    assert client.application.test_client().get(url).status_code == 200
    assert post_form(client, url + "/unpublish", {"version": str(entry.version)}).status_code == 302
    assert client.application.test_client().get(url).status_code == 404
    again = post_form(client, url + "/unpublish", {"version": str(entry.version + 1)})
    assert again.status_code == 400
    assert "Cette fiche n'est pas publiée." in text_of(again)


@pytest.mark.parametrize(
    "path",
    [
        "/0",
        "/2147483648",
        "/99999999999999999999",
        "/{other}",
        "/{other}/history",
        "/abc",
        "/{published}/../{other}",
    ],
)
def test_hostile_ids_are_404_not_500(
    client: FlaskClient, setting: RegisterSetting, path: str
) -> None:
    f.log_in(client, setting.world.users["admin"])
    url = R + path.format(other=setting.other.id, published=setting.published.id)
    assert client.get(url).status_code == 404


def test_the_other_coalition_s_entry_cannot_be_edited_or_published_here(
    client: FlaskClient, db: Session, setting: RegisterSetting
) -> None:
    f.log_in(client, setting.world.users["admin"])
    before = state(db)
    url = f"{R}/{setting.other.id}"
    version = {"version": str(setting.other.version)}
    assert post_form(client, url + "/publish", version).status_code == 404
    assert post_form(client, url + "/edit", entry_data(**version)).status_code == 404
    assert state(db) == before
