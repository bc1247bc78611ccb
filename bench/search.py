"""Latency of the resource search at 10,000 and 100,000 resources (run by `make bench`, not by
the tests).

Usage: .venv/bin/python bench/search.py [--resources 10000 100000] [--queries 200]
A temporary SQLite database always; PostgreSQL too when BENCH_POSTGRES_URL is set (the bench
creates a scratch database on that server and drops it afterwards). Each timed call is a whole
`search_resources`: one statement, the database's full-text engine (FTS5, or a tsvector with its
GIN index) giving the total, the page of 20 and the five facets. Targets: p95 under 30 ms at
10,000 resources, under 150 ms at 100,000. Also measured: the whole listing page through Flask.
"""

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from coalition import create_app
from coalition.actors.models import Actor, Family
from coalition.coalitions.models import Axis, Coalition, Lever
from coalition.db import Database
from coalition.resources.models import (
    Resource,
    ResourceKind,
    ResourceStatus,
    Tag,
    resource_levers,
    resource_tags,
)
from coalition.resources.search import SearchQuery, search_resources
from coalition.resources.text import search_stems, search_text

PROJECT_DIR = Path(__file__).resolve().parent.parent


def target_ms(resources: int) -> int:
    """The p95 target: 30 ms up to 10,000 resources, 150 ms beyond (measured at 100,000)."""
    return 30 if resources <= 10_000 else 150


# The words of a resource space about responsible digital technology, and everyday French words
# of such summaries; the corpus draws them with Zipf weights (the vocabulary is shuffled first,
# so that domain words sit at every rank). Queries draw their words uniformly from the list.
DOMAIN_WORDS = """
numérique données intelligence artificielle responsable éthique territoire collectivité
citoyens formation usages algorithmes transparence gouvernance sobriété énergie environnement
accessibilité inclusion confiance évaluation risques achats publics commande innovation
recherche entreprises associations santé éducation écoles université emploi compétences
médiation coopération partage ouverture logiciel libre souveraineté sécurité protection vie
privée consentement biais discrimination équité explicabilité contrôle humain décision
automatisée service administration agents usagers démarches dématérialisation fracture
illettrisme accompagnement aidants tiers lieux fablab réseau pôle incubateur startup
financement subvention appel projets marché cahier charges clauses critères impact carbone
empreinte matériel réemploi reconditionnement recyclage déchets électroniques centre calcul
hébergement nuage infrastructure capteurs ville intelligente mobilité transport agriculture
alimentation eau biodiversité climat adaptation résilience crise cybersécurité incident
vulnérabilité audit conformité règlement européen loi droit juridique contrat licence
propriété intellectuelle open source standard interopérabilité qualité fiabilité robustesse
performance mesure indicateur tableau bord observatoire enquête étude rapport guide charte
méthode outil grille référentiel label certification atelier webinaire conférence rencontre
séminaire colloque continue apprentissage pédagogie enseignants élèves étudiants chercheurs
laboratoire expérimentation pilote prototype démonstrateur cas retour expérience bonnes
pratiques recommandations feuille route stratégie plan action programme politique publique
régulation autorité dialogue concertation participation délibération débat consultation
citoyenne jury modèle langage génératif automatique neurones vision reconnaissance faciale
vocale traduction texte image vidéo création culture patrimoine médias presse information
désinformation modération plateformes sociaux jeunesse parentalité handicap seniors autonomie
ruraux quartiers prioritaires outremer montagne
"""
GENERAL_WORDS = """
projet mise œuvre place travail acteurs ensemble nouveau nouvelle nouvelles développement
permet propose présente comment question questions enjeux besoins objectifs mettre faire
aider comprendre proposer partager construire améliorer renforcer favoriser soutenir
développer accompagner identifier analyser présenter décrire expliquer montrer conduire
mener engager lancer organiser réunir former informer sensibiliser mobiliser associer
valoriser diffuser publier réaliser produire concevoir utiliser choisir mesurer suivre
évaluer comparer adapter transformer réduire limiter prévenir garantir assurer respecter
protéger encadrer définir préciser clarifier simplifier faciliter ouvrir rendre premier
première dernier grand grande petit petite large ensemble différents différentes nombreux
nombreuses principaux principales concrets concrètes simples clairs communs commun local
locale locaux national nationale régional régionale international internationale français
française pays région département commune communes métropole état ministère agence direction
équipe équipes personnes professionnels partenaires membres structures organisations
collectif groupe communauté année années mois jours temps période moment exemple exemples
cadre niveau part partie ensemble manière façon point points éléments ressources documents
document synthèse présentation version fiche fiches dossier annexe chapitre sujet sujets
thème thèmes domaine domaines secteur secteurs échelle territoires réflexion analyse
diagnostic bilan résultats conclusions pistes propositions solutions réponses moyens
conditions règles principes valeurs engagement engagements responsabilité responsabilités
rôle rôles place lien liens relation relations échanges coordination animation pilotage
suivi retours témoignages parcours étapes démarche processus phase phases cycle durée
coût coûts budget investissement économie économique économiques social sociale sociétal
humaine humaines durable durables écologique transition transitions avenir futur enjeu
"""
WORDS = list(dict.fromkeys(DOMAIN_WORDS.split() + GENERAL_WORDS.split()))
FILLERS = ["de", "la", "le", "les", "des", "du", "et", "pour", "en", "sur", "dans", "avec", "au"]
LANGUAGES = ["fr"] * 17 + ["en"] * 2 + ["es"]


def zipf(rng: random.Random) -> tuple[list[str], list[float]]:
    ranked = WORDS.copy()
    rng.shuffle(ranked)
    return ranked, [1 / (rank + 20) for rank in range(len(ranked))]  # ranks past function words


def sentence(rng: random.Random, vocabulary: tuple[list[str], list[float]], length: int) -> str:
    words = rng.choices(*vocabulary, k=length)
    out: list[str] = []
    for word in words:
        out.append(word)
        if rng.random() < 0.4:
            out.append(rng.choice(FILLERS))
    return " ".join(out)


def migrate(database: Database) -> None:
    with database.engine.begin() as connection:
        config = Config(str(PROJECT_DIR / "alembic.ini"))
        config.attributes["connection"] = connection
        config.attributes["configure_logger"] = False
        command.upgrade(config, "head")


def fill(database: Database, count: int, rng: random.Random) -> tuple[int, list[int], list[str]]:
    """The bench coalition with `count` resources: its id, its levers and the titles."""
    vocabulary = zipf(rng)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with database.transaction() as session:
        coalition = Coalition(slug="bench", name="Bench")
        session.add(coalition)
        session.flush()
        cid = coalition.id
        axes = [Axis(coalition_id=cid, name=f"Axe {n}") for n in range(8)]
        levers = [Lever(coalition_id=cid, name=f"Levier {n}") for n in range(12)]
        actors = [
            Actor(coalition_id=cid, name=f"Acteur {n}", family=rng.choice(list(Family)))
            for n in range(300)
        ]
        tags = [Tag(coalition_id=cid, name=f"{WORDS[n]} {WORDS[n + 1]}") for n in range(60)]
        session.add_all([*axes, *levers, *actors, *tags])
        session.flush()
        axis_ids = [axis.id for axis in axes]
        lever_ids = [lever.id for lever in levers]
        actor_ids = [actor.id for actor in actors]
        tag_rows = [(tag.id, tag.name) for tag in tags]

    titles: list[str] = []
    batch = 5_000
    for start in range(1, count + 1, batch):
        resources, lever_links, tag_links = [], [], []
        for rid in range(start, min(start + batch, count + 1)):
            title = sentence(rng, vocabulary, rng.randint(3, 8)).capitalize()
            summary = sentence(rng, vocabulary, rng.randint(15, 50)) + "."
            chosen_tags = rng.sample(tag_rows, rng.choice([0, 0, 1, 1, 2, 3]))
            status = rng.choices(list(ResourceStatus), [7, 90, 3])[0]
            published = status == ResourceStatus.published
            titles.append(title)
            folded = search_text(title, summary, [name for _, name in chosen_tags])
            resources.append(
                {
                    "id": rid,
                    "coalition_id": cid,
                    "title": title[:300],
                    "url": f"https://example.org/ressources/{rid}",
                    "kind": rng.choice(list(ResourceKind)),
                    "summary": summary,
                    "language": rng.choice(LANGUAGES),
                    "axis_id": rng.choice(axis_ids) if rng.random() < 0.9 else None,
                    "contributed_by_id": rng.choice(actor_ids) if rng.random() < 0.8 else None,
                    "status": status,
                    "rejection_reason": "",
                    "published_at": now - timedelta(minutes=rng.randint(0, 5 * 525_600))
                    if published
                    else None,
                    "search_text": folded,
                    "search_stems": search_stems(folded),
                    "version": 1,
                }
            )
            for lever_id in rng.sample(lever_ids, rng.choice([0, 1, 1, 2, 3])):
                lever_links.append({"resource_id": rid, "lever_id": lever_id})
            for tag_id, _ in chosen_tags:
                tag_links.append({"resource_id": rid, "tag_id": tag_id})
        with database.engine.begin() as connection:
            connection.execute(insert(Resource.__table__), resources)
            if lever_links:
                connection.execute(insert(resource_levers), lever_links)
            if tag_links:
                connection.execute(insert(resource_tags), tag_links)
    if database.engine.dialect.name == "sqlite":
        with database.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    else:
        # Statistics, and the visibility map that index-only scans need: autovacuum sets it
        # within a minute or so of a bulk load; the bench measures that steady state at once.
        with database.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.execute(text("VACUUM ANALYZE"))
    return cid, lever_ids, titles


def query_sets(
    rng: random.Random, lever_ids: list[int], titles: list[str], count: int
) -> dict[str, list[SearchQuery]]:
    def two_words() -> str:
        words = [w for w in rng.choice(titles).split() if w.lower() not in FILLERS]
        if len(words) < 2:
            return two_words()
        first = rng.randrange(len(words) - 1)
        return f"{words[first]} {words[first + 1]}"

    def phrase() -> str:
        words = rng.choice(titles).split()
        length = min(len(words), rng.choice([2, 3]))
        first = rng.randrange(len(words) - length + 1)
        return '"' + " ".join(words[first : first + length]) + '"'

    kinds = [kind.value for kind in ResourceKind]
    return {
        "one word": [SearchQuery(text=rng.choice(WORDS)) for _ in range(count)],
        "two words": [SearchQuery(text=two_words()) for _ in range(count)],
        "phrase in quotes (2-3 words)": [SearchQuery(text=phrase()) for _ in range(count)],
        "prefix (4 letters)": [SearchQuery(text=rng.choice(WORDS)[:4]) for _ in range(count)],
        "word + kind + lever": [
            SearchQuery(
                text=rng.choice(WORDS), kind=rng.choice(kinds), lever_id=rng.choice(lever_ids)
            )
            for _ in range(count)
        ],
        "kind + lever, by date": [
            SearchQuery(kind=rng.choice(kinds), lever_id=rng.choice(lever_ids), sort="date")
            for _ in range(count)
        ],
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed_ms(call: Callable[[], object]) -> float:
    begin = time.perf_counter()
    call()
    return (time.perf_counter() - begin) * 1000


def measure(label: str, database: Database, resources: int, queries: int) -> list[str]:
    """Fill the database, then print one table row per query set; returns notes on the fill
    and the whole page."""
    rng = random.Random(42)  # noqa: S311 -- reproducible data, not a secret
    start = time.perf_counter()
    migrate(database)
    coalition_id, lever_ids, titles = fill(database, resources, rng)
    notes = [f"{label}: {resources:,} resources generated in {time.perf_counter() - start:.0f} s"]
    target = target_ms(resources)
    with database.new_session(write=False) as session:
        for name, sets in query_sets(rng, lever_ids, titles, queries).items():
            for query in sets[:10]:  # warm the caches
                search_resources(session, coalition_id, query)
            timings, totals = [], []
            for query in sets:
                begin = time.perf_counter()
                result = search_resources(session, coalition_id, query)
                timings.append((time.perf_counter() - begin) * 1000)
                totals.append(result.total)
            session.rollback()
            p95 = percentile(timings, 0.95)
            print(
                f"| {label} | {resources:,} | {name} | {percentile(timings, 0.5):.1f} | {p95:.1f} "
                f"| {statistics.median(totals):.0f} | {percentile(totals, 0.95):.0f} "
                f"| {target} | {'yes' if p95 < target else 'no'} |",
                flush=True,
            )
    try:
        notes.append(page_note(f"{label}, {resources:,}", database, rng))
    except ImportError as error:  # the app is being changed under the bench
        notes.append(f"{label}, {resources:,}: the listing page not measured ({error})")
    return notes


def page_note(label: str, database: Database, rng: random.Random) -> str:
    """The whole listing page (search, the 20 resources, the template) through Flask."""
    app = create_app({"DATABASE": database, "DATABASE_URL": str(database.engine.url)})
    client = app.test_client()
    urls = [f"/c/bench/resources?q={rng.choice(WORDS)}" for _ in range(50)]
    client.get(urls[0])  # the app's first request
    timings = [timed_ms(lambda url=url: client.get(url)) for url in urls]
    return (
        f"{label}: the listing page with one word, through Flask: p50"
        f" {percentile(timings, 0.5):.0f} ms, p95 {percentile(timings, 0.95):.0f} ms"
    )


@contextmanager
def scratch_postgres(url: str) -> Iterator[str]:
    server = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"coalition_bench_search_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    print(f"Search, {args.queries} queries per row:\n")
    print(
        "| database | resources | queries | p50 (ms) | p95 (ms) | matches p50 | matches p95"
        " | target p95 (ms) | met |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|:-:|", flush=True)
    notes = []
    postgres_url = os.environ.get("BENCH_POSTGRES_URL")
    for resources in args.resources:
        with tempfile.TemporaryDirectory() as tmp:
            database = Database(f"sqlite:///{tmp}/bench.db")
            notes.extend(measure("SQLite", database, resources, args.queries))
            database.engine.dispose()
        if postgres_url:
            with scratch_postgres(postgres_url) as url:
                database = Database(url)
                notes.extend(measure("PostgreSQL", database, resources, args.queries))
                database.engine.dispose()
    print("\n" + "\n".join(f"- {note}" for note in notes))


if __name__ == "__main__":
    main()
