"""Results of a consultation with 100,000 answers (run by `make bench`, not by the tests).

Usage: .venv/bin/python bench/consultation.py [--submissions 100000]
A temporary SQLite database always; PostgreSQL too when BENCH_POSTGRES_URL is set (a scratch
database on that server, dropped afterwards). Times the results page, the same page crossed by
a profile question, the CSV export, and one answer being stored. Target: results under 1 s.
"""

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from search import migrate, scratch_postgres  # bench/search.py
from sqlalchemy import insert, text

from coalition import create_app
from coalition.coalitions.models import Coalition
from coalition.consultations.models import (
    Answer,
    Channel,
    Choice,
    Consultation,
    ConsultationStatus,
    Question,
    QuestionKind,
    Source,
    Submission,
    TextReview,
)
from coalition.consultations.results import consultation_results
from coalition.consultations.service_answering import ParsedAnswers, record_submission
from coalition.consultations.service_tallies import rebuild_tallies
from coalition.db import Database

TARGET_MS = 1000
BATCH = 5000
QUESTIONS = [
    (
        QuestionKind.single,
        "Vous sentez-vous concerné·e par l'IA ?",
        ["Beaucoup", "Un peu", "Pas du tout", "Je ne sais pas"],
        False,
    ),
    (
        QuestionKind.multiple,
        "Ce que l'IA vous inspire",
        ["Curiosité", "Inquiétude", "Peur", "Indifférence", "Enthousiasme"],
        False,
    ),
    (
        QuestionKind.single,
        "Utilisez-vous des outils d'IA ?",
        ["Souvent", "Parfois", "Jamais"],
        False,
    ),
    (QuestionKind.scale, "Confiance dans les services publics qui utilisent l'IA", [], False),
    (QuestionKind.single, "Viendriez-vous à un atelier ?", ["Oui", "Peut-être", "Non"], False),
    (QuestionKind.text, "Un mot, une question ?", [], False),
    (
        QuestionKind.single,
        "Votre âge",
        ["Moins de 25 ans", "25-44 ans", "45-64 ans", "65 ans et plus"],
        True,
    ),
    (QuestionKind.single, "Vous habitez", ["En ville", "En périphérie", "À la campagne"], True),
]


def fill(database: Database, count: int, rng: random.Random) -> tuple[str, int, int]:
    """The bench coalition and its consultation with `count` submissions: slug, ids."""
    with database.transaction() as session:
        coalition = Coalition(slug="bench", name="Bench")
        session.add(coalition)
        session.flush()
        consultation = Consultation(
            coalition_id=coalition.id,
            title="Le Marché de l'IA",
            status=ConsultationStatus.open,
            channel=Channel.both,
            questions=[
                Question(
                    kind=kind,
                    prompt=prompt,
                    position=position,
                    is_profile=profile,
                    choices=[Choice(label=label, position=i) for i, label in enumerate(labels)],
                )
                for position, (kind, prompt, labels, profile) in enumerate(QUESTIONS)
            ],
        )
        session.add(consultation)
        session.flush()
        questions = [(q.id, q.kind, [c.id for c in q.choices]) for q in consultation.questions]
        consultation_id, profile_id = consultation.id, consultation.questions[6].id
    start = datetime(2025, 6, 1, 8, tzinfo=UTC)
    next_id = 1
    with database.engine.begin() as connection:
        for first in range(0, count, BATCH):
            size = min(BATCH, count - first)
            ids = range(next_id, next_id + size)
            next_id += size
            connection.execute(
                insert(Submission),
                [
                    {
                        "id": id,
                        "consultation_id": consultation_id,
                        "source": Source.online,
                        "form_token": f"bench-{id}",
                        "submitted_at": start + timedelta(minutes=id),
                    }
                    for id in ids
                ],
            )
            connection.execute(
                insert(Answer), [row for id in ids for row in answers(id, questions, rng)]
            )
    with database.transaction() as session:  # the running counts, as answering keeps them
        consultation = session.get(Consultation, consultation_id)
        assert consultation is not None
        rebuild_tallies(session, consultation)
        assert consultation_results(session, consultation).questions[0].respondents == count
    with database.engine.connect() as connection:  # the statistics autovacuum would gather
        if connection.dialect.name == "postgresql":  # the ids above were given, not drawn
            connection.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('consultation_submissions', 'id'), "
                    "(SELECT max(id) FROM consultation_submissions))"
                )
            )
        connection.execute(text("ANALYZE"))
        connection.commit()
    return "bench", consultation_id, profile_id


def answers(submission_id: int, questions: list, rng: random.Random) -> list[dict]:  # type: ignore[type-arg]
    rows = []
    for question_id, kind, choices in questions:
        row = {
            "submission_id": submission_id,
            "question_id": question_id,
            "choice_id": None,
            "scale_value": None,
            "text": None,
            "text_review": None,
        }
        if kind == QuestionKind.single:
            rows.append({**row, "choice_id": rng.choice(choices)})
        elif kind == QuestionKind.multiple:
            rows += [
                {**row, "choice_id": choice} for choice in rng.sample(choices, rng.randint(1, 3))
            ]
        elif kind == QuestionKind.scale:
            rows.append({**row, "scale_value": rng.randint(1, 5)})
        elif rng.random() < 0.2:
            review = TextReview.approved if rng.random() < 0.5 else TextReview.pending
            rows.append({**row, "text": f"Réponse libre {submission_id}", "text_review": review})
    return rows


def timed_ms(call, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), max(timings)


def measure(label: str, database: Database, args: argparse.Namespace) -> str:
    rng = random.Random(42)  # noqa: S311 -- reproducible data, not a secret
    start = time.perf_counter()
    migrate(database)
    slug, consultation_id, profile_id = fill(database, args.submissions, rng)
    with database.new_session() as session:
        answer_rows = session.query(Answer).count()
    note = (
        f"{label}: {args.submissions:,} submissions ({answer_rows:,} answer rows) generated in "
        f"{time.perf_counter() - start:.0f} s"
    )
    client = create_app({"DATABASE": database}).test_client()
    base = f"/c/{slug}/consultations/{consultation_id}"

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        response.get_data()  # the CSV streams: read it to the end

    client.get(base + "/results")  # warm the caches
    rows = [
        ("results page", lambda: get(base + "/results"), 5),
        ("results crossed by age", lambda: get(f"{base}/results?by={profile_id}"), 5),
        ("CSV of every answer", lambda: get(base + "/answers.csv"), 2),
    ]
    for name, call, repeat in rows:
        median, worst = timed_ms(call, repeat)
        target = ("yes" if worst < TARGET_MS else "no") if name.startswith("results") else "—"
        print(f"| {label} | {name} | {median:.0f} | {worst:.0f} | {target} |", flush=True)

    with database.new_session() as session:
        consultation = session.get(Consultation, consultation_id)
        assert consultation is not None
        questions = consultation.questions
        n = iter(range(10**9))

        def store_one() -> None:
            parsed = ParsedAnswers(
                choices=[(questions[0].id, questions[0].choices[0].id)],
                scales=[(questions[3].id, 4)],
                texts=[(questions[5].id, "Bonjour")],
            )
            record_submission(
                session, consultation, parsed, source=Source.online, form_token=f"one-{next(n)}"
            )
            session.commit()

        median, worst = timed_ms(store_one, 50)
        print(f"| {label} | one answer stored | {median:.1f} | {worst:.1f} | — |", flush=True)
    return note


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=100_000)
    args = parser.parse_args()
    print(f"Consultation with {args.submissions:,} submissions:\n")
    print("| database | what | median (ms) | worst (ms) | under 1 s |")
    print("|---|---|---:|---:|:-:|", flush=True)
    notes = []
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(f"sqlite:///{tmp}/bench.db")
        notes.append(measure("SQLite", database, args))
        database.engine.dispose()
    postgres_url = os.environ.get("BENCH_POSTGRES_URL")
    if postgres_url:
        with scratch_postgres(postgres_url) as url:
            database = Database(url)
            notes.append(measure("PostgreSQL", database, args))
            database.engine.dispose()
    print("\n" + "\n".join(f"- {note}" for note in notes))


if __name__ == "__main__":
    main()
