"""The charter page, older versions, the labels and an actor's page cost the same statements
whatever the number of versions, signatories, labels and holders."""

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.actors.models import Family
from coalition.auth.models import MembershipRole
from coalition.charter import service
from coalition.charter.models import CharterVersion
from tests import factories as f
from tests.charter.conftest import NOW, entry
from tests.web.test_statements import statements


def populate(db: Session, size: int) -> tuple[str, int, int, Any]:
    """A coalition with `size` versions and `size` actors of every family, actor k having signed
    versions 1 to k (so some must sign again), `size` labels each held by every actor and
    `size` entries; its slug, one actor's id, one label's id, and a member of that actor."""
    coalition = f.coalition(db)
    families = list(Family)
    actors = [
        f.actor(db, coalition, name=f"Acteur {n}", family=families[n % len(families)])
        for n in range(size)
    ]
    entries = [entry(db, actors[0].id, coalition.id, f"Fiche {n}") for n in range(size)]
    versions: list[CharterVersion] = []
    for n in range(size):
        details = service.VersionDetails(f"Charte {n}", f"Texte\n\nligne {n}", "Changement")
        versions.append(
            service.publish_version(db, coalition, details, based_on=n, by=None, now=NOW)
        )
    for k, actor in enumerate(actors, start=1):
        for version in versions[:k]:
            signer = service.SignerDetails(f"Signataire {k}", "Rôle")
            service.record_signature(db, version, actor, signer, by=None, now=NOW)
    labels = []
    for n in range(size):
        label = service.create_label(db, coalition, service.LabelDetails(f"Label {n}"), by=None)
        for actor in actors:
            service.award_label(db, coalition, label, actor_id=actor.id, by=None, now=NOW)
        for found in entries:
            service.award_label(db, coalition, label, entry_id=found.id, by=None, now=NOW)
        labels.append(label)
    member = f.user(db)
    f.membership(db, member, coalition, MembershipRole.member, actors[0])
    db.flush()
    return coalition.slug, actors[0].id, labels[0].id, member


def test_the_charter_and_labels_pages_cost_the_same_at_1_and_6(
    client: FlaskClient, db: Session, count_queries: Any
) -> None:
    small, large = populate(db, 1), populate(db, 6)
    pages = (
        "/charter",
        "/charter/v{last}",  # the current one, by its number
        "/labels",
        "/labels/{label}",
        "/actors/{actor}",
    )
    for page in pages:
        (slug, actor, label, _), (other, other_actor, other_label, _) = small, large
        few = statements(
            client, count_queries, f"/c/{slug}" + page.format(actor=actor, label=label, last=1)
        )
        many = statements(
            client,
            count_queries,
            f"/c/{other}" + page.format(actor=other_actor, label=other_label, last=6),
        )
        assert few == many, page


def test_a_member_s_charter_page_costs_the_same_at_1_and_6(
    client: FlaskClient, db: Session, count_queries: Any
) -> None:
    (small, _, _, one), (large, _, _, other) = populate(db, 1), populate(db, 6)
    reads = client.application.test_client()
    f.log_in(client, one)
    f.log_in(reads, other)
    few = statements(client, count_queries, f"/c/{small}/charter")
    many = statements(reads, count_queries, f"/c/{large}/charter")
    assert few == many


def test_an_older_version_s_page_costs_the_same_at_2_and_6_versions(
    client: FlaskClient, db: Session, count_queries: Any
) -> None:
    (small, *_), (large, *_) = populate(db, 2), populate(db, 6)
    few = statements(client, count_queries, f"/c/{small}/charter/v1")
    many = statements(client, count_queries, f"/c/{large}/charter/v1")
    assert few == many
