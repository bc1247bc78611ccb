"""The sign-up pages, the privacy page and the message to the people signed up are valid HTML
for the Nu checker (vnu.jar, installed by `.ci/run`; skipped where it is missing)."""

import subprocess
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.consultations.models import Consultation
from coalition.mail.models import OutboxMessage
from coalition.signups.service import paris_today, withdrawal_token
from tests.conftest import World, post_form
from tests.consultations.conftest import Questions, answer_form, valid_answers
from tests.core.test_html_valid import VNU, needs_vnu
from tests.signups.conftest import LEA, S, add_signup, page, signup_form


@needs_vnu
def test_signup_pages_and_mail_are_valid_html(
    app: Flask,
    client: FlaskClient,
    db: Session,
    world: World,
    consultation: Consultation,
    secret: str,
    tmp_path: Path,
) -> None:
    pages: dict[str, str] = {}
    public = app.test_client()
    pages["signup"] = page(public.get(f"{S}/signup"))
    bad = {**signup_form(public, f"{S}/signup"), **LEA, "email": "lea@", "consent": ""}
    pages["signup_errors"] = page(public.post(f"{S}/signup", data=bad))
    pages["signup_thanks"] = page(public.get(f"{S}/signup/thanks"))
    pages["thanks"] = page(public.get(f"{S}/consultations/{consultation.id}/thanks"))
    kiosk = f"/stall/{secret}"
    data = {**answer_form(public, kiosk), **valid_answers(Questions.of(consultation))}
    public.post(kiosk, data=data)
    pages["kiosk_after_answer"] = page(public.get(kiosk))
    pages["kiosk_signup"] = page(public.get(f"{kiosk}/signup"))
    bad = {**signup_form(public, f"{kiosk}/signup"), **LEA, "phone": "12", "email": ""}
    pages["kiosk_signup_errors"] = page(public.post(f"{kiosk}/signup", data=bad))
    pages["kiosk_signup_gone"] = page(public.get("/stall/not-a-link/signup"))
    pages["privacy"] = page(public.get("/privacy"))

    signup = add_signup(app, db, world.coalition, phone="0612345678", today=paris_today())
    with app.app_context():
        token = withdrawal_token(signup)
    pages["withdraw"] = page(public.get(f"/signups/withdraw/{token}"))
    pages["withdraw_invalid"] = page(public.get("/signups/withdraw/forged"))

    world.log_in(client, "facilitator")
    pages["listing"] = page(client.get(f"{S}/signups"))
    pages["write"] = page(client.get(f"{S}/signups/write"))
    pages["write_errors"] = page(post_form(client, f"{S}/signups/write", {"subject": ""}))
    pages["framing"] = page(client.get(f"{S}/framing"))
    body = "Le 3 avril.\n\nÀ la médiathèque, 14 h < 16 h & café."
    post_form(client, f"{S}/signups/write", {"subject": "Atelier", "body": body})
    mail = db.scalars(select(OutboxMessage)).one()
    pages["mail"] = mail.html_body
    pages["withdraw_done"] = page(public.post(f"/signups/withdraw/{token}", data={}))
    pages["withdraw_gone"] = page(public.get(f"/signups/withdraw/{token}"))
    pages["write_nobody"] = page(client.get(f"{S}/signups/write"))
    pages["listing_empty"] = page(client.get(f"{S}/signups"))

    for name, html in pages.items():
        assert "<html" in html, name
        (tmp_path / f"{name}.html").write_text(html)
    result = subprocess.run(  # noqa: S603 - our own files, a fixed command
        ["java", "-jar", str(VNU), "--errors-only", *sorted(map(str, tmp_path.glob("*.html")))],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
