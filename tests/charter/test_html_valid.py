"""The charter and label pages, with a signature to redo, a diff and forms in error, are valid
HTML for the Nu checker (vnu.jar, installed by `.ci/run`; skipped where it is missing)."""

import subprocess
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.charter import service
from tests import factories as f
from tests.charter.conftest import NOW, Setting
from tests.conftest import post_form
from tests.core.test_html_valid import VNU, needs_vnu

C = "/c/ma-coalition"


@needs_vnu
def test_charter_and_label_pages_are_valid_html(
    client: FlaskClient, db: Session, setting: Setting, tmp_path: Path
) -> None:
    world = setting.world
    signer = service.SignerDetails("Claire Martin", "Directrice")
    service.record_signature(db, setting.v1, world.other_actor, signer, by=None, now=NOW)
    service.publish_version(
        db,
        world.coalition,
        service.VersionDetails("Charte", "## Valeurs\n\nAutre texte.", "Tout change."),
        based_on=1,
        by=None,
        now=NOW,
    )
    service.award_label(
        db, world.coalition, setting.label, actor_id=world.actor.id, by=None, now=NOW
    )
    service.award_label(
        db, world.coalition, setting.label, entry_id=setting.entry.id, by=None, now=NOW
    )
    label = f"{C}/labels/{setting.label.id}"
    member, facilitator = client.application.test_client(), client
    f.log_in(member, world.users["member"])
    f.log_in(facilitator, world.users["facilitator"])
    pages = {
        "charter": member.get(C + "/charter"),
        "charter_sign_error": post_form(
            member, C + "/charter/sign", {"actor": str(world.actor.id), "version": "2"}
        ),
        "old_version": member.get(C + "/charter/v1"),
        "new_version": facilitator.get(C + "/charter/new"),
        "new_version_error": post_form(facilitator, C + "/charter/new", {"based_on": "2"}),
        "labels": facilitator.get(C + "/labels"),
        "label": facilitator.get(label),
        "label_award_error": post_form(facilitator, label + "/award", {}),
        "label_form": facilitator.get(label + "/edit"),
        "new_label_error": post_form(facilitator, C + "/labels/new", {"name": ""}),
        "actor": facilitator.get(f"{C}/actors/{world.actor.id}"),
        "empty_charter": facilitator.get("/c/autre-coalition/charter"),
    }
    for name, response in pages.items():
        assert response.status_code in (200, 400), name
        (tmp_path / f"{name}.html").write_text(response.get_data(as_text=True))
    files = sorted(str(path) for path in tmp_path.glob("*.html"))
    result = subprocess.run(  # noqa: S603 - our own files, a fixed command
        ["java", "-jar", str(VNU), "--errors-only", *files],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
