"""The pages and mails of the staffing work are valid HTML for the Nu checker (vnu.jar).

`.ci/run` installs the checker (npm's vnu-jar, with Java) in `.tools/`; where it is missing the
test is skipped with the reason."""

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.auth.models import Membership
from coalition.mail.models import OutboxMessage
from tests.conftest import World, csrf_token, post_form

VNU = (
    Path(__file__).parents[2] / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)
C = "/c/ma-coalition"


def _last_mail(db: Session) -> OutboxMessage:
    return db.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()


def _path_of_link(mail: OutboxMessage, path: str) -> str:
    match = re.search(rf"https?://[^/\s]+({path}\S+)", mail.text_body)
    assert match, mail.text_body
    return match.group(1)


needs_vnu = pytest.mark.skipif(
    not VNU.exists() or shutil.which("java") is None,
    reason=f"no Nu checker at {VNU} or no java (.ci/run installs them)",
)


@needs_vnu
def test_new_pages_and_mails_are_valid_html(
    client: FlaskClient, app: Flask, world: World, db: Session, tmp_path: Path
) -> None:
    pages: dict[str, str] = {}
    world.log_in(client, "admin")
    person = db.scalars(select(Membership).where(Membership.coalition_id == world.coalition.id))
    for name, url in [
        ("admin", "/admin/"),
        ("users", "/admin/users"),
        ("framing", C + "/framing"),
        ("framing_item", f"{C}/framing/levers/{world.lever.id}"),
        ("people", C + "/people"),
        ("person", f"{C}/people/{person.first().id}"),
        ("account", "/account"),
        ("import", C + "/actors/import"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[name] = response.get_data(as_text=True)
    csv = "\ufeffnom;famille\nActeur Z;Usage\nActeur A;Recherche\n".encode()
    preview = client.post(
        C + "/actors/import",
        data={
            "csrf_token": csrf_token(client, C + "/actors/import"),
            "file": (io.BytesIO(csv), "a.csv"),
        },
        content_type="multipart/form-data",
    )
    pages["import_preview"] = preview.get_data(as_text=True)
    invited = {"emails": "nouvelle@example.org", "role": "facilitator"}
    assert (
        post_form(client, C + "/people/invitations", invited, form_url=C + "/people").status_code
        < 400
    )
    invitation = _last_mail(db)
    pages["mail_invitation"] = invitation.html_body
    public = app.test_client()
    pages["accept"] = public.get(_path_of_link(invitation, "/invitations/")).get_data(as_text=True)
    pages["forgot"] = public.get("/password/forgot").get_data(as_text=True)
    post_form(public, "/password/forgot", {"email": world.users["member"].email})
    reset = _last_mail(db)
    pages["mail_reset"] = reset.html_body
    pages["reset"] = public.get(_path_of_link(reset, "/password/reset/")).get_data(as_text=True)

    for name, html in pages.items():
        (tmp_path / f"{name}.html").write_text(html)
    files = sorted(str(path) for path in tmp_path.glob("*.html"))
    result = subprocess.run(  # noqa: S603 - our own files, a fixed command
        ["java", "-jar", str(VNU), "--errors-only", *files],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@needs_vnu
def test_the_pages_of_a_large_coalition_are_valid_html(
    client: FlaskClient, db: Session, tmp_path: Path
) -> None:
    """What only a large coalition shows: the network's summary and full views, the pages of
    the board and the timeline, the actor filter as a name search."""
    from coalition.seed.generate import generate_coalition

    generate_coalition(db, slug="grande", actors=700, actions=260, meetings=3)
    db.flush()
    urls = {
        "summary": "/c/grande/graph",
        "full": "/c/grande/graph?view=full",
        "board": "/c/grande/roadmap?page=2",
        "timeline": "/c/grande/roadmap/timeline?page=2&actor_name=a",
    }
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        (tmp_path / f"{name}.html").write_text(response.get_data(as_text=True))
    assert "Vue d'ensemble" in (tmp_path / "summary.html").read_text()
    assert "Dernière page" in (tmp_path / "board.html").read_text()
    files = sorted(str(path) for path in tmp_path.glob("*.html"))
    result = subprocess.run(  # noqa: S603 - our own files, a fixed command
        ["java", "-jar", str(VNU), "--errors-only", *files],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
