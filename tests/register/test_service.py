"""The register's rules, without a request: who records for which actor, what an entry may
name, each save kept as a version, publication."""

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.core.audit import AuditEvent
from coalition.core.errors import ValidationError
from coalition.core.versions import StaleEdit
from coalition.register import service
from coalition.register.models import EntryStatus, EntryVersion, RegisterEntry
from tests import factories as f
from tests.register.conftest import NOW, RegisterSetting, details, state


def versions(db: Session, entry: RegisterEntry) -> list[EntryVersion]:
    return list(
        db.scalars(
            select(EntryVersion)
            .where(EntryVersion.entry_id == entry.id)
            .order_by(EntryVersion.number)
        )
    )


def events(db: Session, entry: RegisterEntry) -> list[AuditEvent]:
    return list(
        db.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == "register_entry", AuditEvent.entity_id == entry.id)
            .order_by(AuditEvent.id)
        )
    )


def test_a_recorded_entry_is_a_draft_with_its_first_version(
    db: Session, setting: RegisterSetting
) -> None:
    world, entry = setting.world, setting.published
    first = versions(db, entry)[0]
    assert first.number == 1
    assert first.saved_by_id == world.users["member"].id
    assert first.fields["status"] == "in_use"
    assert first.fields["lever_ids"] == [world.lever.id]
    assert first.fields["case_ids"] == [setting.case.id]
    assert first.fields["vendor_id"] == setting.vendor.id
    assert "name" in first.changed and "licence" in first.changed
    assert "impact_assessment" not in first.changed  # left empty
    assert not setting.draft.is_published and setting.draft.published_at is None
    assert [e.action for e in events(db, entry)] == ["create", "publish"]
    assert events(db, entry)[0].actor_id is None  # an actor's history would tell drafts


def test_a_member_records_only_for_their_own_actor(db: Session, setting: RegisterSetting) -> None:
    world = setting.world
    before = state(db)
    with pytest.raises(ValidationError) as refused:
        service.record_entry(
            db,
            world.coalition,
            details(owner_id=world.other_actor.id),
            by=world.users["member"],
        )
    assert refused.value.field == "owner"
    assert "au nom de votre organisation" in str(refused.value)
    db.flush()
    assert state(db) == before


def test_a_facilitator_records_for_any_actor_of_the_coalition(
    db: Session, setting: RegisterSetting
) -> None:
    world = setting.world
    entry = service.record_entry(
        db,
        world.coalition,
        details(owner_id=world.other_actor.id),
        by=world.users["facilitator"],
    )
    assert entry.owner_id == world.other_actor.id
    assert entry.status == EntryStatus.pilot


def test_the_vendor_may_be_the_owner_itself_when_it_is_of_the_offre_family(
    db: Session, setting: RegisterSetting
) -> None:
    world = setting.world
    entry = service.record_entry(
        db,
        world.coalition,
        details(owner_id=setting.vendor.id, vendor_id=setting.vendor.id),
        by=world.users["facilitator"],
    )
    assert entry.vendor_id == entry.owner_id == setting.vendor.id


BAD_INPUT = [
    ({"owner_id": None}, "owner", "Choisissez l'acteur"),
    ({"owner_id": "foreign"}, "owner", "n'est pas un acteur de la coalition"),
    ({"owner_id": 2**31 - 1}, "owner", "n'est pas un acteur de la coalition"),
    ({"vendor_id": "use"}, "vendor", "n'est pas un acteur « Offre » de la coalition"),
    ({"vendor_id": "foreign_vendor"}, "vendor", "n'est pas un acteur « Offre » de la coalition"),
    ({"name": "   "}, "name", "Le nom est obligatoire."),
    ({"name": "n" * 201}, "name", "200 caractères au plus"),
    ({"purpose": "p" * 10_001}, "purpose", "10000 caractères au plus"),
    ({"licence": "l" * 101}, "licence", "100 caractères au plus"),
    ({"status": "maybe"}, "status", "Choisissez un état"),
    ({"status": ""}, "status", "Choisissez un état"),
    ({"source_code_url": "javascript:alert(1)"}, "source_code_url", "http:// ou https://"),
    ({"source_code_url": "ftp://example.org/code"}, "source_code_url", "http:// ou https://"),
    ({"source_code_url": "www.example.org"}, "source_code_url", "http:// ou https://"),
    ({"source_code_url": "https://"}, "source_code_url", "http:// ou https://"),
    ({"source_code_url": "https://exa mple.org"}, "source_code_url", "http:// ou https://"),
    ({"source_code_url": "https://x.org/" + "a" * 500}, "source_code_url", "500 caractères"),
    ({"impact_assessment_url": "file:///etc/passwd"}, "impact_assessment_url", "http://"),
    ({"contact": "le service"}, "contact", "une adresse e-mail ou une adresse web"),
    ({"contact": "mailto:dpo@example.org"}, "contact", "une adresse e-mail ou une adresse web"),
    ({"contact": "https://"}, "contact", "http:// ou https://"),
    ({"lever_ids": ["foreign_lever"]}, "levers", "Ce levier n'existe pas dans cette coalition."),
    ({"action_ids": ["foreign_action"]}, "actions", "n'est pas une action de la feuille"),
    ({"case_ids": ["foreign_case"]}, "cases", "n'est pas un cas des ateliers de la coalition"),
    ({"case_ids": ["hidden_case"]}, "cases", "n'est pas un cas des ateliers de la coalition"),
]


def _resolve(db: Session, setting: RegisterSetting, fields: dict[str, Any]) -> dict[str, Any]:
    """Names in the table above as the ids of the setting's rows."""
    world = setting.world
    rows: dict[str, Any] = {
        "foreign": f.actor(db, world.other_coalition, name="Étranger").id,
        "use": world.other_actor.id,  # of the "Usage" family
        "foreign_vendor": setting.foreign_vendor.id,
        "foreign_lever": f.lever(db, world.other_coalition).id,
        "foreign_action": f.action(db, world.other_coalition).id,
        "foreign_case": setting.foreign_case.id,
        "hidden_case": setting.hidden_case.id,
    }

    def one(value: Any) -> Any:
        return rows.get(value, value) if isinstance(value, str) else value

    resolved = {
        key: [one(v) for v in value] if isinstance(value, list) else one(value)
        for key, value in fields.items()
    }
    resolved.setdefault("owner_id", world.actor.id)
    return resolved


@pytest.mark.parametrize(("fields", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_with_a_clear_message_and_changes_nothing(
    db: Session, setting: RegisterSetting, fields: dict[str, Any], field: str, message: str
) -> None:
    world = setting.world
    resolved = _resolve(db, setting, fields)
    before = state(db)
    with pytest.raises(ValidationError) as refused:
        service.record_entry(db, world.coalition, details(**resolved), by=world.users["member"])
    assert refused.value.field == field
    assert message in str(refused.value)
    db.flush()
    assert state(db) == before


@pytest.mark.parametrize("fields", BAD_INPUT, ids=[str(i) for i in range(len(BAD_INPUT))])
def test_a_bad_edit_changes_nothing_either(
    db: Session, setting: RegisterSetting, fields: tuple[dict[str, Any], str, str]
) -> None:
    world, entry = setting.world, setting.published
    resolved = _resolve(db, setting, fields[0])
    before = state(db)
    with pytest.raises(ValidationError):
        service.update_entry(
            db,
            world.coalition,
            entry,
            details(**resolved),
            seen_version=entry.version,
            by=world.users["member"],
        )
    db.flush()
    assert state(db) == before


def test_a_facilitator_may_link_a_case_of_an_unpublished_workshop(
    db: Session, setting: RegisterSetting
) -> None:
    world = setting.world
    entry = service.record_entry(
        db,
        world.coalition,
        details(owner_id=world.actor.id, case_ids=[setting.hidden_case.id]),
        by=world.users["facilitator"],
    )
    assert [case.id for case in entry.cases] == [setting.hidden_case.id]
    # the owner's member keeps that link when they save the entry again
    service.update_entry(
        db,
        world.coalition,
        entry,
        details(name="Renommé", owner_id=world.actor.id, case_ids=[setting.hidden_case.id]),
        seen_version=entry.version,
        by=world.users["member"],
    )
    assert [case.id for case in entry.cases] == [setting.hidden_case.id]


def test_contacts_may_be_an_email_or_a_web_address(db: Session, setting: RegisterSetting) -> None:
    world = setting.world
    for contact in ("algorithmes@lyon.example.org", "https://example.org/contact", "HTTP://x.fr"):
        entry = service.record_entry(
            db,
            world.coalition,
            details(owner_id=world.actor.id, contact=f"  {contact} "),
            by=world.users["member"],
        )
        assert entry.contact == contact


def test_an_edit_keeps_a_new_version_with_what_changed_and_stays_published(
    db: Session, setting: RegisterSetting
) -> None:
    world, entry = setting.world, setting.published
    seen = entry.version
    kept = service.update_entry(
        db,
        world.coalition,
        entry,
        details(
            name="Tri des appels au 15",
            status="stopped",
            owner_id=world.actor.id,
            purpose="Classer les appels par **urgence**.",
            individual_decisions=True,
            personal_data=True,
            human_oversight="Un médecin régulateur décide.",
            data_used="Les appels enregistrés.",
            vendor_id=setting.vendor.id,
            source_code_url="https://code.example.org/tri",
            licence="EUPL-1.2",
            impact_assessment_url="https://example.org/aipd.pdf",
            contact="dpo@example.org",
            lever_ids=[world.other_lever.id, world.lever.id],
            action_ids=[world.action.id],
            case_ids=[setting.case.id],
        ),
        seen_version=seen,
        by=world.users["facilitator"],
    )
    assert kept is not None and kept.number == 2
    assert kept.changed == ["status", "lever_ids"]
    assert kept.fields["lever_ids"] == sorted([world.lever.id, world.other_lever.id])
    assert kept.saved_by_id == world.users["facilitator"].id
    assert entry.is_published and entry.version > seen
    last = events(db, entry)[-1]
    assert last.action == "update"
    assert last.before is not None and last.after is not None
    assert (last.before["status"], last.after["status"]) == ("in_use", "stopped")


def test_changing_only_the_links_is_a_new_version_and_raises_the_entry_version(
    db: Session, setting: RegisterSetting
) -> None:
    world, entry = setting.world, setting.draft
    seen = entry.version
    kept = service.update_entry(
        db,
        world.coalition,
        entry,
        details(
            name=entry.name, status="idea", owner_id=world.actor.id, action_ids=[world.action.id]
        ),
        seen_version=seen,
        by=world.users["member"],
    )
    assert kept is not None and kept.changed == ["action_ids"]
    assert entry.version == seen + 1  # an edit made from the page before is now stale
    with pytest.raises(StaleEdit):
        service.update_entry(
            db,
            world.coalition,
            entry,
            details(name="Autre", status="idea", owner_id=world.actor.id),
            seen_version=seen,
            by=world.users["member"],
        )


def test_saving_the_same_fields_writes_nothing(db: Session, setting: RegisterSetting) -> None:
    world, entry = setting.world, setting.draft
    before = state(db)
    kept = service.update_entry(
        db,
        world.coalition,
        entry,
        details(name="  Orientation des usagers ", status="idea", owner_id=world.actor.id),
        seen_version=entry.version,
        by=world.users["member"],
    )
    db.flush()
    assert kept is None
    assert state(db) == before


def test_a_stale_edit_is_refused(db: Session, setting: RegisterSetting) -> None:
    world, entry = setting.world, setting.draft
    with pytest.raises(StaleEdit):
        service.update_entry(
            db,
            world.coalition,
            entry,
            details(name="Autre", owner_id=world.actor.id),
            seen_version=entry.version - 1,
            by=world.users["member"],
        )


def test_an_entry_of_another_coalition_is_refused(db: Session, setting: RegisterSetting) -> None:
    world = setting.world
    with pytest.raises(ValidationError, match="n'appartient pas à cette coalition"):
        service.update_entry(
            db,
            world.coalition,
            setting.other,
            details(owner_id=world.actor.id),
            seen_version=setting.other.version,
            by=world.users["facilitator"],
        )
    with pytest.raises(ValidationError, match="n'appartient pas à cette coalition"):
        service.publish_entry(
            db,
            world.coalition,
            setting.other,
            seen_version=setting.other.version,
            by=world.users["facilitator"],
            now=NOW,
        )


def test_publishing_and_withdrawing_are_audited(db: Session, setting: RegisterSetting) -> None:
    world, entry = setting.world, setting.draft
    facilitator = world.users["facilitator"]
    service.publish_entry(
        db, world.coalition, entry, seen_version=entry.version, by=facilitator, now=NOW
    )
    assert entry.is_published and entry.published_at == NOW
    with pytest.raises(ValidationError, match="déjà publiée"):
        service.publish_entry(
            db, world.coalition, entry, seen_version=entry.version, by=facilitator, now=NOW
        )
    service.unpublish_entry(
        db, world.coalition, entry, seen_version=entry.version, by=facilitator, now=NOW
    )
    assert not entry.is_published and entry.published_at is None
    with pytest.raises(ValidationError, match="n'est pas publiée"):
        service.unpublish_entry(
            db, world.coalition, entry, seen_version=entry.version, by=facilitator, now=NOW
        )
    logged = events(db, entry)
    assert [e.action for e in logged] == ["create", "publish", "unpublish"]
    assert logged[1].user_id == facilitator.id
    assert logged[1].after == {"is_published": True, "published_at": NOW.isoformat()}
    assert len(versions(db, entry)) == 1  # publication is no version of the fields
