"""A facilitator builds a panel in the browser, announces its seed and draws it; the public
reads the record of the draw and never a name."""

from html import unescape

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.db import utcnow
from coalition.mail.models import OutboxMessage
from coalition.panels.jobs import run_due_draws
from coalition.panels.models import (
    Panel,
    PanelQuota,
    PanelRun,
    PanelStatus,
    RunState,
    Volunteer,
    VolunteerStatus,
)
from tests.conftest import post_form
from tests.panels.conftest import QUOTAS, PanelSetting

C = "/c/ma-coalition/panels"


def _url(panels: PanelSetting, tail: str = "") -> str:
    return f"{C}/{panels.panel.id}{tail}"


def _count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_a_facilitator_creates_a_panel_and_writes_its_quotas(
    client: FlaskClient, panels: PanelSetting, db: Session
) -> None:
    panels.world.log_in(client, "facilitator")
    data = {"title": "Convention", "size": "40", "reserve_size": "5", "description": ""}
    created = post_form(client, f"{C}/new", data)
    assert created.status_code == 302
    panel = db.scalars(select(Panel).where(Panel.title == "Convention")).one()
    assert created.headers["Location"].endswith(f"/panels/{panel.id}/manage")
    saved = post_form(client, f"{C}/{panel.id}/quotas", {"quotas": "Âge ; 16-29 ans ; 8 ; 12"})
    assert saved.status_code == 302
    page = client.get(f"{C}/{panel.id}/manage").get_data(as_text=True)
    assert "16-29 ans" in page and "Importer des volontaires" in page


def test_bad_panel_details_are_refused_and_change_nothing(
    client: FlaskClient, panels: PanelSetting, db: Session
) -> None:
    panels.world.log_in(client, "facilitator")
    before = _count(db, Panel)
    for data, message in [
        ({"title": "", "size": "4", "reserve_size": "0"}, "Le titre est obligatoire."),
        ({"title": "P", "size": "0", "reserve_size": "0"}, "De 1 à 500 personnes."),
        ({"title": "P", "size": "deux", "reserve_size": "0"}, "N&#39;est pas un entier valide."),
        ({"title": "P", "size": "4", "reserve_size": "9"}, "La liste complémentaire compte"),
    ]:
        response = post_form(client, f"{C}/new", data)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert _count(db, Panel) == before


def test_bad_quotas_say_which_line_and_keep_the_old_ones(
    client: FlaskClient, panels: PanelSetting, db: Session
) -> None:
    panels.world.log_in(client, "facilitator")
    for text, message in [
        ("Âge ; jeune ; 2", "Ligne 1 : écrivez « caractéristique ; valeur ; minimum ; maximum »."),
        ("Âge ; jeune ; 2 ; 3\nÂge ; aîné ; deux ; 3", "Ligne 2 : le minimum et le maximum"),
        ("Âge ; jeune ; 5 ; 3", "Ligne 1 : le minimum dépasse le maximum."),
        (
            "Âge ; jeune ; 1 ; 3\nâge ; JEUNE ; 1 ; 2",
            "Ligne 2 : « âge » = « JEUNE » est déjà écrit",
        ),
        ("Âge ; +65 ; 1 ; 3", "ne commence pas par = + - ou @"),
        ("", "Écrivez au moins une ligne de quota."),
    ]:
        response = post_form(client, _url(panels, "/quotas"), {"quotas": text})
        assert response.status_code == 400, text
        assert message in response.get_data(as_text=True), text
    db.expire_all()
    assert _count(db, PanelQuota) == 8  # both panels' four quotas, untouched


def test_the_whole_draw_from_the_browser(
    app: Flask, client: FlaskClient, panels: PanelSetting, db: Session
) -> None:
    panels.world.log_in(client, "facilitator")
    panel = panels.panel
    announced = post_form(client, _url(panels, "/announce"), {"seed": "4242", "version": "1"})
    assert announced.status_code == 302
    db.expire_all()
    assert (panel.status, panel.seed, panel.algorithm) == (PanelStatus.announced, 4242, "maximin")
    public = client.get(_url(panels)).get_data(as_text=True)
    assert "4242" in public and "maximin" in public

    assert post_form(client, _url(panels, "/draw"), {}).status_code == 302
    under_way = client.get(_url(panels))
    assert under_way.headers["Refresh"] == "5"
    assert "Tirage en cours" in under_way.get_data(as_text=True)
    db.commit()  # the worker reads what the requests committed
    assert run_due_draws(app) == 1

    db.expire_all()
    assert panel.status == PanelStatus.drawn
    statuses = db.scalars(select(Volunteer.status).where(Volunteer.panel_id == panel.id)).all()
    assert statuses.count(VolunteerStatus.selected) == 4
    assert statuses.count(VolunteerStatus.reserve) == 2
    mails = db.scalars(select(OutboxMessage.subject)).all()
    assert len(mails) == 4 and all("tiré·e au sort" in subject for subject in mails)
    client.get("/logout")
    record = client.get(_url(panels))
    html = record.get_data(as_text=True)
    assert "Refresh" not in record.headers
    assert "Tiré au sort le" in html and "Probabilité" in html
    assert "Prénom" not in html and "example.org" not in html  # counts only, never a name


def test_an_announced_seed_and_pool_never_change(
    client: FlaskClient, panels: PanelSetting, db: Session
) -> None:
    panels.world.log_in(client, "facilitator")
    assert (
        post_form(client, _url(panels, "/announce"), {"seed": "77", "version": "1"}).status_code
        == 302
    )
    for tail, data in [
        ("/announce", {"seed": "78", "version": "2"}),
        ("/quotas", {"quotas": QUOTAS.replace("2 ; 3", "1 ; 3")}),
        ("/settings", {"title": "Autre", "size": "5", "reserve_size": "0", "version": "2"}),
    ]:
        response = post_form(client, _url(panels, tail), data)
        assert response.status_code == 400, tail
        assert "La graine est annoncée" in response.get_data(as_text=True)
    db.expire_all()
    assert (panels.panel.seed, panels.panel.size, panels.panel.title) == (77, 4, "Panel citoyen")


def test_a_pool_that_cannot_be_drawn_is_refused_in_plain_french(
    client: FlaskClient, panels: PanelSetting, db: Session
) -> None:
    panels.world.log_in(client, "facilitator")
    person = db.scalars(select(Volunteer).where(Volunteer.panel_id == panels.panel.id)).first()
    assert person is not None
    person.features = {"Âge": "jeune"}  # no gender
    db.flush()
    response = post_form(client, _url(panels, "/announce"), {"seed": "", "version": "1"})
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "1 volontaire n'a pas de valeur pour « Genre »" in html
    db.expire_all()
    assert panels.panel.status == PanelStatus.open and panels.panel.seed is None


def test_a_bad_seed_is_refused(client: FlaskClient, panels: PanelSetting, db: Session) -> None:
    panels.world.log_in(client, "facilitator")
    for seed in ["0", "-3", "douze", "99999999999"]:
        response = post_form(client, _url(panels, "/announce"), {"seed": seed, "version": "1"})
        assert response.status_code == 400, seed
        assert "La graine est un nombre entier de 1 à" in response.get_data(as_text=True)
    db.expire_all()
    assert panels.panel.seed is None


def test_a_decline_draws_a_replacement_that_keeps_the_quotas(
    app: Flask, client: FlaskClient, panels: PanelSetting, db: Session
) -> None:
    panels.world.log_in(client, "facilitator")
    post_form(client, _url(panels, "/announce"), {"seed": "5", "version": "1"})
    post_form(client, _url(panels, "/draw"), {})
    db.commit()
    run_due_draws(app)
    db.expire_all()
    member = db.scalars(
        select(Volunteer)
        .where(Volunteer.panel_id == panels.panel.id, Volunteer.status == VolunteerStatus.selected)
        .order_by(Volunteer.number)
    ).first()
    assert member is not None
    declined = post_form(client, _url(panels, f"/volunteers/{member.id}/decline"), {})
    assert declined.status_code == 302
    db.commit()
    assert run_due_draws(app) == 1
    db.expire_all()
    selected = db.scalars(
        select(Volunteer).where(
            Volunteer.panel_id == panels.panel.id, Volunteer.status == VolunteerStatus.selected
        )
    ).all()
    assert len(selected) == 4 and member not in selected
    newcomer = next(v for v in selected if v.replaces_id == member.id)
    assert newcomer.features == member.features or all(
        sum(1 for v in selected if v.features[name] == value) >= 2
        for name, value in [
            ("Âge", "jeune"),
            ("Âge", "aîné"),
            ("Genre", "femme"),
            ("Genre", "homme"),
        ]
    )
    runs = db.scalars(select(PanelRun).order_by(PanelRun.id)).all()
    assert [run.seed for run in runs] == [5, 7] and runs[-1].state == RunState.done
    html = client.get(_url(panels)).get_data(as_text=True)
    assert "graine 7" in html
    # the same member cannot decline twice
    again = post_form(client, _url(panels, f"/volunteers/{member.id}/decline"), {})
    assert again.status_code == 400
    assert "Seul un membre tiré au sort peut se désister." in again.get_data(as_text=True)


def test_setting_a_volunteers_features(
    client: FlaskClient, panels: PanelSetting, db: Session
) -> None:
    panels.world.log_in(client, "facilitator")
    person = db.scalars(
        select(Volunteer).where(Volunteer.panel_id == panels.panel.id).order_by(Volunteer.number)
    ).first()
    assert person is not None
    url = _url(panels, f"/volunteers/{person.id}")
    assert client.get(url).status_code == 200
    assert post_form(client, url, {"feature-0": "jeune", "feature-1": ""}).status_code == 302
    db.expire_all()
    assert person.features == {"Âge": "jeune"}
    bad = post_form(client, url, {"feature-0": "centenaire", "feature-1": "femme"})
    assert bad.status_code == 400
    assert "« centenaire » n'est pas une valeur de « Âge »" in unescape(bad.get_data(as_text=True))
    db.expire_all()
    assert person.features == {"Âge": "jeune"}


def test_exports(client: FlaskClient, panels: PanelSetting) -> None:
    quotas = client.get(_url(panels, "/quotas.csv")).get_data(as_text=True)
    assert quotas.splitlines()[:2] == ["feature,value,min,max", "Âge,jeune,2,3"]
    composition = client.get(_url(panels, "/record.csv")).get_data(as_text=True)
    assert composition.splitlines()[1] == "Âge,jeune,2,3,6,0"
    panels.world.log_in(client, "facilitator")
    pool = client.get(_url(panels, "/pool.csv"))
    assert pool.headers["Cache-Control"] == "no-store"
    lines = pool.get_data(as_text=True).splitlines()
    assert lines[0] == "id,Âge,Genre,result"
    assert lines[1] == "V0001,aîné,homme," and len(lines) == 13
    assert "example.org" not in pool.get_data(as_text=True)  # pseudonymous


def test_sign_ups_who_agreed_join_the_pool_once(
    app: Flask, client: FlaskClient, panels: PanelSetting, db: Session
) -> None:
    from coalition.signups.service import sign_up

    for name, agrees in [("Ana", True), ("Bob", False)]:
        with app.app_context():
            sign_up(
            db, panels.world.coalition, first_name=name, email=f"{name}@example.org", phone=None,
            consent=True, language="fr", today=utcnow().date(), may_be_drawn=agrees,
        )  # fmt: skip
    panels.world.log_in(client, "facilitator")
    page = client.get(_url(panels, "/manage")).get_data(as_text=True)
    assert "Ajouter 1 personne inscrite aux ateliers qui accepte d'être tirée au sort" in page
    assert post_form(client, _url(panels, "/signups"), {}).status_code == 302
    names = db.scalars(select(Volunteer.first_name).where(Volunteer.panel_id == panels.panel.id))
    assert "Ana" in names.all() and "Bob" not in names.all()
    again = post_form(client, _url(panels, "/signups"), {})
    assert again.status_code == 400
    assert "Aucune nouvelle personne inscrite" in again.get_data(as_text=True)
    assert _count(db, Volunteer) == 12 + 12 + 1


def test_the_volunteers_contacts_are_erased_once_the_panel_is_formed(
    app: Flask, client: FlaskClient, panels: PanelSetting, db: Session
) -> None:
    panels.world.log_in(client, "facilitator")
    too_soon = post_form(client, _url(panels, "/forget"), {"confirm": "y"})
    assert too_soon.status_code == 400
    assert "une fois le panel tiré au sort" in unescape(too_soon.get_data(as_text=True))
    post_form(client, _url(panels, "/announce"), {"seed": "9", "version": "1"})
    post_form(client, _url(panels, "/draw"), {})
    db.commit()
    run_due_draws(app)
    pool_before = client.get(_url(panels, "/pool.csv")).get_data(as_text=True)
    unconfirmed = post_form(client, _url(panels, "/forget"), {})
    assert unconfirmed.status_code == 400
    assert "Cochez la case pour confirmer" in unescape(unconfirmed.get_data(as_text=True))
    db.expire_all()
    assert db.scalars(select(Volunteer.email).where(Volunteer.email.is_not(None))).first()
    assert post_form(client, _url(panels, "/forget"), {"confirm": "y"}).status_code == 302
    db.expire_all()
    people = db.scalars(select(Volunteer).where(Volunteer.panel_id == panels.panel.id)).all()
    assert all(
        (v.first_name, v.last_name, v.email, v.phone) == ("", "", None, None) for v in people
    )
    assert client.get(_url(panels, "/pool.csv")).get_data(as_text=True) == pool_before
