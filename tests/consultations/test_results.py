"""Results computed by the database: exact counts, percentages, cross-tables, statements."""

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.consultations.models import Consultation, Source
from coalition.consultations.results import consultation_results, cross_tabulate
from coalition.consultations.service_answering import ParsedAnswers, record_submission
from tests.conftest import World
from tests.consultations.conftest import Questions, choice_id


def answer(db: Session, consultation: Consultation, token: str, **picked: object) -> None:
    q = Questions.of(consultation)
    parsed = ParsedAnswers()
    parsed.choices.append((q.concerned.id, int(choice_id(q.concerned, str(picked["concerned"])))))
    for label in picked.get("feelings", []):  # type: ignore[attr-defined]
        parsed.choices.append((q.feelings.id, int(choice_id(q.feelings, label))))
    if "trust" in picked:
        parsed.scales.append((q.trust.id, int(picked["trust"])))  # type: ignore[call-overload]
    if "age" in picked:
        parsed.choices.append((q.age.id, int(choice_id(q.age, str(picked["age"])))))
    record_submission(db, consultation, parsed, source=Source.online, form_token=token)


def sample(db: Session, consultation: Consultation) -> None:
    answer(
        db,
        consultation,
        "1",
        concerned="Oui",
        feelings=["Peur", "Curiosité"],
        trust=2,
        age="Moins de 45 ans",
    )
    answer(db, consultation, "2", concerned="Oui", feelings=["Peur"], trust=4, age="45 ans et plus")
    answer(db, consultation, "3", concerned="Non", trust=5, age="45 ans et plus")
    answer(db, consultation, "4", concerned="Oui")


def test_counts_and_percentages_are_exact(db: Session, consultation: Consultation) -> None:
    sample(db, consultation)
    results = consultation_results(db, consultation)
    concerned, feelings, trust, word, _age = results.questions
    assert results.submissions == 4
    assert [(c.label, c.count, c.percent) for c in concerned.counts] == [
        ("Oui", 3, 75.0),
        ("Non", 1, 25.0),
    ]
    assert feelings.respondents == 2  # percentages of those who answered, summing past 100
    assert [(c.count, c.percent) for c in feelings.counts] == [(1, 50.0), (2, 100.0), (0, 0.0)]
    assert trust.respondents == 3 and trust.mean == 3.67
    assert [c.count for c in trust.counts] == [0, 1, 0, 1, 1]
    assert word.respondents == 0 and word.counts == []


def test_cross_tables_break_answers_down_by_a_profile(
    db: Session, consultation: Consultation
) -> None:
    sample(db, consultation)
    q = Questions.of(consultation)
    tabs = cross_tabulate(db, consultation, q.age)
    assert tabs.groups == ["Moins de 45 ans", "45 ans et plus"]
    assert tabs.group_sizes == [1, 2]
    by_question = {table.question.prompt: table.rows for table in tabs.tables}
    assert by_question["Concerné ?"] == [("Oui", [1, 1]), ("Non", [0, 1])]
    assert by_question["Ressenti ?"] == [
        ("Curiosité", [1, 0]),
        ("Peur", [1, 1]),
        ("Indifférence", [0, 0]),
    ]
    assert by_question["Confiance ?"][1] == ("2", [1, 0])
    assert "Un mot ?" not in by_question and "Âge ?" not in by_question


def test_the_results_page_issues_the_same_statements_whatever_the_answers(
    client: FlaskClient, db: Session, world: World, consultation: Consultation, count_queries
) -> None:  # type: ignore[no-untyped-def]
    q = Questions.of(consultation)
    url = f"/c/ma-coalition/consultations/{consultation.id}/results"
    answer(db, consultation, "first", concerned="Oui", age="45 ans et plus")
    with count_queries() as few:
        assert client.get(url).status_code == 200
    with count_queries() as few_crossed:
        assert client.get(f"{url}?by={q.age.id}").status_code == 200
    for n in range(60):
        answer(
            db,
            consultation,
            f"t{n}",
            concerned="Non",
            feelings=["Peur"],
            trust=1 + n % 5,
            age="Moins de 45 ans",
        )
    with count_queries() as many:
        assert client.get(url).status_code == 200
    with count_queries() as many_crossed:
        assert client.get(f"{url}?by={q.age.id}").status_code == 200
    assert few.count == many.count
    assert few_crossed.count == many_crossed.count


def test_running_counts_equal_a_recount_from_the_answers(
    db: Session, consultation: Consultation
) -> None:
    import random

    from coalition.consultations.service_tallies import rebuild_tallies, tallies_of

    rng = random.Random(7)
    for n in range(40):
        picked: dict[str, object] = {"concerned": rng.choice(["Oui", "Non"])}
        if rng.random() < 0.7:
            picked["feelings"] = rng.sample(
                ["Curiosité", "Peur", "Indifférence"], rng.randint(1, 3)
            )
        if rng.random() < 0.8:
            picked["trust"] = rng.randint(1, 5)
        if rng.random() < 0.6:
            picked["age"] = rng.choice(["Moins de 45 ans", "45 ans et plus"])
        answer(db, consultation, f"r{n}", **picked)
    ids = [question.id for question in consultation.questions]
    kept = tallies_of(db, ids)
    rebuild_tallies(db, consultation)
    assert tallies_of(db, ids) == kept
    assert kept[(consultation.questions[0].id, 0, 0)] == 40
