"""The network of stalls: answers by stall (kiosk, QR code, paper), by territory and by day, the
results crossed by territory, the public page of the stalls and the CSVs, against hand-made
data; never a holder's name or mail; a fixed number of statements."""

import csv
import io
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.consultations.models import Consultation, ConsultationStatus, Source, Stall
from coalition.consultations.network import network_of, territory_crosstabs
from coalition.consultations.service_answering import ParsedAnswers, record_submission
from coalition.core.dates import PARIS
from tests.conftest import World
from tests.consultations.conftest import Questions, choice_id, make_consultation
from tests.core.test_html_valid import VNU, needs_vnu

C = "/c/ma-coalition/consultations"
HOLDERS = ("Camille Tenante", "camille.tenante@example.org", "Dominique Porteur", "dom@example.org")


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def make_stall(
    db: Session, consultation: Consultation, place: str, territory: str, held_on: date
) -> Stall:
    stall = Stall(
        consultation_id=consultation.id,
        place=place,
        territory=territory,
        held_on=held_on,
        holder_name=HOLDERS[0],
        holder_email=HOLDERS[1],
    )
    db.add(stall)
    db.flush()
    return stall


def answer(
    db: Session,
    consultation: Consultation,
    at: datetime,
    concerned: str,
    *,
    source: Source = Source.online,
    stall: Stall | None = None,
    trust: int | None = None,
    feelings: tuple[str, ...] = (),
) -> None:
    q = Questions.of(consultation)
    parsed = ParsedAnswers()
    parsed.choices.append((q.concerned.id, int(choice_id(q.concerned, concerned))))
    parsed.choices += [(q.feelings.id, int(choice_id(q.feelings, label))) for label in feelings]
    if trust is not None:
        parsed.scales.append((q.trust.id, trust))
    parsed.texts.append((q.word.id, "Un mot"))
    token = f"t{db.info.setdefault('tokens', 0)}"
    db.info["tokens"] += 1
    submission = record_submission(
        db, consultation, parsed, source=source, form_token=token, stall=stall
    )
    submission.submitted_at = at
    db.flush()


@dataclass
class Sample:
    consultation: Consultation
    die: Stall  # Lyon, 5 July: 3 on the tablet, 1 by QR code, 2 on paper
    croix_rousse: Stall  # Lyon, 12 July: 1 on the tablet
    wazemmes: Stall  # Lille, 8 July: nobody


JULY_5, JULY_6, JULY_8, JULY_10, JULY_12 = (date(2025, 7, day) for day in (5, 6, 8, 10, 12))


def sample(db: Session, consultation: Consultation) -> Sample:
    die = make_stall(db, consultation, "Marché de Dié", "Lyon", JULY_5)
    croix_rousse = make_stall(db, consultation, "Marché de la Croix-Rousse", "Lyon", JULY_12)
    wazemmes = make_stall(db, consultation, "Marché de Wazemmes", "Lille", JULY_8)
    kiosk, paper = Source.stall, Source.paper
    answer(
        db,
        consultation,
        paris(JULY_5, 10),
        "Oui",
        source=kiosk,
        stall=die,
        trust=5,
        feelings=("Curiosité", "Peur"),
    )
    answer(db, consultation, paris(JULY_5, 11), "Oui", source=kiosk, stall=die)
    answer(db, consultation, paris(JULY_5, 12), "Non", source=kiosk, stall=die)
    # by the poster's QR code, just after midnight in Paris (still the 5th in UTC)
    answer(db, consultation, paris(JULY_6, 0, 30), "Oui", stall=die)
    # the paper questionnaires of the 5th, typed on the 10th
    answer(db, consultation, paris(JULY_10, 9), "Non", source=paper, stall=die)
    answer(db, consultation, paris(JULY_10, 9, 5), "Non", source=paper, stall=die)
    answer(db, consultation, paris(JULY_12, 11), "Oui", source=kiosk, stall=croix_rousse)
    # online, through no stall
    answer(db, consultation, paris(JULY_5, 15), "Oui", trust=2)
    answer(db, consultation, paris(JULY_5, 16), "Non")
    answer(db, consultation, paris(JULY_8, 20), "Oui")
    return Sample(consultation, die, croix_rousse, wazemmes)


def get(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return str(response.get_data(as_text=True)).replace("&#39;", "'")


def read_csv(client: FlaskClient, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.mimetype_params.get("charset") == "utf-8"
    body = response.get_data()
    assert not body.startswith(b"\xef\xbb\xbf") and b"\r\n" in body  # no BOM, CRLF (RFC 4180)
    return list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))


def test_answers_by_stall_count_each_way_and_stalls_with_none(
    db: Session, consultation: Consultation
) -> None:
    sample(db, consultation)
    network = network_of(db, consultation)
    assert [
        (s.place, s.territory, s.held_on, s.kiosk, s.qr, s.paper, s.total) for s in network.stalls
    ] == [
        ("Marché de Dié", "Lyon", JULY_5, 3, 1, 2, 6),
        ("Marché de Wazemmes", "Lille", JULY_8, 0, 0, 0, 0),
        ("Marché de la Croix-Rousse", "Lyon", JULY_12, 1, 0, 0, 1),
    ]
    assert (network.at_stalls, network.online, network.total) == (7, 3, 10)


def test_answers_by_territory_put_those_with_no_stall_apart(
    db: Session, consultation: Consultation
) -> None:
    sample(db, consultation)
    territories = network_of(db, consultation).territories
    assert [(t.territory, t.stalls, t.answers) for t in territories] == [
        ("Lille", 1, 0),
        ("Lyon", 2, 7),
        (None, 0, 3),  # "En ligne, sans stand"
    ]


def test_answers_by_paris_day_with_paper_on_its_stall_day(
    db: Session, consultation: Consultation
) -> None:
    sample(db, consultation)
    days = network_of(db, consultation).days
    assert [(d.day, d.at_stalls, d.online, d.total) for d in days] == [
        (JULY_5, 3 + 2, 2, 7),  # the tablet and the paper of Dié; two online
        (JULY_6, 1, 0, 1),  # the QR code answer after midnight in Paris
        (JULY_8, 0, 1, 1),
        (JULY_12, 1, 0, 1),
    ]


def test_a_winter_evening_counts_on_its_paris_day(db: Session, consultation: Consultation) -> None:
    answer(db, consultation, datetime(2025, 1, 15, 23, 30, tzinfo=UTC), "Oui")  # 00:30 in Paris
    answer(db, consultation, datetime(2025, 1, 15, 22, 59, tzinfo=UTC), "Oui")  # 23:59 in Paris
    days = network_of(db, consultation).days
    assert [(d.day, d.online) for d in days] == [(date(2025, 1, 15), 1), (date(2025, 1, 16), 1)]


def test_results_cross_by_the_stalls_territory(db: Session, consultation: Consultation) -> None:
    sample(db, consultation)
    tabs = territory_crosstabs(db, consultation)
    assert tabs.by == "territory" and tabs.prompt == "Territoire du stand"
    assert tabs.groups == ["Lille", "Lyon", "En ligne, sans stand"]
    assert tabs.group_sizes == [0, 7, 3]
    by_question = {table.question.prompt: table.rows for table in tabs.tables}
    assert by_question["Concerné ?"] == [("Oui", [0, 4, 2]), ("Non", [0, 3, 1])]
    assert by_question["Ressenti ?"] == [
        ("Curiosité", [0, 1, 0]),
        ("Peur", [0, 1, 0]),
        ("Indifférence", [0, 0, 0]),
    ]
    assert by_question["Confiance ?"] == [
        ("1", [0, 0, 0]),
        ("2", [0, 0, 1]),
        ("3", [0, 0, 0]),
        ("4", [0, 0, 0]),
        ("5", [0, 1, 0]),
    ]
    assert "Un mot ?" not in by_question  # free text is not counted
    assert "Âge ?" in by_question


def test_the_results_page_shows_the_network_and_crosses_by_territory(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    sample(db, consultation)
    url = f"{C}/{consultation.id}/results"
    page = get(client, url)
    for caption in ("Réponses par stand", "Réponses par territoire", "Réponses par date"):
        assert f">{caption}</caption>" in page
    assert '<option value="territory">Territoire du stand</option>' in page
    assert f'href="{C}/{consultation.id}/stands"' in page
    assert "Marché de la Croix-Rousse" in page and "En ligne, sans stand" in page
    assert "5 juillet 2025" in page and "12 juillet 2025" in page
    crossed = get(client, f"{url}?by=territory")
    assert "Réponses selon : Territoire du stand" in crossed
    assert '<option value="territory" selected>' in crossed
    assert "Lyon <small>(7)</small>" in crossed and "Lille <small>(0)</small>" in crossed
    assert ">4 (57,1 %)</td>" in crossed  # 4 of Lyon's 7 said "Oui"


def test_a_consultation_without_stalls_shows_no_network_and_no_territory(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    answer(db, consultation, paris(JULY_5, 15), "Oui")
    url = f"{C}/{consultation.id}/results"
    page = get(client, url)
    assert "Réponses par stand" not in page and 'value="territory"' not in page
    assert client.get(f"{url}?by=territory").status_code == 404
    assert client.get(f"{url}?by=nothing").status_code == 404
    stands = get(client, f"{C}/{consultation.id}/stands")
    assert "Aucun stand n'a encore été tenu" in stands
    assert read_csv(client, f"{C}/{consultation.id}/stands.csv") == [
        ["stall", "territory", "date", "kiosk", "qr", "paper", "total"]
    ]


def test_the_public_page_lists_the_stalls_with_their_counts(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    sample(db, consultation)
    page = get(client, f"{C}/{consultation.id}/stands")
    assert "3 stands" in page and "7 réponses comptées pour un stand" in page
    assert "3 réponses en ligne sans stand" in page
    row = page.split("Marché de Dié</th>")[1].split("</tr>")[0]
    assert '<time datetime="2025-07-05">5 juillet 2025</time>' in row
    cells = [cell.split("</td>")[0] for cell in row.split('<td class="number">')[1:]]
    assert cells == ["3", "1", "2", "6"]  # tablet, QR code, paper, total
    assert f'href="{C}/{consultation.id}/stands.csv"' in page


def test_the_network_csv_has_one_row_per_stall(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    sample(db, consultation)
    response = client.get(f"{C}/{consultation.id}/stands.csv")
    assert 'filename="consultation-' in response.headers["Content-Disposition"]
    assert read_csv(client, f"{C}/{consultation.id}/stands.csv") == [
        ["stall", "territory", "date", "kiosk", "qr", "paper", "total"],
        ["Marché de Dié", "Lyon", "2025-07-05", "3", "1", "2", "6"],
        ["Marché de Wazemmes", "Lille", "2025-07-08", "0", "0", "0", "0"],
        ["Marché de la Croix-Rousse", "Lyon", "2025-07-12", "1", "0", "0", "1"],
    ]


def test_a_place_that_looks_like_a_formula_is_made_inert(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    make_stall(db, consultation, "=HYPERLINK(1)", "+Lyon", JULY_5)
    rows = read_csv(client, f"{C}/{consultation.id}/stands.csv")
    assert rows[1][:2] == ["'=HYPERLINK(1)", "'+Lyon"]


def test_the_answers_csv_carries_the_stall_and_its_territory(
    client: FlaskClient, db: Session, world: World, consultation: Consultation
) -> None:
    sample(db, consultation)
    rows = read_csv(client, f"{C}/{consultation.id}/answers.csv")
    assert rows[0][:6] == ["n", "date", "source", "stall", "territory", "Concerné ?"]
    assert len(rows) == 11 and all(len(row) == len(rows[0]) for row in rows)
    ways = [tuple(row[2:6]) for row in rows[1:]]
    assert ways[:4] == [
        ("stall", "Marché de Dié", "Lyon", "Oui"),
        ("stall", "Marché de Dié", "Lyon", "Oui"),
        ("stall", "Marché de Dié", "Lyon", "Non"),
        ("online", "Marché de Dié", "Lyon", "Oui"),  # by the stall's QR code
    ]
    assert ways[4] == ("paper", "Marché de Dié", "Lyon", "Non")
    assert ways[6] == ("stall", "Marché de la Croix-Rousse", "Lyon", "Oui")
    online = [("online", "", "", "Oui"), ("online", "", "", "Non"), ("online", "", "", "Oui")]
    assert ways[7:] == online  # through no stall


@pytest.mark.parametrize("role", ["anonymous", "facilitator"])
def test_no_page_or_export_shows_a_holder(
    client: FlaskClient, db: Session, world: World, consultation: Consultation, role: str
) -> None:
    data = sample(db, consultation)
    data.croix_rousse.holder_name, data.croix_rousse.holder_email = HOLDERS[2:]
    db.flush()
    world.log_in(client, role)
    base = f"{C}/{consultation.id}"
    for suffix in ("/stands", "/stands.csv", "/answers.csv", "/results", "/results?by=territory"):
        body = get(client, base + suffix)
        assert "Marché de Dié" in body, suffix
        for holder in HOLDERS:
            assert holder not in body, (suffix, holder)
        assert "Tenante" not in body and "example.org" not in body, suffix


@pytest.mark.parametrize("suffix", ["/stands", "/stands.csv", "/results?by=territory"])
def test_a_draft_network_is_hidden(
    client: FlaskClient, db: Session, world: World, suffix: str
) -> None:
    draft = make_consultation(db, world.coalition, status=ConsultationStatus.draft)
    make_stall(db, draft, "Marché de Dié", "Lyon", JULY_5)
    assert client.get(f"{C}/{draft.id}{suffix}").status_code == 404
    world.log_in(client, "member")
    assert client.get(f"{C}/{draft.id}{suffix}").status_code == 404
    world.log_in(client, "facilitator")
    assert client.get(f"{C}/{draft.id}{suffix}").status_code == 200


def test_another_coalitions_stalls_are_not_found(
    client: FlaskClient, db: Session, world: World
) -> None:
    stranger = make_consultation(db, world.other_coalition)
    make_stall(db, stranger, "Marché de Dié", "Lyon", JULY_5)
    world.log_in(client, "admin")
    for suffix in ("/stands", "/stands.csv"):
        assert client.get(f"{C}/{stranger.id}{suffix}").status_code == 404


def test_the_pages_issue_the_same_statements_whatever_the_stalls_and_answers(
    client: FlaskClient, db: Session, world: World, consultation: Consultation, count_queries: Any
) -> None:
    base = f"{C}/{consultation.id}"
    urls = [f"{base}/results", f"{base}/results?by=territory", f"{base}/stands"]
    urls.append(f"{base}/stands.csv")
    sample(db, consultation)

    def statements() -> list[int]:
        counted = []
        for url in urls:
            with count_queries() as counter:
                assert client.get(url).status_code == 200, url
            counted.append(counter.count)
        return counted

    few = statements()
    for n in range(30):
        stall = make_stall(db, consultation, f"Marché {n}", f"Territoire {n % 7}", date(2025, 8, 1))
        for source in (Source.stall, Source.online, Source.paper):
            answer(
                db,
                consultation,
                paris(date(2025, 8, 1 + n % 20), 10 + n % 8),
                "Oui",
                source=source,
                stall=stall,
                trust=1 + n % 5,
            )
        answer(db, consultation, paris(date(2025, 9, 1 + n % 25), 9), "Non")
    assert network_of(db, consultation).total == 10 + 120
    assert statements() == few


@needs_vnu
def test_the_network_pages_are_valid_html(
    client: FlaskClient, db: Session, world: World, consultation: Consultation, tmp_path: Path
) -> None:
    sample(db, consultation)
    empty = make_consultation(db, world.coalition)
    base = f"{C}/{consultation.id}"
    pages = {
        "results": f"{base}/results",
        "crossed": f"{base}/results?by=territory",
        "stands": f"{base}/stands",
        "no_stands": f"{C}/{empty.id}/stands",
    }
    for name, url in pages.items():
        (tmp_path / f"{name}.html").write_text(get(client, url))
    world.log_in(client, "facilitator")
    (tmp_path / "results_facilitator.html").write_text(get(client, f"{base}/results"))
    files = sorted(str(path) for path in tmp_path.glob("*.html"))
    result = subprocess.run(  # noqa: S603 - our own files, a fixed command
        ["java", "-jar", str(VNU), "--errors-only", *files],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_chart_of_days_is_a_valid_plotly_figure_of_the_table(
    db: Session, consultation: Consultation
) -> None:
    import plotly.graph_objects as go

    from coalition.consultations.charts import answers_by_day

    sample(db, consultation)
    figure = answers_by_day(
        network_of(db, consultation).days,
        at_stalls_label="Sur un stand",
        online_label="En ligne",
        count_label="Réponses",
    )
    checked = go.Figure(figure)  # raises on anything plotly does not know
    at_stalls, online = checked.data
    assert list(at_stalls.x) == ["2025-07-05", "2025-07-06", "2025-07-08", "2025-07-12"]
    assert list(at_stalls.y) == [5, 1, 0, 1] and list(online.y) == [2, 0, 1, 0]
    assert checked.layout.barmode == "stack" and online.name == "En ligne"
