"""A stall runs on its own link: anyone holding it answers for that stall only, with no account
logged in; facilitators of the coalition revoke or renew it; nobody records anything without
it, through a revoked link, or into another stall or consultation."""

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.consultations.models import (
    Consultation,
    ConsultationStatus,
    Source,
    Stall,
    Submission,
)
from coalition.consultations.service_answering import new_form_token
from coalition.consultations.service_stall import new_link
from coalition.core.audit import AuditEvent
from coalition.core.tokens import token_hash
from coalition.db import utcnow
from tests.conftest import ROLES, World, check_access, post_form
from tests.consultations.conftest import (
    Questions,
    answer_form,
    choice_id,
    counts,
    make_consultation,
    valid_answers,
)
from tests.core.test_html_valid import needs_vnu

C = "/c/ma-coalition/consultations"
K = C + "/{consultation}"
LINK_MANAGERS = [302, 403, 403, 303, 403, 303]
ANSWER = {"form_token": "{form_token}", "q{concerned}": "{yes}"}
GONE = "Ce lien ne fonctionne plus"

ROUTES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("POST", K + "/stalls/{stall}/revoke", {}, LINK_MANAGERS),
    ("POST", K + "/stalls/{stall}/renew", {}, LINK_MANAGERS),
    ("POST", K + "/stalls/{stall}/open", {"link": "{secret}"}, LINK_MANAGERS),
    ("GET", "/stall/{secret}", None, [200] * 6),
    ("POST", "/stall/{secret}", ANSWER, [303] * 6),
    ("GET", "/stall/{revoked}", None, [410] * 6),
    ("POST", "/stall/{revoked}", ANSWER, [410] * 6),
    ("GET", "/stall/not-a-stall-link", None, [404] * 6),
    ("POST", "/stall/not-a-stall-link", ANSWER, [404] * 6),
]
RULES = {
    url.replace("/c/ma-coalition", "/c/<slug>")
    .replace("{consultation}", "<int:consultation_id>")
    .replace("{stall}", "<int:stall_id>")
    .replace("{secret}", "<secret>")
    for _, url, _, _ in ROUTES
    if "{revoked}" not in url and "not-a-stall-link" not in url
}


def make_stall(db: Session, consultation: Consultation, place: str = "Marché de Dié") -> Stall:
    stall = Stall(consultation_id=consultation.id, place=place, held_on=date(2025, 7, 5))
    db.add(stall)
    db.flush()
    return stall


def with_link(db: Session, stall: Stall) -> str:
    secret = new_link(stall, utcnow())
    db.flush()
    return secret


def page(response: Any) -> str:
    return str(response.get_data(as_text=True)).replace("&#39;", "'")


def stalls_url(consultation: Consultation) -> str:
    return f"{C}/{consultation.id}/stalls"


def audit_actions(db: Session, stall: Stall) -> list[str]:
    events = select(AuditEvent.action).where(
        AuditEvent.entity == "consultation_stall", AuditEvent.entity_id == stall.id
    )
    return list(db.scalars(events.order_by(AuditEvent.id)))


def submissions(db: Session) -> list[tuple[int, int | None, Source]]:
    rows = db.execute(
        select(Submission.consultation_id, Submission.stall_id, Submission.source).order_by(
            Submission.id
        )
    )
    return [(row[0], row[1], row[2]) for row in rows]


@pytest.fixture
def places(db: Session, world: World, app: Any, consultation: Consultation) -> dict[str, Any]:
    stall = make_stall(db, consultation)
    revoked = make_stall(db, consultation, "Marché de Bletterans")
    revoked_secret = with_link(db, revoked)
    revoked.link_revoked_at = utcnow()
    db.flush()
    q = Questions.of(consultation)
    return {
        "consultation": consultation.id,
        "stall": stall.id,
        "secret": with_link(db, stall),
        "revoked": revoked_secret,
        "concerned": q.concerned.id,
        "yes": choice_id(q.concerned, "Oui"),
        "form_token": new_form_token(app.config["SECRET_KEY"], consultation),
    }


@pytest.mark.parametrize(("method", "url", "data", "expected"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_stall_link_route_access_per_role(
    client: FlaskClient,
    world: World,
    places: dict[str, Any],
    role: str,
    method: str,
    url: str,
    data: dict[str, str] | None,
    expected: list[int],
) -> None:
    world.log_in(client, role)
    check_access(client, method, url, data, role, expected, places=places)


def test_a_new_stall_shows_its_link_once_and_keeps_only_its_hash(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    world.log_in(client, "facilitator")
    data = {"place": "Marché de Plouézec", "held_on": "2025-08-02"}
    response = post_form(client, stalls_url(consultation), data)
    assert response.status_code == 302
    stall = db.scalars(select(Stall)).one()
    shown = page(client.get(stalls_url(consultation)))
    [secret] = re.findall(r"/stall/([A-Za-z0-9_-]{40,})", shown)
    assert token_hash(secret) == stall.link_hash and secret not in (stall.link_hash or "")
    assert "Ouvrir le kiosque" in shown and "affichés qu'une fois" in shown
    assert secret not in page(client.get(stalls_url(consultation)))  # once only
    assert "Actif depuis le" in page(client.get(stalls_url(consultation)))
    assert audit_actions(db, stall) == ["create"]
    assert client.get(f"/stall/{secret}").status_code == 200


def test_opening_the_kiosk_logs_the_facilitator_out_of_this_browser(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    stall = make_stall(db, consultation)
    secret = with_link(db, stall)
    world.log_in(client, "facilitator")
    open_url = f"{stalls_url(consultation)}/{stall.id}/open"
    response = post_form(client, open_url, {"link": secret}, form_url=stalls_url(consultation))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/stall/{secret}")
    kiosk = client.get(f"/stall/{secret}")
    assert kiosk.status_code == 200 and "Concerné ?" in page(kiosk)
    leaving = client.get(stalls_url(consultation))  # leaving the kiosk needs a login again
    assert leaving.status_code == 302 and leaving.headers["Location"].startswith("/login")


@pytest.mark.parametrize("link", ["", "forged", "other stall"])
def test_opening_the_kiosk_needs_the_link_of_that_stall(
    client: FlaskClient, db: Session, world: World, consultation: Consultation, link: str
) -> None:
    stall = make_stall(db, consultation)
    with_link(db, stall)
    other = with_link(db, make_stall(db, consultation, "Marché de Bletterans"))
    world.log_in(client, "facilitator")
    sent = {"": "", "forged": "x" * 43, "other stall": other}[link]
    open_url = f"{stalls_url(consultation)}/{stall.id}/open"
    response = post_form(client, open_url, {"link": sent}, form_url=stalls_url(consultation))
    assert response.status_code == 400
    assert "Ce lien n'est pas celui de ce stand" in page(response)
    assert client.get(stalls_url(consultation)).status_code == 200  # still logged in


def test_a_revoked_link_records_nothing_and_a_renewed_one_replaces_it(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    q = Questions.of(consultation)
    stall = make_stall(db, consultation)
    secret = with_link(db, stall)
    kiosk = f"/stall/{secret}"
    tablet = client.application.test_client()
    form = {**answer_form(tablet, kiosk), **valid_answers(q)}  # a tablet's form, left open
    world.log_in(client, "facilitator")
    revoke = f"{stalls_url(consultation)}/{stall.id}/revoke"
    response = post_form(client, revoke, {}, form_url=stalls_url(consultation))
    assert response.status_code == 303
    assert "révoqué" in page(client.get(stalls_url(consultation)))
    gone = tablet.post(kiosk, data=form)
    assert gone.status_code == 410 and GONE in page(gone)
    assert counts(db) == (0, 0)
    again = post_form(client, revoke, {}, form_url=stalls_url(consultation))
    assert again.status_code == 409 and "ne fonctionne déjà plus" in page(again)
    renew = f"{stalls_url(consultation)}/{stall.id}/renew"
    assert post_form(client, renew, {}, form_url=stalls_url(consultation)).status_code == 303
    [fresh] = re.findall(r"/stall/([A-Za-z0-9_-]{40,})", page(client.get(stalls_url(consultation))))
    assert client.get(kiosk).status_code == 404 and fresh != secret
    assert client.get(f"/stall/{fresh}").status_code == 200
    assert audit_actions(db, stall) == ["revoke_link", "renew_link"]


def test_link_buttons_without_their_csrf_token_change_nothing(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    stall = make_stall(db, consultation)
    secret = with_link(db, stall)
    world.log_in(client, "facilitator")
    for action in ("revoke", "renew", "open"):
        response = client.post(
            f"{stalls_url(consultation)}/{stall.id}/{action}", data={"link": secret}
        )
        assert response.status_code == 400, action
        assert "Le formulaire a expiré" in page(response)
    assert stall.link_hash == token_hash(secret) and stall.link_revoked_at is None
    assert audit_actions(db, stall) == []
    assert client.get(stalls_url(consultation)).status_code == 200


def test_a_link_records_into_its_own_stall_and_consultation_only(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    other_consultation = make_consultation(db, world.coalition)
    stall_a = make_stall(db, consultation)
    stall_b = make_stall(db, consultation, "Marché de Bletterans")
    stall_c = make_stall(db, other_consultation, "Marché de Plouézec")
    link_a, link_b, link_c = (with_link(db, s) for s in (stall_a, stall_b, stall_c))
    q = Questions.of(consultation)
    response = client.post(
        f"/stall/{link_a}", data={**answer_form(client, f"/stall/{link_a}"), **valid_answers(q)}
    )
    assert response.status_code == 303
    assert submissions(db) == [(consultation.id, stall_a.id, Source.stall)]
    # a form of another consultation's stall, sent through stall A's link: refused
    foreign = {
        **answer_form(client, f"/stall/{link_c}"),
        **valid_answers(Questions.of(other_consultation)),
    }
    assert client.post(f"/stall/{link_a}", data=foreign).status_code == 400
    assert submissions(db) == [(consultation.id, stall_a.id, Source.stall)]
    # a form of stall B's page counts at stall B, whatever page it came from
    response = client.post(
        f"/stall/{link_b}", data={**answer_form(client, f"/stall/{link_a}"), **valid_answers(q)}
    )
    assert response.status_code == 303
    assert submissions(db)[-1] == (consultation.id, stall_b.id, Source.stall)
    kiosk_b = page(client.get(f"/stall/{link_b}"))
    assert "1 réponse sur ce stand" in kiosk_b and "Marché de Bletterans" in kiosk_b


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (ConsultationStatus.closed, "Cette consultation est close"),
        (ConsultationStatus.draft, "pas encore ouverte"),
    ],
)
def test_a_closed_consultation_says_so_and_records_nothing(
    client: FlaskClient,
    db: Session,
    consultation: Consultation,
    status: ConsultationStatus,
    message: str,
) -> None:
    stall = make_stall(db, consultation)
    kiosk = f"/stall/{with_link(db, stall)}"
    form = {**answer_form(client, kiosk), **valid_answers(Questions.of(consultation))}
    consultation.status = status
    db.flush()
    shown = client.get(kiosk)
    assert shown.status_code == 200 and message in page(shown)
    assert 'name="form_token"' not in page(shown)
    response = client.post(kiosk, data=form)
    assert response.status_code == 409 and message in page(response)
    assert counts(db) == (0, 0)


def test_bad_answers_at_the_kiosk_are_explained_and_record_nothing(
    client: FlaskClient, db: Session, consultation: Consultation
) -> None:
    q = Questions.of(consultation)
    kiosk = f"/stall/{with_link(db, make_stall(db, consultation))}"
    data = {**answer_form(client, kiosk), **valid_answers(q), f"q{q.concerned.id}": ""}
    response = client.post(kiosk, data=data)
    assert response.status_code == 400 and "Cette question demande une réponse." in page(response)
    assert counts(db) == (0, 0)


@pytest.mark.parametrize("which", ["working", "revoked", "unknown"])
def test_the_kiosk_links_to_no_other_page_of_the_site(
    client: FlaskClient, db: Session, world: World, consultation: Consultation, which: str
) -> None:
    stall = make_stall(db, consultation)
    secret = with_link(db, stall)
    if which == "revoked":
        stall.link_revoked_at = utcnow()
        db.flush()
    world.log_in(client, "facilitator")  # even opened in a facilitator's browser
    html = page(client.get(f"/stall/{secret if which != 'unknown' else 'x' * 43}"))
    assert re.findall(r"<a\b", html) == []
    assert re.findall(r"<form\b[^>]*action=", html) == []  # the form posts to the kiosk itself
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert all(href.startswith("/static/") for href in hrefs), hrefs
    assert "Se déconnecter" not in html and "Se connecter" not in html
    if which != "working":
        assert GONE in html


def test_the_kiosk_has_its_own_rate_limit_apart_from_the_public_form(
    client: FlaskClient, db: Session, consultation: Consultation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many passers-by answer on one tablet: they are counted per stall link, not against the
    address's limit of the public form, and a stall link past its own limit records nothing."""
    config = client.application.config
    monkeypatch.setitem(config, "STALL_ANSWER_LIMIT", 3)
    monkeypatch.setitem(config, "CONSULTATION_ANSWER_LIMIT", 1)
    q = Questions.of(consultation)
    kiosk = f"/stall/{with_link(db, make_stall(db, consultation))}"
    statuses = []
    for _ in range(4):
        data = {**answer_form(client, kiosk), **valid_answers(q)}
        statuses.append(client.post(kiosk, data=data).status_code)
    assert statuses == [303, 303, 303, 429]
    assert counts(db)[0] == 3
    other = f"/stall/{with_link(db, make_stall(db, consultation, 'Marché de Bletterans'))}"
    data = {**answer_form(client, other), **valid_answers(q)}
    assert client.post(other, data=data).status_code == 303  # another stall is not held back
    public = f"{C}/{consultation.id}"
    data = {**answer_form(client, public), **valid_answers(q)}
    assert client.post(public, data=data).status_code == 303  # nor the public form


def test_a_kiosk_page_whose_session_was_lost_stays_in_the_kiosk(
    client: FlaskClient, db: Session, consultation: Consultation
) -> None:
    kiosk = f"/stall/{with_link(db, make_stall(db, consultation))}"
    data = {**answer_form(client, kiosk), **valid_answers(Questions.of(consultation))}
    response = client.application.test_client().post(kiosk, data=data)  # no session cookie
    assert response.status_code == 400 and "La page a expiré" in page(response)
    assert re.findall(r"<a\b", page(response)) == [] and counts(db) == (0, 0)


@needs_vnu
def test_stall_pages_are_valid_html(
    client: FlaskClient, db: Session, world: World, consultation: Consultation, tmp_path: Path
) -> None:
    import subprocess

    from tests.core.test_html_valid import VNU

    world.log_in(client, "facilitator")
    post_form(client, stalls_url(consultation), {"place": "Marché de Dié", "held_on": "2025-07-05"})
    stalls = page(client.get(stalls_url(consultation)))
    [secret] = re.findall(r"/stall/([A-Za-z0-9_-]{40,})", stalls)
    kiosk = f"/stall/{secret}"
    post_form(
        client,
        f"{stalls_url(consultation)}/{db.scalars(select(Stall.id)).one()}/revoke",
        {},
        form_url=stalls_url(consultation),
    )
    public = client.application.test_client()
    pages = {"stalls": stalls, "stalls_revoked": page(client.get(stalls_url(consultation)))}
    stall = db.scalars(select(Stall)).one()
    stall.link_revoked_at = None
    db.flush()
    pages["kiosk"] = page(public.get(kiosk))
    pages["gone"] = page(public.get("/stall/" + "x" * 43))
    consultation.status = ConsultationStatus.closed
    db.flush()
    pages["closed"] = page(public.get(kiosk))
    for name, html in pages.items():
        (tmp_path / f"{name}.html").write_text(html)
    result = subprocess.run(  # noqa: S603 - our own files, a fixed command
        ["java", "-jar", str(VNU), "--errors-only", *sorted(map(str, tmp_path.glob("*.html")))],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
