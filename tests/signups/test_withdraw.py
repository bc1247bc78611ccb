"""Every message to the people signed up carries its own withdrawal link: through a real SMTP
server, each person's link (or their mail client's one-click) deletes their sign-up only, with
the messages written to it; a forged link or one used twice says so and changes nothing."""

from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.signups.service import paris_today, withdrawal_token
from tests.auth.outbox import mails_to
from tests.conftest import World, post_form
from tests.mail.smtp_server import SmtpServer
from tests.signups.conftest import S, add_signup, page, stored


def _write(app: Flask, world: World) -> None:
    """The facilitator writes, in a browser of their own."""
    facilitator = app.test_client()
    world.log_in(facilitator, "facilitator")
    data = {"subject": "Prochain atelier", "body": "Le 3 avril, à la médiathèque."}
    assert post_form(facilitator, f"{S}/signups/write", data).status_code == 303


def test_each_mail_carries_its_own_link_which_deletes_that_sign_up_only(
    app: Flask, client: FlaskClient, db: Session, world: World, smtp_server: SmtpServer
) -> None:
    today = paris_today()
    for name in ("lea", "marc", "zoe"):
        add_signup(app, db, world.coalition, name.title(), f"{name}@example.org", today=today)
    db.commit()
    _write(app, world)
    report = smtp_server.deliver(app)
    assert len(smtp_server.messages) == 3, report
    links = {
        name: smtp_server.link(f"{name}@example.org", "/signups/withdraw/")
        for name in ("lea", "marc", "zoe")
    }
    assert len(set(links.values())) == 3  # one link each
    mail = smtp_server.last_to("lea@example.org")
    assert "Bonjour Lea," in smtp_server.text(mail)
    assert "Le 3 avril, à la médiathèque." in smtp_server.text(mail)
    assert links["lea"] in smtp_server.html(mail)
    assert str(mail["List-Unsubscribe"]) == f"<{links['lea']}>"
    assert str(mail["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"

    path = urlsplit(links["lea"]).path
    confirm = page(client.get(path))
    assert (
        "Lea" in confirm and "lea@example.org" in confirm and "Effacer mon inscription" in confirm
    )
    assert [row[0] for row in stored(db)] == ["Lea", "Marc", "Zoe"]  # a GET deletes nothing
    done = client.post(path, data={})  # the page's button, no CSRF token needed
    assert done.status_code == 200 and "C'est fait : votre inscription est effacée." in page(done)
    assert [row[0] for row in stored(db)] == ["Marc", "Zoe"]
    assert mails_to(db, "lea@example.org") == []  # its messages are gone from the outbox
    assert len(mails_to(db, "marc@example.org")) == 1

    one_click = urlsplit(
        str(smtp_server.last_to("zoe@example.org")["List-Unsubscribe"]).strip("<>")
    )
    fresh = app.test_client()  # the mail client: no cookie, no page
    response = fresh.post(one_click.path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert [row[0] for row in stored(db)] == ["Marc"]

    again = client.post(path, data={})
    assert again.status_code == 410 and "Cette inscription n'existe plus" in page(again)
    assert client.get(path).status_code == 410
    assert [row[0] for row in stored(db)] == ["Marc"]


def test_a_forged_withdrawal_link_changes_nothing(
    app: Flask, client: FlaskClient, db: Session, world: World
) -> None:
    signup = add_signup(app, db, world.coalition)
    with app.app_context():
        token = withdrawal_token(signup)
    for forged in (token[:-3] + "abc", signup.id, "x" * 300):
        for response in (
            client.get(f"/signups/withdraw/{forged}"),
            client.post(f"/signups/withdraw/{forged}", data={}),
        ):
            assert response.status_code == 404
            assert "Ce lien n'est pas valable" in page(response)
    assert stored(db) == [("Léa", "lea@example.org", None)]


def test_the_withdrawal_page_is_not_kept_nor_sends_its_address_on(
    app: Flask, client: FlaskClient, db: Session, world: World
) -> None:
    signup = add_signup(app, db, world.coalition)
    with app.app_context():
        token = withdrawal_token(signup)
    response = client.get(f"/signups/withdraw/{token}")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
