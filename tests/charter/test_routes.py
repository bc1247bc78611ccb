"""The charter and labels through the pages: a facilitator publishes, a member signs for their
actor, the public reads the signatories by family; bad input is refused with a clear message
and changes nothing."""

import html
import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.charter.models import CharterVersion, LabelAward, Signature
from coalition.core.audit import AuditEvent
from tests import factories as f
from tests.charter.conftest import TEXT_V1, Setting
from tests.conftest import post_form

C = "/c/ma-coalition"
CHARTER = C + "/charter"
LABELS = C + "/labels"


def text_of(response: Any) -> str:
    """The page's text, its runs of white space as one space."""
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


def counts(db: Session) -> tuple[int, ...]:
    db.expire_all()
    return tuple(
        db.scalar(select(func.count()).select_from(model)) or 0
        for model in (CharterVersion, Signature, LabelAward, AuditEvent)
    )


def as_role(client: FlaskClient, setting: Setting, role: str) -> FlaskClient:
    f.log_in(client, setting.world.users[role])
    return client


def signing(setting: Setting, **fields: Any) -> dict[str, Any]:
    return {
        "actor": str(setting.world.actor.id),
        "version": "1",
        "name": "Claire Martin",
        "role": "Directrice générale",
        **fields,
    }


def publishing(**fields: Any) -> dict[str, Any]:
    return {
        "based_on": "1",
        "title": "Charte de la coalition",
        "text": TEXT_V1.replace("Loyauté", "Loyauté et sobriété"),
        "changes": "La sobriété rejoint la loyauté.",
        **fields,
    }


def test_the_public_reads_the_charter_with_its_number_and_date(
    client: FlaskClient, setting: Setting
) -> None:
    page = text_of(client.get(CHARTER))
    assert "<h1>Charte de la coalition</h1>" in page
    assert "<h2>Nos valeurs</h2>" in page  # markdown
    assert "Version 1, publiée le 1 juin 2026." in page
    assert "Aucun acteur ne l'a encore signée." in page
    assert "Aucun acteur n'a encore signé cette version." in page
    assert "Signer au nom de" not in page
    assert "Publier une nouvelle version" not in page


def test_a_member_signs_for_their_actor_and_the_public_sees_it_by_family(
    client: FlaskClient, db: Session, setting: Setting
) -> None:
    member = as_role(client, setting, "member")
    page = text_of(member.get(CHARTER))
    assert "Signer au nom de Acteur A" in page
    name = setting.world.users["member"].name
    assert re.search(rf'name="name"[^>]*value="{name}"', page), "the name is prefilled"
    response = post_form(member, CHARTER + "/sign", signing(setting))
    assert response.status_code == 302
    assert "Vous avez signé la charte au nom de Acteur A." in text_of(member.get(CHARTER))
    public = text_of(client.application.test_client().get(CHARTER))
    assert "Signée par 1 acteur." in public
    assert "Usage (1)" in public
    assert "Acteur A</a> : signée par Claire Martin (Directrice générale) le" in public


def test_a_second_signature_of_the_same_version_changes_nothing(
    client: FlaskClient, db: Session, setting: Setting
) -> None:
    member = as_role(client, setting, "member")
    assert post_form(member, CHARTER + "/sign", signing(setting)).status_code == 302
    before = counts(db)
    again = post_form(member, CHARTER + "/sign", signing(setting, name="Autre"))
    assert again.status_code == 400
    assert "Cet acteur a déjà signé cette version." in text_of(again)
    assert counts(db) == before


def test_who_does_not_speak_for_the_actor_is_refused_with_a_clear_message(
    client: FlaskClient, db: Session, setting: Setting
) -> None:
    before = counts(db)
    for role in ("other_member", "facilitator", "admin"):
        other = as_role(client.application.test_client(), setting, role)
        refused = post_form(other, CHARTER + "/sign", signing(setting))
        assert refused.status_code == 403, role
        assert "Seuls les membres d'un acteur signent la charte en son nom." in text_of(refused)
        assert "Signer au nom de Acteur A" not in text_of(other.get(CHARTER)), role
    anonymous = post_form(client, CHARTER + "/sign", signing(setting))
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")
    assert counts(db) == before


def test_a_bad_signature_is_shown_on_the_form(
    client: FlaskClient, db: Session, setting: Setting
) -> None:
    member = as_role(client, setting, "member")
    before = counts(db)
    for fields, message in (
        ({"name": ""}, "Le nom de la personne qui signe est obligatoire."),
        ({"version": "7"}, "Une nouvelle version de la charte a été publiée entre-temps"),
        ({"role": "x" * 201}, "200 caractères au plus"),
    ):
        response = post_form(member, CHARTER + "/sign", signing(setting, **fields))
        assert response.status_code == 400, fields
        assert message in text_of(response)
        assert "Signer au nom de Acteur A" in text_of(response)
    assert counts(db) == before


def test_a_new_version_shows_what_changed_and_who_must_sign_again(
    client: FlaskClient, db: Session, setting: Setting
) -> None:
    member = as_role(client.application.test_client(), setting, "member")
    assert post_form(member, CHARTER + "/sign", signing(setting)).status_code == 302
    facilitator = as_role(client, setting, "facilitator")
    form = text_of(facilitator.get(CHARTER + "/new"))
    assert "Publier la version 2 de la charte" in form
    assert "Transparence des algorithmes publics." in form  # the text to start from
    response = post_form(facilitator, CHARTER + "/new", publishing())
    assert response.status_code == 302
    page = text_of(client.application.test_client().get(CHARTER))
    assert "Version 2, publiée le" in page
    assert "Ce qui a changé depuis la version 1" in page
    assert "La sobriété rejoint la loyauté." in page
    assert "Retiré : </span>Loyauté envers les usagers.</del>" in page
    assert "Ajouté : </span>Loyauté et sobriété envers les usagers.</ins>" in page
    assert "À signer de nouveau" in page
    assert 'Acteur A</a> <span class="badge charter-badge outdated">v1 signée' in page
    assert f'href="{CHARTER}/v1"' in page
    old = text_of(client.application.test_client().get(CHARTER + "/v1"))
    assert "Cette version a été remplacée." in old
    assert "Loyauté envers les usagers." in old
    assert "Acteur A</a> : signée par Claire Martin" in old
    # the member signs v2: no longer to sign again
    again = text_of(member.get(CHARTER))
    assert "Signer au nom de Acteur A" in again
    assert post_form(member, CHARTER + "/sign", signing(setting, version="2")).status_code == 302
    assert "À signer de nouveau" not in text_of(client.application.test_client().get(CHARTER))


def test_a_version_is_frozen_and_a_bad_one_is_refused(
    client: FlaskClient, db: Session, setting: Setting
) -> None:
    facilitator = as_role(client, setting, "facilitator")
    assert facilitator.get(CHARTER + "/v1/edit").status_code == 404
    assert facilitator.get(CHARTER + "/v9").status_code == 404
    before = counts(db)
    for fields, message in (
        ({"changes": ""}, "Dites ce que cette version change."),
        ({"text": TEXT_V1}, "Ce texte est celui de la version en vigueur"),
        ({"based_on": "0"}, "Une nouvelle version de la charte a été publiée entre-temps"),
        ({"title": ""}, "Le titre est obligatoire."),
    ):
        response = post_form(facilitator, CHARTER + "/new", publishing(**fields))
        assert response.status_code == 400, fields
        assert message in text_of(response)
    assert counts(db) == before


def test_the_first_version_is_v1(client: FlaskClient, db: Session, setting: Setting) -> None:
    facilitator = as_role(client, setting, "other_facilitator")
    other = "/c/autre-coalition/charter"
    empty = text_of(facilitator.get(other))
    assert "La coalition n'a pas encore publié de charte de valeurs." in empty
    assert "Écrire la première version" in empty
    assert "Publier la version 1 de la charte" in text_of(facilitator.get(other + "/new"))
    data = {"based_on": "0", "title": "Notre charte", "text": "Des *valeurs*."}
    assert post_form(facilitator, other + "/new", data).status_code == 302
    page = text_of(facilitator.get(other))
    assert "Version 1, publiée le" in page and "<em>valeurs</em>" in page


def test_the_actor_page_shows_its_badge_and_labels(
    client: FlaskClient, db: Session, setting: Setting
) -> None:
    actor_page = f"{C}/actors/{setting.world.actor.id}"
    assert "Charte v1" not in text_of(client.get(actor_page))
    member = as_role(client.application.test_client(), setting, "member")
    assert post_form(member, CHARTER + "/sign", signing(setting)).status_code == 302
    facilitator = as_role(client.application.test_client(), setting, "facilitator")
    award = {"actor": str(setting.world.actor.id)}
    url = f"{LABELS}/{setting.label.id}"
    assert post_form(facilitator, url + "/award", award).status_code == 302
    page = text_of(client.get(actor_page))
    assert "Charte v1 signée<" in page
    assert f'href="{url}">Algorithme public loyal</a>' in page
    assert post_form(facilitator, CHARTER + "/new", publishing()).status_code == 302
    assert "Charte v1 signée · v2 à signer de nouveau" in text_of(client.get(actor_page))


def test_a_facilitator_writes_a_label_and_awards_it(
    client: FlaskClient, db: Session, setting: Setting
) -> None:
    facilitator = as_role(client, setting, "facilitator")
    data = {"name": "Données sobres", "criteria": "Moins de **données**."}
    response = post_form(facilitator, LABELS + "/new", data)
    assert response.status_code == 302
    url = response.headers["Location"]
    page = text_of(facilitator.get(url))
    assert "<h1>Données sobres</h1>" in page and "<strong>données</strong>" in page
    assert "Tri des demandes de logement" in page  # offered
    assert "Chatbot d'ailleurs" not in page  # another coalition's entry is not
    label_id = url.rsplit("/", 1)[1]
    edit = {"name": "Données sobres", "criteria": "Moins de données.", "version": "1"}
    assert post_form(facilitator, f"{url}/edit", edit).status_code == 302
    assert (
        post_form(facilitator, url + "/award", {"entry": str(setting.entry.id)}).status_code == 302
    )
    other = {"actor": str(setting.world.other_actor.id)}
    assert post_form(facilitator, url + "/award", other).status_code == 302
    public = text_of(client.application.test_client().get(url))
    assert "Moins de données." in public
    assert "Acteur B</a>" in public and "Tri des demandes de logement" in public
    assert "Retirer" not in public and "Attribuer le label" not in public
    listing = text_of(client.application.test_client().get(LABELS))
    assert "Données sobres" in listing and "1 acteur · 1 fiche du registre" in listing
    [award_id] = db.scalars(
        select(LabelAward.id).where(
            LabelAward.label_id == int(label_id), LabelAward.actor_id.is_not(None)
        )
    )
    withdrawn = post_form(facilitator, f"{url}/awards/{award_id}/withdraw", {})
    assert withdrawn.status_code == 302
    assert "Acteur B</a>" not in text_of(client.application.test_client().get(url))


def test_a_bad_award_changes_nothing(client: FlaskClient, db: Session, setting: Setting) -> None:
    facilitator = as_role(client, setting, "facilitator")
    url = f"{LABELS}/{setting.label.id}"
    stranger = f.actor(db, setting.world.other_coalition, name="Ailleurs")
    assert (
        post_form(facilitator, url + "/award", {"actor": str(setting.world.actor.id)}).status_code
        == 302
    )
    before = counts(db)
    for data, message in (
        ({"actor": str(stranger.id)}, "Cet acteur n'est pas un acteur de la coalition."),
        ({"entry": str(setting.other_entry.id)}, "Cette fiche n'est pas une fiche du registre"),
        ({"actor": str(setting.world.actor.id)}, "Cet acteur détient déjà ce label."),
        ({}, "Choisissez un acteur ou une fiche du registre."),
        ({"actor": "99999999999"}, "Ce choix n'appartient pas à cette coalition."),
    ):
        response = post_form(facilitator, url + "/award", data)
        assert response.status_code == 400, data
        assert message in text_of(response)
    assert counts(db) == before
    assert facilitator.get(f"{LABELS}/{setting.other_label.id}").status_code == 404
