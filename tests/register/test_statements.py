"""The register's list, an entry's page and its history cost the same statements whatever the
number of entries, links, contributions and versions."""

import itertools
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.actors.models import Family
from coalition.charter.models import CharterVersion, Signature
from coalition.register import service
from coalition.workshops.models import ContributionKind, UseCase, Workshop
from tests import factories as f
from tests.register.conftest import details, said
from tests.web.test_statements import statements


def populate(db: Session, size: int) -> tuple[str, int]:
    """A coalition with `size` published entries of `size` actors who signed the charter,
    each linked to `size` levers, actions and use cases with `size` benefits and fears, and
    edited `size` times; its slug and one entry's id."""
    coalition = f.coalition(db)
    charter = CharterVersion(coalition_id=coalition.id, number=1, title="Charte", text="Texte")
    db.add(charter)
    db.flush()
    vendor = f.actor(db, coalition, family=Family.supply)
    levers = [f.lever(db, coalition) for _ in range(size)]
    actions = [f.action(db, coalition) for _ in range(size)]
    workshop = Workshop(coalition_id=coalition.id, title="Atelier", is_published=True)
    db.add(workshop)
    db.flush()
    cases = []
    for n in range(size):
        case = UseCase(workshop_id=workshop.id, title=f"Cas {n}", position=n)
        db.add(case)
        db.flush()
        for k in range(size):
            said(db, case, ContributionKind.benefit, f"Bénéfice {n}.{k}")
            said(db, case, ContributionKind.fear, f"Crainte {n}.{k}")
        cases.append(case)
    first = None
    for n in range(size):
        owner = f.actor(db, coalition)
        db.add(Signature(version_id=charter.id, actor_id=owner.id, signer_name="Camille"))
        links = {
            "owner_id": owner.id,
            "vendor_id": vendor.id,
            "individual_decisions": True,
            "lever_ids": [lever.id for lever in levers],
            "action_ids": [action.id for action in actions],
            "case_ids": [case.id for case in cases],
        }
        entry = service.record_entry(db, coalition, details(name=f"Usage {n}", **links), by=None)
        for k in range(size):
            service.update_entry(
                db,
                coalition,
                entry,
                details(name=f"Usage {n}", status="in_use", licence=f"L{k}", **links),
                seen_version=entry.version,
                by=None,
            )
        entry.is_published = True
        first = first or entry
    db.flush()
    assert first is not None
    return coalition.slug, first.id


def test_the_register_pages_cost_the_same_at_1_and_6(
    client: FlaskClient, db: Session, count_queries: Any
) -> None:
    (small, one), (large, other) = populate(db, 1), populate(db, 6)
    admin = client.application.test_client()  # sees the drafts and who saved each version
    f.log_in(admin, f.user(db, is_admin=True))
    for reader, page in itertools.product(
        (client, admin),
        (
            "/register",
            "/register?decisions=yes&status=in_use",
            "/register/{id}",
            "/register/{id}/history",
        ),
    ):
        few = statements(reader, count_queries, f"/c/{small}" + page.format(id=one))
        many = statements(reader, count_queries, f"/c/{large}" + page.format(id=other))
        assert few == many, page
