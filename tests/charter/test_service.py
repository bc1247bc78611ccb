"""The rules of the charter and labels, without a request: each bad input is refused with a
clear message and changes nothing."""

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.actors.models import ActorStatus, Family
from coalition.auth.models import MembershipRole
from coalition.charter import queries, service
from coalition.charter.models import CharterVersion, LabelAward, Signature
from coalition.core.audit import AuditEvent
from coalition.core.errors import Conflict, ValidationError
from coalition.core.versions import StaleEdit
from tests import factories as f
from tests.charter.conftest import NOW, TEXT_V1, Setting


def counts(db: Session) -> tuple[int, ...]:
    """The rows a refused write must leave as they were."""
    return tuple(
        db.scalar(select(func.count()).select_from(model)) or 0
        for model in (CharterVersion, Signature, LabelAward, AuditEvent)
    )


def events(db: Session, entity: str) -> list[AuditEvent]:
    return list(
        db.scalars(select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id))
    )


def publish(db: Session, setting: Setting, **fields: Any) -> CharterVersion:
    values: dict[str, Any] = {
        "title": "Charte de la coalition",
        "text": TEXT_V1 + "\n\nSobriété des systèmes.",
        "changes": "Ajout de la sobriété.",
        **fields,
    }
    based_on = values.pop("based_on", 1)
    return service.publish_version(
        db,
        setting.world.coalition,
        service.VersionDetails(**values),
        based_on=based_on,
        by=setting.world.users["facilitator"],
        now=NOW,
    )


def sign(db: Session, setting: Setting, role: str = "member", **fields: Any) -> Signature:
    world = setting.world
    actor = fields.pop("actor", world.actor)
    number = fields.pop("version_number", 1)
    signer = service.SignerDetails(**{"name": "Claire Martin", "role": "Directrice", **fields})
    return service.sign(
        db,
        world.coalition,
        actor,
        signer,
        version_number=number,
        by=world.users[role],
        now=NOW,
    )


def test_the_first_version_is_v1_and_the_next_one_v2(db: Session, setting: Setting) -> None:
    assert setting.v1.number == 1
    v2 = publish(db, setting)
    assert v2.number == 2
    assert queries.current_version(db, setting.world.coalition.id) == v2
    assert [e.action for e in events(db, "charter_version")] == ["publish", "publish"]
    assert events(db, "charter_version")[-1].after == {
        "number": 2,
        "title": "Charte de la coalition",
        "text": TEXT_V1 + "\n\nSobriété des systèmes.",
        "changes": "Ajout de la sobriété.",
    }


def test_each_coalition_numbers_its_own_versions(db: Session, setting: Setting) -> None:
    other = service.publish_version(
        db,
        setting.world.other_coalition,
        service.VersionDetails(title="Charte", text="Ailleurs."),
        based_on=0,
        by=None,
        now=NOW,
    )
    assert other.number == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": "  "}, "title", "Le titre est obligatoire."),
        ({"text": ""}, "text", "Le texte de la charte est vide."),
        ({"changes": " "}, "changes", "Dites ce que cette version change."),
        ({"text": TEXT_V1, "changes": "Rien"}, "text", "celui de la version en vigueur"),
        ({"text": "x" * 50_001}, "text", "50000 caractères au plus"),
    ],
)
def test_a_bad_version_is_refused(
    db: Session, setting: Setting, fields: dict[str, Any], field: str, message: str
) -> None:
    before = counts(db)
    with pytest.raises(ValidationError, match=message) as refused:
        publish(db, setting, **fields)
    assert refused.value.field == field
    assert counts(db) == before


def test_a_version_written_from_an_older_one_is_refused(db: Session, setting: Setting) -> None:
    publish(db, setting)
    before = counts(db)
    with pytest.raises(Conflict, match="nouvelle version de la charte a été publiée"):
        publish(db, setting, based_on=1, text="Autre texte")
    assert counts(db) == before


def test_a_member_signs_the_current_version_for_their_actor(db: Session, setting: Setting) -> None:
    signature = sign(db, setting, role="member")
    world = setting.world
    assert (signature.version_id, signature.actor_id) == (setting.v1.id, world.actor.id)
    assert (signature.signer_name, signature.signer_role) == ("Claire Martin", "Directrice")
    assert signature.signed_by_id == world.users["member"].id
    [event] = events(db, "charter_signature")
    assert event.actor_id == world.actor.id and event.user_id == world.users["member"].id
    assert queries.signed_versions(db, world.coalition.id, [world.actor.id]) == {
        world.actor.id: setting.v1
    }


def test_a_second_signature_of_the_same_version_is_refused(db: Session, setting: Setting) -> None:
    sign(db, setting)
    before = counts(db)
    with pytest.raises(Conflict, match="Cet acteur a déjà signé cette version"):
        sign(db, setting, name="Quelqu'un d'autre")
    assert counts(db) == before


@pytest.mark.parametrize("role", ["other_member", "facilitator", "other_facilitator", "admin"])
def test_who_does_not_speak_for_the_actor_cannot_sign_for_it(
    db: Session, setting: Setting, role: str
) -> None:
    before = counts(db)
    with pytest.raises(ValidationError, match="Seuls les membres d'un acteur"):
        sign(db, setting, role=role)
    assert counts(db) == before


def test_the_public_cannot_sign(db: Session, setting: Setting) -> None:
    with pytest.raises(ValidationError, match="Seuls les membres d'un acteur"):
        sign(db, setting, role="anonymous")
    assert counts(db)[1] == 0


def test_an_actor_of_another_coalition_cannot_sign_here(db: Session, setting: Setting) -> None:
    stranger = f.actor(db, setting.world.other_coalition, name="Ailleurs")
    before = counts(db)
    with pytest.raises(ValidationError, match="n'est pas un acteur de la coalition") as refused:
        sign(db, setting, actor=stranger)
    assert refused.value.field == "actor"
    assert counts(db) == before


def test_a_signature_needs_a_name_and_a_present_actor(db: Session, setting: Setting) -> None:
    before = counts(db)
    with pytest.raises(ValidationError, match="Le nom de la personne qui signe") as refused:
        sign(db, setting, name="   ")
    assert refused.value.field == "name"
    setting.world.actor.status = ActorStatus.left
    with pytest.raises(ValidationError, match="a quitté la coalition"):
        sign(db, setting)
    assert counts(db) == before


def test_signing_a_version_that_was_replaced_meanwhile_is_refused(
    db: Session, setting: Setting
) -> None:
    publish(db, setting)
    before = counts(db)
    with pytest.raises(Conflict, match="nouvelle version"):
        sign(db, setting, version_number=1)
    assert counts(db) == before


def test_there_is_nothing_to_sign_before_a_first_version(db: Session, setting: Setting) -> None:
    world = setting.world
    stranger = f.actor(db, world.other_coalition, name="Ailleurs")
    speaker = f.user(db)
    f.membership(db, speaker, world.other_coalition, MembershipRole.member, stranger)
    db.expire(speaker)
    with pytest.raises(ValidationError, match="pas encore publié de charte"):
        service.sign(
            db,
            world.other_coalition,
            stranger,
            service.SignerDetails(name="Paul"),
            version_number=1,
            by=speaker,
            now=NOW,
        )


def test_a_new_version_asks_its_signatories_to_sign_again(db: Session, setting: Setting) -> None:
    world = setting.world
    sign(db, setting)
    v2 = publish(db, setting)
    sheet = queries.charter_sheet(db, world.coalition, None)
    assert sheet is not None and sheet.version == v2
    assert [(row.actor.name, row.signed) for row in sheet.to_sign_again] == [("Acteur A", 1)]
    sign(db, setting, version_number=2)
    sheet = queries.charter_sheet(db, world.coalition, None)
    assert sheet is not None and sheet.to_sign_again == []
    assert [s.actor.name for g in sheet.families for s in g.signatories] == ["Acteur A"]
    assert queries.signed_versions(db, world.coalition.id, [world.actor.id]) == {world.actor.id: v2}


def test_the_signatories_are_grouped_by_family_and_unlisted_actors_hidden_from_the_public(
    db: Session, setting: Setting
) -> None:
    world = setting.world
    sign(db, setting)
    world.other_actor.family = Family.research
    world.other_actor.is_listed = False
    sign(db, setting, role="other_member", actor=world.other_actor, name="Luc")
    inside = queries.charter_sheet(db, world.coalition, world.users["member"])
    public = queries.charter_sheet(db, world.coalition, None)
    assert inside is not None and public is not None
    assert [(g.family.value, [s.actor.name for s in g.signatories]) for g in inside.families] == [
        ("research", ["Acteur B"]),
        ("use", ["Acteur A"]),
    ]
    assert inside.count == 2
    assert [g.family.value for g in public.families] == ["use"] and public.count == 1


def test_the_diff_shows_added_and_removed_lines_around_unchanged_ones() -> None:
    before = "\n".join(f"ligne {n}" for n in range(10))
    after = before.replace("ligne 5", "ligne cinq") + "\nligne 10"
    lines = [(line.kind, line.text) for line in queries.text_diff(before, after)]
    assert ("removed", "ligne 5") in lines and ("added", "ligne cinq") in lines
    assert ("added", "ligne 10") in lines
    assert lines[0] == ("gap", "")  # lines 0 to 2 are left out
    assert ("same", "ligne 4") in lines and ("same", "ligne 0") not in lines


# -- labels -------------------------------------------------------------------------------


def award(db: Session, setting: Setting, **holder: int | None) -> LabelAward:
    return service.award_label(
        db,
        setting.world.coalition,
        setting.label,
        by=setting.world.users["facilitator"],
        now=NOW,
        **holder,
    )


def test_a_label_is_awarded_to_an_actor_and_an_entry_then_withdrawn(
    db: Session, setting: Setting
) -> None:
    world = setting.world
    to_actor = award(db, setting, actor_id=world.actor.id)
    award(db, setting, entry_id=setting.entry.id)
    held = queries.label_sheet(db, world.coalition, setting.label, None)
    assert [actor.name for _, actor in held.actors] == ["Acteur A"]
    assert [entry.name for _, entry in held.entries] == ["Tri des demandes de logement"]
    assert [label.name for label in queries.actor_labels(db, world.actor)] == [
        "Algorithme public loyal"
    ]
    assert queries.entry_labels(db, [setting.entry.id]) == {setting.entry.id: [setting.label]}
    service.withdraw_award(db, world.coalition, setting.label, to_actor, by=None)
    db.flush()
    assert queries.actor_labels(db, world.actor) == []
    assert [e.action for e in events(db, "label_award")] == ["create", "create", "delete"]
    assert events(db, "label_award")[0].actor_id == world.actor.id


@pytest.mark.parametrize(
    ("holder", "message"),
    [
        ({}, "Choisissez un acteur ou une fiche du registre."),
        ({"actor_id": 1, "entry_id": 1}, "Choisissez un acteur ou une fiche du registre."),
        ({"actor_id": "stranger"}, "n'est pas un acteur de la coalition"),
        ({"entry_id": "other_entry"}, "n'est pas une fiche du registre de la coalition"),
        ({"actor_id": 2**31 - 1}, "n'est pas un acteur de la coalition"),
    ],
)
def test_a_bad_award_is_refused(
    db: Session, setting: Setting, holder: dict[str, Any], message: str
) -> None:
    stranger = f.actor(db, setting.world.other_coalition, name="Ailleurs")
    places = {"stranger": stranger.id, "other_entry": setting.other_entry.id}
    holder = {key: places.get(value, value) for key, value in holder.items()}
    before = counts(db)
    with pytest.raises(ValidationError, match=message):
        award(db, setting, **holder)
    assert counts(db) == before


def test_a_label_is_held_once(db: Session, setting: Setting) -> None:
    award(db, setting, actor_id=setting.world.actor.id)
    award(db, setting, entry_id=setting.entry.id)
    before = counts(db)
    with pytest.raises(Conflict, match="Cet acteur détient déjà ce label"):
        award(db, setting, actor_id=setting.world.actor.id)
    with pytest.raises(Conflict, match="Cette fiche détient déjà ce label"):
        award(db, setting, entry_id=setting.entry.id)
    assert counts(db) == before


def test_a_label_of_another_coalition_is_neither_awarded_nor_edited(
    db: Session, setting: Setting
) -> None:
    world, other = setting.world, setting.other_label
    before = counts(db)
    with pytest.raises(ValidationError, match="Ce label n'appartient pas à cette coalition"):
        service.award_label(db, world.coalition, other, actor_id=world.actor.id, by=None, now=NOW)
    with pytest.raises(ValidationError, match="Ce label n'appartient pas à cette coalition"):
        service.update_label(
            db,
            world.coalition,
            other,
            service.LabelDetails(name="Repris"),
            seen_version=other.version,
            by=None,
        )
    assert counts(db) == before and other.name == "Ailleurs"


def test_label_names_are_unique_in_a_coalition_and_edits_name_their_version(
    db: Session, setting: Setting
) -> None:
    world, label = setting.world, setting.label
    before = counts(db)
    with pytest.raises(ValidationError, match="porte déjà ce nom") as refused:
        service.create_label(
            db, world.coalition, service.LabelDetails(name="algorithme PUBLIC loyal"), by=None
        )
    assert refused.value.field == "name"
    with pytest.raises(ValidationError, match="Le nom est obligatoire"):
        service.create_label(db, world.coalition, service.LabelDetails(name=" "), by=None)
    with pytest.raises(StaleEdit):
        service.update_label(
            db,
            world.coalition,
            label,
            service.LabelDetails(name="Loyal"),
            seen_version=label.version + 1,
            by=None,
        )
    assert counts(db) == before and label.name == "Algorithme public loyal"
    # the same name elsewhere is another label
    service.create_label(
        db, world.other_coalition, service.LabelDetails(name="Algorithme public loyal"), by=None
    )
    service.update_label(
        db,
        world.coalition,
        label,
        service.LabelDetails(name="Algorithme public loyal", criteria="Code publié, audit."),
        seen_version=label.version,
        by=None,
    )
    assert [e.action for e in events(db, "label") if e.entity_id == label.id] == [
        "create",
        "update",
    ]
