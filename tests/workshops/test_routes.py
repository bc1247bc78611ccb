"""Use-case workshops: facilitators set them up and record contributions; the result page
groups them by case, by general objective and by common issue."""

import html
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.core.audit import AuditEvent
from coalition.core.errors import ValidationError
from coalition.core.versions import StaleEdit
from coalition.workshops import queries as workshop_queries
from coalition.workshops import service as ws
from coalition.workshops.models import (
    CommonIssue,
    Contribution,
    ContributionKind,
    GeneralObjective,
    UseCase,
    Workshop,
)
from tests.conftest import World, post_form

C = "/c/ma-coalition"


def build(db: Session, world: World, cases: int = 2, per_case: int = 0, **fields: Any) -> Workshop:
    by = world.users["facilitator"]
    details = ws.WorkshopDetails(**{"title": "Convention IA", "is_published": True, **fields})
    workshop = ws.create_workshop(db, world.coalition, details, by=by)
    issue = ws.add_issue(db, workshop, title="Fiabilité des données", question="", by=by)
    for n in range(cases):
        case = ws.add_case(db, workshop, title=f"Cas {n}", scenario="", by=by)
        for i in range(per_case):
            kind = list(ContributionKind)[i % 3]
            ws.record_contribution(
                db, workshop, case, kind=kind, text=f"Avis {n}.{i}", issue_id=issue.id, by=by
            )
    return workshop


def counts(db: Session) -> tuple[int, ...]:
    tables = (Workshop, UseCase, CommonIssue, Contribution, AuditEvent)
    return tuple(db.scalar(select(func.count()).select_from(t)) or 0 for t in tables)


# -- the service ----------------------------------------------------------------------------


def test_every_write_is_audited(db: Session, world: World) -> None:
    workshop = build(db, world, cases=1, per_case=1)
    events = db.execute(select(AuditEvent.entity, AuditEvent.action).order_by(AuditEvent.id))
    assert list(events) == [
        ("workshop", "create"),
        ("workshop_issue", "create"),
        ("workshop_case", "create"),
        ("workshop_contribution", "create"),
    ]
    contribution = db.scalars(select(Contribution)).one()
    ws.delete_contribution(db, workshop, contribution, by=world.users["facilitator"])
    last = db.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last is not None and (last.action, last.before["text"]) == ("delete", "Avis 0.0")


def test_an_edit_from_a_stale_page_is_refused(db: Session, world: World) -> None:
    workshop = build(db, world)
    details = ws.WorkshopDetails(title="Nouveau titre")
    with pytest.raises(StaleEdit):
        ws.update_workshop(db, workshop, details, seen_version=0, by=None)
    ws.update_workshop(db, workshop, details, seen_version=1, by=None)
    assert (workshop.title, workshop.version) == ("Nouveau titre", 2)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "joy"}, "kind"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 1001}, "text"),
        ({"objective": "beauty"}, "objective"),
        ({"issue_id": "abc"}, "issue"),
        ({"issue_id": 999_999}, "issue"),
    ],
)
def test_a_bad_contribution_is_refused(
    db: Session, world: World, fields: dict[str, Any], field: str
) -> None:
    workshop = build(db, world)
    values = {"kind": "fear", "text": "Perte d'emplois", **fields}
    with pytest.raises(ValidationError) as refused:
        ws.record_contribution(db, workshop, workshop.cases[0], **values, by=None)
    assert refused.value.field == field


def test_an_issue_of_another_workshop_is_refused(db: Session, world: World) -> None:
    workshop, other = build(db, world), build(db, world, title="Autre")
    with pytest.raises(ValidationError, match="n'existe pas dans cet atelier"):
        ws.record_contribution(
            db,
            workshop,
            workshop.cases[0],
            kind="fear",
            text="x",
            issue_id=other.issues[0].id,
            by=None,
        )


def test_issue_titles_are_unique_in_a_workshop(db: Session, world: World) -> None:
    workshop = build(db, world)
    with pytest.raises(ValidationError, match="existe déjà"):
        ws.add_issue(db, workshop, title="fiabilité des données", question="", by=None)


def test_results_group_by_case_objective_and_issue(db: Session, world: World) -> None:
    workshop = build(db, world, cases=2)
    first, second = workshop.cases
    issue = workshop.issues[0]
    for case, kind, objective, issue_id in [
        (first, "benefit", "trust", None),
        (first, "benefit", None, issue.id),
        (first, "fear", "trust", issue.id),
        (second, "condition", None, None),
    ]:
        ws.record_contribution(
            db, workshop, case, kind=kind, text="t", objective=objective, issue_id=issue_id, by=None
        )
    results = workshop_queries.workshop_results(db, workshop)
    by_case = {r.case.title: {k.value: len(v) for k, v in r.by_kind.items()} for r in results.cases}
    assert by_case == {
        "Cas 0": {"benefit": 2, "fear": 1, "condition": 0},
        "Cas 1": {"benefit": 0, "fear": 0, "condition": 1},
    }
    objectives = {objective: len(items) for objective, items in results.by_objective}
    assert objectives[GeneralObjective.trust] == 2 and objectives[GeneralObjective.ethics] == 0
    assert [(i.title, len(items)) for i, items in results.by_issue] == [
        ("Fiabilité des données", 2)
    ]
    assert [c.case_id for c in results.untagged] == [second.id]


def test_the_list_shows_drafts_to_facilitators_only(db: Session, world: World) -> None:
    build(db, world, title="Publié")
    build(db, world, title="Brouillon", is_published=False)
    coalition = world.coalition
    member = world.users["member"]
    titles = {w.title for w in workshop_queries.visible_workshops(db, coalition, member)}
    assert titles == {"Publié"}
    facilitator = world.users["facilitator"]
    assert len(workshop_queries.visible_workshops(db, coalition, facilitator)) == 2


# -- the routes -----------------------------------------------------------------------------


def test_a_facilitator_runs_a_workshop(
    client: FlaskClient, world: World, db: Session, app: Flask
) -> None:
    public = app.test_client()
    world.log_in(client, "facilitator")
    assert "Nouvel atelier" in client.get(f"{C}/workshops").get_data(as_text=True)
    data = {
        "title": "Avec l'IA la fin des problèmes d'eau",
        "description": "**Eau**",
        "place": "Montpellier",
        "held_on": "2024-01-20",
    }
    created = post_form(client, f"{C}/workshops/new", data)
    assert created.status_code == 302
    workshop = db.scalars(select(Workshop)).one()
    base = f"{C}/workshops/{workshop.id}"
    assert public.get(base).status_code == 404  # a draft
    assert "Avec l" not in public.get(f"{C}/workshops").get_data(as_text=True)
    post_form(
        client,
        f"{base}/cases",
        {"case-title": "L'eau", "case-scenario": "Des capteurs"},
        form_url=f"{base}/edit",
    )
    post_form(
        client, f"{base}/issues", {"issue-title": "Place de l'humain"}, form_url=f"{base}/edit"
    )
    case = db.scalars(select(UseCase)).one()
    issue = db.scalars(select(CommonIssue)).one()
    case_url = f"{base}/cases/{case.id}"
    answer = post_form(
        client,
        case_url,
        {"kind": "fear", "text": "Surveillance", "objective": "trust", "issue": str(issue.id)},
    )
    assert answer.status_code == 302 and answer.headers["Location"].endswith(
        f"{case_url}?kind=fear#saisie"
    )
    again = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Contribution enregistrée" in again
    assert re.search(r'<input checked [^>]*value="fear"', again)  # ready for the next one
    post_form(client, case_url, {"kind": "benefit", "text": "Moins de fuites"})
    published = post_form(client, f"{base}/edit", {**data, "is_published": "y", "version": "1"})
    assert published.status_code == 302
    page = public.get(base).get_data(as_text=True)
    assert "<strong>Eau</strong>" in page and "Surveillance" in page and "Moins de fuites" in page
    assert "Par objectif général" in page and "Place de l&#39;humain" in page
    assert "Saisir des contributions" not in page
    assert "Avec l" in public.get(f"{C}/workshops").get_data(as_text=True)
    assert "Saisir des contributions" in client.get(base).get_data(as_text=True)


def test_delete_a_contribution(client: FlaskClient, world: World, db: Session) -> None:
    workshop = build(db, world, cases=1, per_case=2)
    first = db.scalars(select(Contribution).order_by(Contribution.id)).first()
    assert first is not None
    world.log_in(client, "facilitator")
    url = f"{C}/workshops/{workshop.id}/contributions/{first.id}/delete"
    response = post_form(client, url, {}, form_url="/")
    assert response.status_code == 302
    assert [c.text for c in db.scalars(select(Contribution))] == ["Avis 0.1"]


OVERSIZED = "x" * 1001


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("/workshops/new", {"title": ""}, "Le titre est obligatoire"),
        ("/workshops/new", {"title": "A", "held_on": "demain"}, "date"),
        ("{w}/edit", {"title": " ", "version": "1"}, "Le titre est obligatoire"),
        ("{w}/cases", {"case-title": ""}, "Donnez un titre au cas d'usage"),
        ("{w}/issues", {"issue-title": "Fiabilité des données"}, "existe déjà"),
        ("{w}/issues", {"issue-title": ""}, "Donnez un titre à l'enjeu commun"),
        ("{case}", {"kind": "fear", "text": ""}, "Écrivez la contribution"),
        ("{case}", {"kind": "fear", "text": OVERSIZED}, "1000 caractères au plus"),
        ("{case}", {"kind": "joy", "text": "x"}, "bénéfice, crainte ou condition"),
        ("{case}", {"text": "x"}, "bénéfice, crainte ou condition"),
        (
            "{case}",
            {"kind": "fear", "text": "x", "objective": "beauty"},
            "objectif général n'existe",
        ),
        (
            "{case}",
            {"kind": "fear", "text": "x", "issue": "999999"},
            "n'existe pas dans cet atelier",
        ),
        (
            "{case}",
            {"kind": "fear", "text": "x", "issue": "{other_issue}"},
            "n'existe pas dans cet atelier",
        ),
    ],
)
def test_bad_input_is_a_400_that_changes_nothing(
    client: FlaskClient, world: World, db: Session, path: str, data: dict[str, str], message: str
) -> None:
    workshop, other = build(db, world), build(db, world, title="Autre")
    w = f"/workshops/{workshop.id}"
    names = {"w": w, "case": f"{w}/cases/{workshop.cases[0].id}", "other_issue": other.issues[0].id}
    world.log_in(client, "facilitator")
    before = counts(db)
    data = {key: value.format(**names) for key, value in data.items()}
    response = post_form(client, C + path.format(**names), data, form_url="/")
    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))
    db.expire_all()
    assert counts(db) == before and db.get(Workshop, workshop.id).title == "Convention IA"  # type: ignore[union-attr]


def test_an_edit_from_a_stale_page_is_a_409(client: FlaskClient, world: World, db: Session) -> None:
    workshop = build(db, world)
    world.log_in(client, "facilitator")
    url = f"{C}/workshops/{workshop.id}/edit"
    assert post_form(client, url, {"title": "Premier", "version": "1"}).status_code == 302
    stale = post_form(client, url, {"title": "Second", "version": "1"})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "modifiée par quelqu&#39;un d&#39;autre" in page
    assert 'name="version" type="hidden" value="2"' in page
    db.expire_all()
    assert db.get(Workshop, workshop.id).title == "Premier"  # type: ignore[union-attr]


def test_what_belongs_elsewhere_is_not_found(
    client: FlaskClient, world: World, db: Session
) -> None:
    workshop, other = build(db, world, per_case=1), build(db, world, title="Autre", per_case=1)
    elsewhere = ws.create_workshop(
        db, world.other_coalition, ws.WorkshopDetails(title="Ailleurs", is_published=True), by=None
    )
    foreign = db.scalars(
        select(Contribution).join(UseCase).where(UseCase.workshop_id == other.id)
    ).first()
    assert foreign is not None
    world.log_in(client, "admin")
    w = f"{C}/workshops/{workshop.id}"
    assert client.get(f"{w}/cases/{other.cases[0].id}").status_code == 404
    assert client.get(f"{C}/workshops/{elsewhere.id}").status_code == 404
    assert client.get(f"{C}/workshops/999999/edit").status_code == 404
    gone = post_form(client, f"{w}/contributions/{foreign.id}/delete", {}, form_url="/")
    assert gone.status_code == 404


def test_user_markdown_is_sanitised(client: FlaskClient, world: World, db: Session) -> None:
    workshop = build(db, world, description="<script>alert(1)</script>*ok*")
    page = client.get(f"{C}/workshops/{workshop.id}").get_data(as_text=True)
    assert "<script>alert" not in page and "<em>ok</em>" in page


def test_the_result_page_issues_the_same_statements_whatever_its_size(
    client: FlaskClient, world: World, db: Session, count_queries: Any
) -> None:
    small, large = build(db, world, 2, 3), build(db, world, 10, 30)
    world.log_in(client, "facilitator")

    def statements(workshop: Workshop) -> int:
        with count_queries() as counter:
            assert client.get(f"{C}/workshops/{workshop.id}").status_code == 200
        return int(counter.count)

    assert statements(small) == statements(large)
