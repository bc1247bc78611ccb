"""The to-do pages and the prepare page with its reasons are valid HTML (the Nu checker)."""

import subprocess
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.auth.models import MembershipRole
from tests import factories as f
from tests.conftest import World
from tests.core.test_html_valid import VNU, needs_vnu
from tests.web import things as t


@needs_vnu
def test_the_todo_pages_are_valid_html(
    client: FlaskClient, world: World, db: Session, tmp_path: Path
) -> None:
    t.one_of_each(db, world.coalition)
    upcoming = t.meeting(db, world.coalition, 3000)
    empty = f.coalition(db)
    person = world.users["facilitator"]
    f.membership(db, person, empty, MembershipRole.facilitator)
    world.log_in(client, "facilitator")
    pages = {
        "todo": "/c/ma-coalition/todo",
        "empty": f"/c/{empty.slug}/todo",
        "overview": "/todo",
        "prepare": f"/c/ma-coalition/meetings/{upcoming.id}/prepare",
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        (tmp_path / f"{name}.html").write_text(response.get_data(as_text=True))
    files = sorted(str(path) for path in tmp_path.glob("*.html"))
    result = subprocess.run(  # noqa: S603 - our own files, a fixed command
        ["java", "-jar", str(VNU), "--errors-only", *files],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
