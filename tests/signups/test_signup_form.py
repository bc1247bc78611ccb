"""Signing up as a passer-by: online from the thanks page, or on a stall's tablet right after
the kiosk's "Merci"; every mistake said clearly, with nothing stored; the kiosk's sign-up leads
nowhere but back to the questionnaire and keeps nothing for the next person."""

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.consultations.models import Consultation, Stall
from coalition.db import utcnow
from coalition.signups.models import SignUp
from coalition.signups.service import add_months, paris_today
from tests.conftest import World
from tests.consultations.conftest import Questions, answer_form, valid_answers
from tests.signups.conftest import LEA, S, page, signup_count, signup_form, stored

GONE = "Ce lien ne fonctionne plus"
BAD = [
    (
        {"consent": ""},
        "Cochez la phrase d'accord pour vous inscrire : sans elle, rien n'est gardé.",
    ),
    ({"email": "lea@"}, "Cette adresse e-mail n'est pas valable"),
    ({"email": "", "phone": "06 12"}, "Ce numéro de téléphone n'est pas valable"),
    ({"email": "lea@example.org", "phone": "bonjour"}, "Ce numéro de téléphone n'est pas valable"),
    ({"email": "", "phone": ""}, "Indiquez une adresse e-mail ou un numéro de téléphone"),
    ({"first_name": ""}, "Indiquez votre prénom."),
    ({"first_name": "L" * 101}, "100 caractères au plus, s'il vous plaît."),
    ({"email": "x" * 400 + "@example.org"}, "Cette adresse e-mail n'est pas valable"),
    ({"months": "6"}, "La durée de conservation vient de changer"),
]


def _post(client: FlaskClient, url: str, **changes: str) -> Any:
    return client.post(url, data={**signup_form(client, url), **LEA, **changes})


def test_the_thanks_page_invites_to_sign_up(
    client: FlaskClient, consultation: Consultation
) -> None:
    html = page(client.get(f"{S}/consultations/{consultation.id}/thanks"))
    link = re.search(r'<a href="([^"]+)">Être prévenu·e des prochains ateliers</a>', html)
    assert link and link.group(1) == f"{S}/signup"


def test_a_person_signs_up_online_and_is_told_until_when(
    client: FlaskClient, db: Session, world: World
) -> None:
    form = page(client.get(f"{S}/signup"))
    assert "J'accepte que Ma coalition garde mon prénom" in form and "pendant 12 mois" in form
    assert 'href="/privacy"' in form
    response = _post(client, f"{S}/signup", phone="06 12 34 56 78")
    assert response.status_code == 303
    assert response.headers["Location"] == f"{S}/signup/thanks"
    thanks = page(client.get(response.headers["Location"]))
    deleted_on = add_months(paris_today(), 12)
    assert "C'est noté, merci !" in thanks
    assert "s'effacera d'elle-même le" in thanks and str(deleted_on.year) in thanks
    assert "suivez le lien présent dans chaque message" in thanks
    signup = db.scalars(select(SignUp)).one()
    assert (signup.first_name, signup.email, signup.phone) == (
        "Léa",
        "lea@example.org",
        "+33612345678",
    )
    assert signup.coalition_id == world.coalition.id and signup.language == "fr"
    assert signup.consent.startswith("J'accepte que Ma coalition garde mon prénom")
    assert (signup.signed_up_on, signup.expires_on) == (paris_today(), deleted_on)


def test_a_person_who_chose_english_ticks_the_english_sentence(
    client: FlaskClient, db: Session
) -> None:
    with client.session_transaction() as session:
        session["lang"] = "en"
    assert _post(client, f"{S}/signup").status_code == 303
    signup = db.scalars(select(SignUp)).one()
    assert signup.language == "en"


@pytest.mark.parametrize(("changes", "message"), BAD)
def test_bad_input_online_is_refused_clearly_and_stores_nothing(
    client: FlaskClient, db: Session, changes: dict[str, str], message: str
) -> None:
    response = _post(client, f"{S}/signup", **changes)
    assert response.status_code == 400
    assert message in page(response)
    assert 'role="alert"' in page(response)
    assert signup_count(db) == 0


def test_a_form_without_its_csrf_token_stores_nothing(client: FlaskClient, db: Session) -> None:
    response = client.post(f"{S}/signup", data={**LEA, "months": "12"})
    assert response.status_code == 400
    assert signup_count(db) == 0


def test_a_robot_filling_the_honeypot_stores_nothing(client: FlaskClient, db: Session) -> None:
    response = _post(client, f"{S}/signup", website="https://spam.example")
    assert response.status_code == 400
    assert "Votre inscription n'a pas pu être enregistrée." in page(response)
    assert signup_count(db) == 0


def test_the_online_form_is_limited_per_client(
    client: FlaskClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(client.application.config, "SIGNUP_LIMIT", 2)
    statuses = [
        _post(client, f"{S}/signup", email=f"p{n}@example.org").status_code for n in range(3)
    ]
    assert statuses == [303, 303, 429]
    assert signup_count(db) == 2
    assert "Trop d'inscriptions sont parties de cette connexion" in page(
        _post(client, f"{S}/signup", email="p9@example.org")
    )


def test_an_unknown_coalition_is_not_found(client: FlaskClient) -> None:
    assert client.get("/c/pas-de-coalition/signup").status_code == 404


# --- on a stall's tablet ----------------------------------------------------------------------


def _answer_at_kiosk(client: FlaskClient, consultation: Consultation, secret: str) -> str:
    kiosk = f"/stall/{secret}"
    data = {**answer_form(client, kiosk), **valid_answers(Questions.of(consultation))}
    response = client.post(kiosk, data=data)
    assert response.status_code == 303
    return page(client.get(kiosk))


def test_after_the_kiosks_thanks_a_button_leads_to_the_stalls_sign_up(
    client: FlaskClient, consultation: Consultation, secret: str
) -> None:
    before = page(client.get(f"/stall/{secret}"))
    assert "Être prévenu·e des prochains ateliers" not in before
    after = _answer_at_kiosk(client, consultation, secret)
    assert "Merci ! Réponse n° 1 enregistrée." in after
    hrefs = re.findall(r'<a\b[^>]*href="([^"]+)"', after)
    assert hrefs == [f"/stall/{secret}/signup"]  # the one link, and only after "Merci"
    assert after.index("Merci ! Réponse n° 1") < after.index("Être prévenu·e des prochains")


def test_a_passer_by_signs_up_at_the_stall_and_the_form_is_empty_for_the_next(
    client: FlaskClient, db: Session, consultation: Consultation, secret: str
) -> None:
    _answer_at_kiosk(client, consultation, secret)
    url = f"/stall/{secret}/signup"
    form = client.get(url)
    html = page(form)
    assert form.status_code == 200 and form.headers["Cache-Control"] == "no-store"
    assert re.findall(r'<a\b[^>]*href="([^"]+)"', html) == [f"/stall/{secret}"]
    assert "Se connecter" not in html and 'href="/privacy"' not in html
    assert "http://localhost/privacy" in html  # named, not linked
    for name in ("first_name", "email", "phone"):
        assert re.search(rf'autocomplete="off"[^>]*name="{name}"', html), name
    response = _post(client, url, first_name="Zélie", email="zelie@example.org")
    assert response.status_code == 303 and response.headers["Location"] == f"/stall/{secret}"
    kiosk = page(client.get(f"/stall/{secret}"))
    assert "C'est noté : vous serez prévenu·e des prochains ateliers." in kiosk
    assert "Zélie" not in kiosk  # the next passer-by does not read it
    assert "Être prévenu·e des prochains ateliers</a>" not in kiosk  # no answer just given
    again = page(client.get(url))
    assert "Zélie" not in again and "zelie@example.org" not in again
    assert stored(db) == [("Zélie", "zelie@example.org", None)]


@pytest.mark.parametrize(("changes", "message"), BAD)
def test_bad_input_at_the_stall_stays_in_the_kiosk_and_stores_nothing(
    client: FlaskClient, db: Session, secret: str, changes: dict[str, str], message: str
) -> None:
    response = _post(client, f"/stall/{secret}/signup", **changes)
    html = page(response)
    assert response.status_code == 400 and message in html
    assert set(re.findall(r'<a\b[^>]*href="([^"#]+)"', html)) == {f"/stall/{secret}"}
    assert signup_count(db) == 0


def test_an_expired_kiosk_page_stays_in_the_kiosk(
    client: FlaskClient, db: Session, secret: str
) -> None:
    url = f"/stall/{secret}/signup"
    data = {**signup_form(client, url), **LEA}
    response = client.application.test_client().post(url, data=data)  # no session cookie
    assert response.status_code == 400 and "La page a expiré" in page(response)
    assert "Se connecter" not in page(response)
    assert signup_count(db) == 0


@pytest.mark.parametrize(("which", "status"), [("revoked", 410), ("forged", 404)])
def test_a_revoked_or_forged_stall_link_signs_nobody_up(
    client: FlaskClient, db: Session, stall: Stall, secret: str, which: str, status: int
) -> None:
    url = f"/stall/{secret}/signup"
    data = {**signup_form(client, url), **LEA}
    if which == "revoked":
        stall.link_revoked_at = utcnow()
        db.flush()
    else:
        url = f"/stall/{secret[:-4]}abcd/signup"
    for response in (client.get(url), client.post(url, data=data)):
        assert response.status_code == status
        assert GONE in page(response) and re.findall(r"<a\b", page(response)) == []
    assert signup_count(db) == 0


def test_the_stalls_sign_ups_count_against_its_links_limit(
    client: FlaskClient,
    db: Session,
    consultation: Consultation,
    secret: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(client.application.config, "STALL_ANSWER_LIMIT", 2)
    _answer_at_kiosk(client, consultation, secret)
    url = f"/stall/{secret}/signup"
    assert _post(client, url).status_code == 303
    response = _post(client, url, email="marc@example.org")
    assert response.status_code == 429
    assert "Trop d'envois sont partis de ce stand" in page(response)
    assert stored(db) == [("Léa", "lea@example.org", None)]


def test_a_person_may_agree_to_be_drawn_for_a_panel(
    client: FlaskClient, db: Session, world: World
) -> None:
    form = page(client.get(f"{S}/signup"))
    assert "J'accepte aussi de faire partie du vivier" in form and "(facultatif)" in form
    assert _post(client, f"{S}/signup").status_code == 303
    assert db.scalars(select(SignUp.draw_consent)).one() is None  # not ticked: not in any pool
    response = _post(client, f"{S}/signup", email="noe@example.org", may_be_drawn="y")
    assert response.status_code == 303
    sentence = db.scalars(select(SignUp.draw_consent).where(SignUp.email == "noe@example.org"))
    assert "tire au sort les membres de ses panels citoyens" in (sentence.one() or "")
