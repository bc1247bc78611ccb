"""The rules of a panel, without a request: its settings and quotas, the pool, the seed that
freezes everything, the draw and the replacements asked of the worker, the sign-ups that agreed
to be drawn."""

from datetime import UTC, datetime
from importlib.metadata import version
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.core.audit import AuditEvent
from coalition.core.errors import Conflict, ValidationError
from coalition.core.versions import StaleEdit
from coalition.panels import draw, service
from coalition.panels.models import (
    Panel,
    PanelQuota,
    PanelRun,
    PanelStatus,
    RunKind,
    RunState,
    Source,
    Volunteer,
    VolunteerStatus,
)
from coalition.panels.service import NewVolunteer, PanelDetails
from coalition.signups.service import sign_up
from tests.conftest import World

NOW = datetime(2026, 6, 1, 10, tzinfo=UTC)
AGES = ("jeune", "moyen", "vieux")
GENDERS = ("f", "h")
# a panel of 10: 3 or 4 of each age, 5 women and 5 men
QUOTAS = """age ; jeune ; 3 ; 4
age ; moyen ; 3 ; 4
age ; vieux ; 3 ; 4
genre ; f ; 5 ; 5
genre ; h ; 5 ; 5"""
FROZEN = "La graine est annoncée"


# -- helpers, used by test_jobs too ---------------------------------------------------------


def features(i: int) -> dict[str, str]:
    """Every age with as many women as men: 10 of each (age, gender) in a pool of 60."""
    return {"age": AGES[i % 3], "genre": GENDERS[(i // 3) % 2]}


def new_panel(db: Session, world: World, *, size: int = 10, reserve_size: int = 2) -> Panel:
    details = PanelDetails(title="Convention citoyenne", size=size, reserve_size=reserve_size)
    return service.create_panel(db, world.coalition, details, by=world.users["facilitator"])


def fill_pool(
    db: Session, panel: Panel, count: int = 60, *, mail_every: int = 0
) -> list[Volunteer]:
    """`count` volunteers V0001... with `features(i)`; every `mail_every`-th one has a mail."""
    people = [
        NewVolunteer(
            f"Personne {i}",
            email=f"personne{i}@example.org" if mail_every and i % mail_every == 0 else None,
            features=features(i),
        )
        for i in range(1, count + 1)
    ]
    return service.add_volunteers(db, panel, people, source=Source.imported, by=None)


def ready_panel(db: Session, world: World, count: int = 60, **fields: Any) -> Panel:
    panel = new_panel(db, world, **fields)
    service.set_quotas(db, panel, QUOTAS, by=None)
    fill_pool(db, panel, count)
    return panel


def announce(db: Session, panel: Panel, seed: int | None = 42) -> Panel:
    return service.announce(db, panel, seed=seed, seen_version=panel.version, by=None, now=NOW)


def events(db: Session, panel: Panel) -> list[AuditEvent]:
    return list(
        db.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == "panel", AuditEvent.entity_id == panel.id)
            .order_by(AuditEvent.id)
        )
    )


def actions(db: Session, panel: Panel) -> list[str]:
    return [event.action for event in events(db, panel)]


def volunteers(db: Session, panel: Panel) -> list[Volunteer]:
    return list(
        db.scalars(
            select(Volunteer).where(Volunteer.panel_id == panel.id).order_by(Volunteer.number)
        )
    )


def runs(db: Session, panel: Panel) -> list[PanelRun]:
    return list(
        db.scalars(select(PanelRun).where(PanelRun.panel_id == panel.id).order_by(PanelRun.id))
    )


def stored_quotas(db: Session, panel: Panel) -> list[tuple[str, str, int, int]]:
    rows = db.execute(
        select(PanelQuota.feature, PanelQuota.value, PanelQuota.minimum, PanelQuota.maximum)
        .where(PanelQuota.panel_id == panel.id)
        .order_by(PanelQuota.position)
    )
    return [(row[0], row[1], row[2], row[3]) for row in rows]


def as_drawn(db: Session, panel: Panel) -> list[Volunteer]:
    """Arrange the outcome of a draw (the worker's part, tested in test_jobs): V0001-V0010
    selected, the next two on the reserve list; the draw's run done."""
    people = volunteers(db, panel)
    for volunteer in people[:10]:
        volunteer.status = VolunteerStatus.selected
    for volunteer in people[10:12]:
        volunteer.status = VolunteerStatus.reserve
    for run in runs(db, panel):
        run.state = RunState.done
    panel.status = PanelStatus.drawn
    db.flush()
    return people


# -- the panel's settings -------------------------------------------------------------------


def test_a_panel_is_created_with_its_settings_and_audited(db: Session, world: World) -> None:
    details = PanelDetails(
        title="  Convention citoyenne  ", size=40, reserve_size=8, description=" Sur l'IA "
    )
    panel = service.create_panel(db, world.coalition, details, by=world.users["facilitator"])
    assert (panel.title, panel.description, panel.size, panel.reserve_size) == (
        "Convention citoyenne",
        "Sur l'IA",
        40,
        8,
    )
    assert panel.status == PanelStatus.open and panel.seed is None
    [event] = events(db, panel)
    assert event.action == "create" and event.user_id == world.users["facilitator"].id
    assert event.after is not None and event.after["size"] == 40


BAD_DETAILS = [
    ({"title": "   "}, "title", "Le titre est obligatoire."),
    ({"title": "T" * 201}, "title", "Ce texte est trop long."),
    ({"description": "D" * 20_001}, "description", "Ce texte est trop long."),
    ({"size": 0}, "size", "Un panel compte de 1 à 500 personnes."),
    ({"size": 501}, "size", "Un panel compte de 1 à 500 personnes."),
    ({"reserve_size": -1}, "reserve_size", "La liste complémentaire compte de 0 à 10 personnes."),
    ({"reserve_size": 11}, "reserve_size", "La liste complémentaire compte de 0 à 10 personnes."),
]


@pytest.mark.parametrize(("fields", "field", "message"), BAD_DETAILS)
def test_a_bad_panel_is_not_created(
    db: Session, world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    details = PanelDetails(**{"title": "Convention", "size": 10, "reserve_size": 2, **fields})
    with pytest.raises(ValidationError) as refused:
        service.create_panel(db, world.coalition, details, by=None)
    assert (refused.value.field, str(refused.value)) == (field, message)
    assert db.scalar(select(func.count()).select_from(Panel)) == 0
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == 0


@pytest.mark.parametrize(("fields", "field", "message"), BAD_DETAILS)
def test_a_bad_update_changes_nothing(
    db: Session, world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    panel = new_panel(db, world)
    seen = panel.version
    details = PanelDetails(**{"title": "Autre titre", "size": 10, "reserve_size": 2, **fields})
    with pytest.raises(ValidationError) as refused:
        service.update_panel(db, panel, details, seen_version=seen, by=None)
    assert (refused.value.field, str(refused.value)) == (field, message)
    db.flush()
    db.expire_all()
    again = db.get_one(Panel, panel.id)
    assert (again.title, again.size, again.reserve_size, again.version) == (
        "Convention citoyenne",
        10,
        2,
        seen,
    )
    assert actions(db, panel) == ["create"]


def test_an_update_is_saved_and_audited_with_before_and_after(db: Session, world: World) -> None:
    panel = new_panel(db, world)
    details = PanelDetails(title="Convention", size=12, reserve_size=3)
    service.update_panel(db, panel, details, seen_version=panel.version, by=None)
    db.flush()
    assert (panel.title, panel.size, panel.reserve_size) == ("Convention", 12, 3)
    update = events(db, panel)[-1]
    assert update.action == "update"
    assert update.before is not None and update.after is not None
    assert (update.before["size"], update.after["size"]) == (10, 12)
    # the same settings again: nothing to log
    service.update_panel(db, panel, details, seen_version=panel.version, by=None)
    assert actions(db, panel) == ["create", "update"]


def test_an_update_from_a_stale_page_is_refused(db: Session, world: World) -> None:
    panel = new_panel(db, world)
    details = PanelDetails(title="Convention", size=12)
    with pytest.raises(StaleEdit):
        service.update_panel(db, panel, details, seen_version=panel.version - 1, by=None)
    assert panel.size == 10


# -- quotas ---------------------------------------------------------------------------------


def test_quotas_are_read_with_semicolons_commas_or_tabs_and_blank_lines_skipped() -> None:
    text = "age ; jeune ; 3 ; 4\n\n  \nage, vieux, 0, 6\ngenre\tf\t5\t5\n"
    assert service.read_quotas(text) == [
        draw.Quota("age", "jeune", 3, 4),
        draw.Quota("age", "vieux", 0, 6),
        draw.Quota("genre", "f", 5, 5),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Écrivez au moins une ligne de quota."),
        ("\n  \n", "Écrivez au moins une ligne de quota."),
        ("age ; jeune ; 3", "Ligne 1 : écrivez « caractéristique ; valeur ; minimum ; maximum »."),
        (
            "age ; jeune ; 3 ; 4 ; 5",
            "Ligne 1 : écrivez « caractéristique ; valeur ; minimum ; maximum ».",
        ),
        ("age ; ; 3 ; 4", "Ligne 1 : écrivez « caractéristique ; valeur ; minimum ; maximum »."),
        ("juste un mot", "Ligne 1 : écrivez « caractéristique ; valeur ; minimum ; maximum »."),
        (
            "age ; jeune ; 3 ; 4\n\nage ; vieux ; trois ; 4",
            "Ligne 3 : le minimum et le maximum sont des nombres entiers.",
        ),
        ("age ; jeune ; -1 ; 4", "Ligne 1 : le minimum et le maximum sont des nombres entiers."),
        ("age ; jeune ; 1.5 ; 4", "Ligne 1 : le minimum et le maximum sont des nombres entiers."),
        ("age ; jeune ; 5 ; 4", "Ligne 1 : le minimum dépasse le maximum."),
        (
            "age ; jeune ; 1 ; 4\nAge ; Jeune ; 0 ; 2",
            "Ligne 2 : « Age » = « Jeune » est déjà écrit plus haut.",
        ),
        ("a" * 81 + " ; jeune ; 1 ; 4", "Ligne 1 : 80 caractères au plus."),
    ],
)
def test_bad_quota_lines_are_refused_with_their_line(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        service.read_quotas(text)
    assert (refused.value.field, str(refused.value)) == ("quotas", message)


@pytest.mark.parametrize(
    "read",
    [lambda: service.read_quotas("age ; jeune ; ² ; 4"), lambda: service.read_seed("4²")],
    ids=["quota", "seed"],
)
def test_a_superscript_digit_is_refused_in_plain_words(read: Any) -> None:
    with pytest.raises(ValidationError):
        read()


def test_setting_quotas_replaces_them_and_is_audited(db: Session, world: World) -> None:
    panel = new_panel(db, world)
    service.set_quotas(db, panel, "age ; jeune ; 0 ; 10\ngenre ; f ; 5 ; 5", by=None)
    # written again: a value may come back, with other numbers or the same
    service.set_quotas(db, panel, QUOTAS, by=world.users["facilitator"])
    assert stored_quotas(db, panel) == [
        ("age", "jeune", 3, 4),
        ("age", "moyen", 3, 4),
        ("age", "vieux", 3, 4),
        ("genre", "f", 5, 5),
        ("genre", "h", 5, 5),
    ]
    assert panel.features == ["age", "genre"]
    last = events(db, panel)[-1]
    assert last.action == "quotas" and last.user_id == world.users["facilitator"].id
    assert last.after == {
        "before": "age ; jeune ; 0 ; 10\ngenre ; f ; 5 ; 5",
        "quotas": QUOTAS,
    }


def test_bad_quotas_leave_the_quotas_as_they_were(db: Session, world: World) -> None:
    panel = new_panel(db, world)
    service.set_quotas(db, panel, QUOTAS, by=None)
    with pytest.raises(ValidationError):
        service.set_quotas(db, panel, "age ; jeune ; 5 ; 4", by=None)
    assert len(stored_quotas(db, panel)) == 5
    assert actions(db, panel) == ["create", "quotas"]


# -- the pool -------------------------------------------------------------------------------


def test_volunteers_get_the_next_codes_and_their_values(db: Session, world: World) -> None:
    panel = ready_panel(db, world, count=3)
    [fourth] = service.add_volunteers(
        db, panel, [NewVolunteer("Léa", features={"age": "jeune"})], source=Source.imported, by=None
    )
    assert fourth.code == "V0004"
    service.set_features(db, panel, fourth, {"age": "vieux", "genre": " f "}, by=None)
    assert fourth.features == {"age": "vieux", "genre": "f"}
    service.set_features(db, panel, fourth, {"age": "", "genre": "h"}, by=None)
    assert fourth.features == {"genre": "h"}  # an empty value leaves the feature unset
    with pytest.raises(ValidationError) as refused:
        service.set_features(db, panel, fourth, {"age": "enfant"}, by=None)
    assert str(refused.value) == "« enfant » n'est pas une valeur de « age »."
    assert fourth.features == {"genre": "h"}
    assert actions(db, panel)[-2:] == ["volunteer_features", "volunteer_features"]


# -- the seed -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seed"),
    [("", None), ("   ", None), ("42", 42), (" 1 234 567 ", 1_234_567), ("2147483647", 2**31 - 1)],
)
def test_a_seed_is_read_from_what_was_typed(text: str, seed: int | None) -> None:
    assert service.read_seed(text) == seed


@pytest.mark.parametrize("text", ["0", "-5", "douze", "12a", "4.2", "2147483648", "1e6"])
def test_a_seed_out_of_range_or_not_a_number_is_refused(text: str) -> None:
    with pytest.raises(ValidationError) as refused:
        service.read_seed(text)
    assert refused.value.field == "seed"
    assert str(refused.value) == "La graine est un nombre entier de 1 à 2147483647."


def _assert_not_announced(db: Session, panel: Panel) -> None:
    db.expire_all()
    again = db.get_one(Panel, panel.id)
    assert again.status == PanelStatus.open
    assert (again.seed, again.seed_announced_at, again.library_version) == (None, None, None)
    assert "announce" not in actions(db, panel)


@pytest.mark.parametrize(
    ("count", "quotas", "said"),
    [
        (8, QUOTAS, "Le vivier compte 8 volontaires : il en faut au moins 10."),
        (
            60,
            "age ; jeune ; 0 ; 3\nage ; moyen ; 0 ; 3\nage ; vieux ; 0 ; 3",
            "Les maximums de « age » ne font que 9 personnes : moins que les 10 du panel.",
        ),
    ],
)
def test_a_pool_that_cannot_be_drawn_is_not_announced(
    db: Session, world: World, count: int, quotas: str, said: str
) -> None:
    panel = new_panel(db, world)
    service.set_quotas(db, panel, quotas, by=None)
    fill_pool(db, panel, count)
    with pytest.raises(ValidationError) as refused:
        announce(db, panel, seed=None)
    assert refused.value.field == "pool" and said in str(refused.value).splitlines()
    _assert_not_announced(db, panel)


def test_quotas_no_panel_meets_are_not_announced_and_the_library_says_why(
    db: Session, world: World
) -> None:
    panel = new_panel(db, world)
    quotas = "age ; jeune ; 0 ; 4\nage ; vieux ; 0 ; 10\ngenre ; f ; 5 ; 5\ngenre ; h ; 5 ; 5"
    service.set_quotas(db, panel, quotas, by=None)
    young_men = [NewVolunteer(f"H{i}", features={"age": "jeune", "genre": "h"}) for i in range(6)]
    old_women = [NewVolunteer(f"F{i}", features={"age": "vieux", "genre": "f"}) for i in range(6)]
    service.add_volunteers(db, panel, young_men + old_women, source=Source.imported, by=None)
    with pytest.raises(ValidationError) as refused:
        announce(db, panel, seed=None)
    assert str(refused.value).splitlines() == [
        "Aucun panel ne peut respecter tous ces quotas à la fois avec ce vivier. "
        "La bibliothèque de tirage propose de les assouplir ainsi :",
        "« age » = « jeune » : entre 0 et 5 au lieu de 0 à 4.",
    ]
    _assert_not_announced(db, panel)


def test_a_volunteer_without_a_value_stops_the_announcement(db: Session, world: World) -> None:
    panel = ready_panel(db, world)
    service.set_features(db, panel, volunteers(db, panel)[4], {"age": "moyen"}, by=None)
    with pytest.raises(ValidationError) as refused:
        announce(db, panel)
    assert str(refused.value) == "1 volontaire n'a pas de valeur pour « genre » : V0005"
    _assert_not_announced(db, panel)


def test_a_pool_without_quotas_is_not_announced(db: Session, world: World) -> None:
    panel = new_panel(db, world)
    fill_pool(db, panel, 12)
    with pytest.raises(ValidationError) as refused:
        announce(db, panel)
    assert "Aucun quota n'est défini" in str(refused.value)
    assert panel.status == PanelStatus.open and panel.seed is None


def test_announcing_keeps_the_typed_seed_the_algorithm_and_the_library_version(
    db: Session, world: World
) -> None:
    panel = ready_panel(db, world)
    service.announce(
        db, panel, seed=1234, seen_version=panel.version, by=world.users["facilitator"], now=NOW
    )
    db.flush()
    assert panel.status == PanelStatus.announced
    assert (panel.seed, panel.seed_announced_at) == (1234, NOW)
    assert panel.algorithm == "maximin"
    assert panel.library_version == version("sortition-algorithms")
    last = events(db, panel)[-1]
    assert last.action == "announce" and last.user_id == world.users["facilitator"].id
    assert last.after == {"seed": 1234, "algorithm": "maximin", "pool": 60}


def test_a_large_pool_is_drawn_with_the_legacy_algorithm(
    db: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(draw, "MAXIMIN_UP_TO", 59)  # rather than a pool of 1,001
    panel = announce(db, ready_panel(db, world))
    assert panel.algorithm == "legacy"
    other = announce(db, ready_panel(db, world, count=59))
    assert other.algorithm == "maximin"


@pytest.mark.parametrize(("drawn", "seed"), [(0, 1), (2**31 - 2, 2**31 - 1)])
def test_a_seed_picked_by_the_app_is_from_1_to_2_31_minus_1(
    db: Session, world: World, monkeypatch: pytest.MonkeyPatch, drawn: int, seed: int
) -> None:
    asked: list[int] = []

    def randbelow(limit: int) -> int:
        asked.append(limit)
        return drawn

    monkeypatch.setattr(service, "secrets", SimpleNamespace(randbelow=randbelow))
    panel = announce(db, ready_panel(db, world), seed=None)
    assert asked == [2**31 - 1] and panel.seed == seed


def test_a_seed_picked_by_the_app_changes_from_panel_to_panel(db: Session, world: World) -> None:
    seeds = {announce(db, ready_panel(db, world, count=10), seed=None).seed for _ in range(3)}
    assert len(seeds) == 3
    assert all(seed is not None and 1 <= seed <= 2**31 - 1 for seed in seeds)


def test_an_announcement_from_a_stale_page_is_refused(db: Session, world: World) -> None:
    panel = ready_panel(db, world)
    with pytest.raises(StaleEdit):
        service.announce(db, panel, seed=7, seen_version=panel.version - 1, by=None, now=NOW)
    assert panel.status == PanelStatus.open and panel.seed is None


def test_once_announced_nothing_that_decides_the_draw_changes(db: Session, world: World) -> None:
    panel = announce(db, ready_panel(db, world))
    first = volunteers(db, panel)[0]
    attempts = [
        lambda: service.set_quotas(db, panel, "age ; jeune ; 0 ; 10", by=None),
        lambda: service.add_volunteers(
            db, panel, [NewVolunteer("Léa")], source=Source.imported, by=None
        ),
        lambda: service.set_features(db, panel, first, {"age": "vieux", "genre": "h"}, by=None),
        lambda: service.remove_volunteer(db, panel, first, by=None),
        lambda: announce(db, panel, seed=99),
        lambda: service.update_panel(
            db, panel, PanelDetails(title="Autre", size=12), seen_version=panel.version, by=None
        ),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict) as refused:
            attempt()
        assert FROZEN in str(refused.value)
    db.flush()
    db.expire_all()
    again = db.get_one(Panel, panel.id)
    assert (again.seed, again.size, again.status) == (42, 10, PanelStatus.announced)
    assert len(volunteers(db, panel)) == 60 and len(stored_quotas(db, panel)) == 5
    assert volunteers(db, panel)[0].features == features(1)
    assert actions(db, panel)[-1] == "announce"


# -- the draw and the replacements asked of the worker --------------------------------------


def test_the_draw_is_queued_only_after_the_announcement(db: Session, world: World) -> None:
    panel = ready_panel(db, world)
    with pytest.raises(Conflict) as refused:
        service.queue_draw(db, panel, by=None)
    assert "Annoncez d'abord la graine" in str(refused.value)
    assert runs(db, panel) == []

    announce(db, panel, seed=77)
    run = service.queue_draw(db, panel, by=world.users["facilitator"])
    assert (run.kind, run.state, run.seed, run.algorithm) == (
        RunKind.draw,
        RunState.queued,
        77,
        "maximin",
    )
    assert run.created_by_id == world.users["facilitator"].id
    assert actions(db, panel)[-1] == "queue_draw"


@pytest.mark.parametrize("state", [RunState.queued, RunState.running])
def test_never_two_runs_pending_for_a_panel(db: Session, world: World, state: RunState) -> None:
    panel = announce(db, ready_panel(db, world))
    run = service.queue_draw(db, panel, by=None)
    run.state = state
    db.flush()
    with pytest.raises(Conflict) as refused:
        service.queue_draw(db, panel, by=None)
    assert "Un tirage est déjà en cours pour ce panel" in str(refused.value)
    assert len(runs(db, panel)) == 1


def test_a_failed_draw_may_be_queued_again_with_the_same_seed(db: Session, world: World) -> None:
    panel = announce(db, ready_panel(db, world), seed=5)
    service.queue_draw(db, panel, by=None).state = RunState.failed
    db.flush()
    again = service.queue_draw(db, panel, by=None)
    assert again.seed == 5 and [r.state for r in runs(db, panel)] == [
        RunState.failed,
        RunState.queued,
    ]


def test_a_selected_member_who_declines_gets_a_replacement_run(db: Session, world: World) -> None:
    panel = announce(db, ready_panel(db, world), seed=1000)
    service.queue_draw(db, panel, by=None)
    people = as_drawn(db, panel)

    run = service.decline(db, panel, people[3], by=world.users["facilitator"])
    assert (run.kind, run.state, run.seed) == (RunKind.replacement, RunState.queued, 1002)
    assert run.replaced_id == people[3].id and run.algorithm == panel.algorithm
    assert people[3].status == VolunteerStatus.declined
    last = events(db, panel)[-1]
    assert last.action == "decline" and last.after == {"volunteer": "V0004", "run": run.id}

    # a second decline waits for the first replacement
    with pytest.raises(Conflict):
        service.decline(db, panel, people[4], by=None)
    db.expire_all()
    assert db.get_one(Volunteer, people[4].id).status == VolunteerStatus.selected

    run.state = RunState.done
    db.flush()
    second = service.decline(db, panel, people[4], by=None)
    assert second.seed == 1003  # the announced seed + 2 + the replacements before


def test_only_a_selected_member_of_a_drawn_panel_may_decline(db: Session, world: World) -> None:
    panel = announce(db, ready_panel(db, world))
    service.queue_draw(db, panel, by=None)
    first = volunteers(db, panel)[0]
    with pytest.raises(Conflict) as refused:  # not drawn yet
        service.decline(db, panel, first, by=None)
    assert str(refused.value) == "Seul un membre tiré au sort peut se désister."

    people = as_drawn(db, panel)
    for volunteer in (people[10], people[20]):  # on the reserve list, in the pool
        with pytest.raises(Conflict):
            service.decline(db, panel, volunteer, by=None)
    service.decline(db, panel, people[0], by=None)
    runs(db, panel)[-1].state = RunState.done
    db.flush()
    with pytest.raises(Conflict):  # declined already
        service.decline(db, panel, people[0], by=None)

    stranger = fill_pool(db, new_panel(db, world), 1)[0]
    with pytest.raises(ValidationError) as not_here:
        service.decline(db, panel, stranger, by=None)
    assert str(not_here.value) == "Cette personne n'est pas dans ce vivier."
    assert [r.kind for r in runs(db, panel)] == [RunKind.draw, RunKind.replacement]


def test_only_a_panel_whose_draw_failed_reopens(db: Session, world: World) -> None:
    panel = ready_panel(db, world)
    message = "Seul un panel dont le tirage a échoué se rouvre."
    with pytest.raises(Conflict) as refused:  # open
        service.reopen(db, panel, by=None)
    assert str(refused.value) == message
    announce(db, panel, seed=31)
    with pytest.raises(Conflict):  # announced, no run yet
        service.reopen(db, panel, by=None)
    run = service.queue_draw(db, panel, by=None)
    for state in (RunState.queued, RunState.running):
        run.state = state
        db.flush()
        with pytest.raises(Conflict):
            service.reopen(db, panel, by=None)
    assert panel.status == PanelStatus.announced and panel.seed == 31

    run.state = RunState.failed
    db.flush()
    service.reopen(db, panel, by=world.users["facilitator"])
    db.flush()
    assert panel.status == PanelStatus.open
    assert (panel.seed, panel.seed_announced_at) == (None, None)
    last = events(db, panel)[-1]
    assert last.action == "reopen" and last.after == {"seed": 31}
    # the pool is open again, and the next draw needs a new announcement
    service.set_quotas(db, panel, QUOTAS.replace("genre ; f ; 5 ; 5", "genre ; f ; 4 ; 6"), by=None)
    with pytest.raises(Conflict):
        service.queue_draw(db, panel, by=None)
    assert announce(db, panel, seed=32).seed == 32


def test_a_drawn_panel_whose_replacement_failed_does_not_reopen(db: Session, world: World) -> None:
    panel = announce(db, ready_panel(db, world))
    service.queue_draw(db, panel, by=None)
    people = as_drawn(db, panel)
    service.decline(db, panel, people[0], by=None).state = RunState.failed
    db.flush()
    with pytest.raises(Conflict):
        service.reopen(db, panel, by=None)
    assert panel.status == PanelStatus.drawn and panel.seed == 42


# -- sign-ups who agreed to be drawn --------------------------------------------------------


def _sign_up(
    app: Flask,
    db: Session,
    world: World,
    first_name: str,
    *,
    email: str | None = None,
    phone: str | None = None,
    drawn: bool = True,
    other: bool = False,
) -> None:
    with app.test_request_context():
        sign_up(
            db,
            world.other_coalition if other else world.coalition,
            first_name=first_name,
            email=email,
            phone=phone,
            consent=True,
            language="fr",
            today=NOW.date(),
            may_be_drawn=drawn,
        )


def _pool(db: Session, panel: Panel) -> list[tuple[str, str, str | None, str | None, Source]]:
    db.expire_all()
    return [(v.code, v.first_name, v.email, v.phone, v.source) for v in volunteers(db, panel)]


def test_only_sign_ups_who_agreed_to_be_drawn_join_the_pool_and_only_once(
    app: Flask, db: Session, world: World
) -> None:
    panel = new_panel(db, world)
    _sign_up(app, db, world, "Zoé", phone="06 12 34 56 78")
    _sign_up(app, db, world, "Marc", email="marc@example.org", drawn=False)
    _sign_up(app, db, world, "Léa", email="lea@example.org")
    _sign_up(app, db, world, "Inès", email="ines@example.org", other=True)

    added = service.add_signups(db, panel, by=world.users["facilitator"])
    assert [v.first_name for v in added] == ["Léa", "Zoé"]
    assert _pool(db, panel) == [
        ("V0001", "Léa", "lea@example.org", None, Source.signup),
        ("V0002", "Zoé", None, "+33612345678", Source.signup),
    ]
    assert volunteers(db, panel)[0].features == {}  # their values are for the facilitator

    with pytest.raises(ValidationError) as refused:
        service.add_signups(db, panel, by=None)
    assert str(refused.value) == (
        "Aucune nouvelle personne inscrite n'a accepté d'être tirée au sort."
    )
    assert len(_pool(db, panel)) == 2

    _sign_up(app, db, world, "Nina", email="nina@example.org")
    assert [v.code for v in service.add_signups(db, panel, by=None)] == ["V0003"]
    assert [row[1] for row in _pool(db, panel)] == ["Léa", "Zoé", "Nina"]


def test_a_sign_up_whose_mail_is_in_the_pool_already_is_not_added(
    app: Flask, db: Session, world: World
) -> None:
    panel = new_panel(db, world)
    service.add_volunteers(
        db,
        panel,
        [NewVolunteer("Léa", "Martin", email="lea@example.org")],
        source=Source.imported,
        by=None,
    )
    _sign_up(app, db, world, "Léa", email="lea@example.org")
    _sign_up(app, db, world, "Marc", email="marc@example.org")
    assert [v.first_name for v in service.add_signups(db, panel, by=None)] == ["Marc"]
    assert [(row[1], row[4]) for row in _pool(db, panel)] == [
        ("Léa", Source.imported),
        ("Marc", Source.signup),
    ]


def test_sign_ups_cannot_join_an_announced_pool(app: Flask, db: Session, world: World) -> None:
    panel = announce(db, ready_panel(db, world))
    _sign_up(app, db, world, "Léa", email="lea@example.org")
    with pytest.raises(Conflict):
        service.add_signups(db, panel, by=None)
    assert len(volunteers(db, panel)) == 60
