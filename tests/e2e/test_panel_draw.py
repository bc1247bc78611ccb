"""A panel drawn by lot, tried as a new facilitator would: a panel of 40 and a reserve of 5, four
features of quotas, a pool of 300 volunteers imported from a spreadsheet, a seed typed and
announced, the draw asked for in the browser and run by the mail worker (`flask send-mail`, in
a process of its own, as in production) while the page shows its progress. Then the panel meets
every quota; the public record shows the seed, the algorithm and its version, the quotas and the
counts, and no volunteer's name or contact; the exports, checked again by `docs/verify_draw.py`
with the library alone, give the same panel and reserve; those drawn who gave a mail get one,
through a real SMTP server, and its link opens the public record on a phone. The axe check on
every page of the journey."""

import csv
import os
import random
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO, serious_violations
from tests.e2e.staffing_server import StaffingServer, staffing_server
from tests.e2e.test_members import log_in

PROJECT_DIR = Path(__file__).resolve().parents[2]
VERIFY = PROJECT_DIR / "docs" / "verify_draw.py"
SLUG = "ia-responsable"
FACILITATOR = "animation@example.org"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
TITLE = "Panel citoyen sur l'IA dans les services publics"
SIZE, RESERVE, POOL = 40, 5, 300
SEED = 20260419  # typed by the facilitator, as if drawn in public
WORKER_SECONDS = 240  # maximin takes about 30 s for 40 out of 300 on the 2-core machine
SUBJECT = f"Vous êtes tiré·e au sort pour « {TITLE} »"
# each feature's values, their shares in the pool, and the quotas: loose enough to be feasible
FEATURES: dict[str, list[tuple[str, int, int, int]]] = {
    "Tranche d'âge": [
        ("18-29 ans", 2, 7, 13),
        ("30-44 ans", 3, 7, 13),
        ("45-59 ans", 3, 7, 13),
        ("60 ans et plus", 4, 7, 13),
    ],
    "Genre": [("Femme", 11, 17, 23), ("Homme", 9, 17, 23)],
    "CSP": [
        ("Cadres", 4, 6, 14),
        ("Professions intermédiaires", 3, 6, 14),
        ("Employés et ouvriers", 3, 6, 14),
        ("Sans activité professionnelle", 2, 6, 14),
    ],
    "Commune": [
        ("Montpellier", 6, 16, 26),
        ("Castelnau-le-Lez", 1, 2, 8),
        ("Lattes", 1, 2, 8),
        ("Autre commune de la Métropole", 2, 6, 14),
    ],
}
QUOTAS = "\n".join(
    f"{feature} ; {value} ; {low} ; {high}"
    for feature, values in FEATURES.items()
    for value, _share, low, high in values
)
FIRST_NAMES = (
    "Albane", "Baptiste", "Capucine", "Dorian", "Elsa", "Florian", "Gaëlle", "Hector", "Iris",
    "Joris", "Katell", "Loïc", "Maëlys", "Noé", "Ombeline", "Prosper", "Quitterie", "Romain",
    "Salomé", "Tristan", "Ursule", "Valentin", "Wanda", "Xavier", "Yolène", "Zacharie",
)  # fmt: skip
LAST_NAMES = (
    "Aubrac", "Belcastel", "Cazals", "Dourbie", "Esparon", "Fontanès", "Ganges", "Hérépian",
    "Lamalou", "Murviel", "Navacelles", "Olargues", "Pézenas", "Quarante", "Roujan", "Sumène",
    "Tressan", "Usclas", "Valmascle", "Vendémian",
)  # fmt: skip


def ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if c.isascii() and c.isalnum()).lower()


def volunteers() -> list[dict[str, str]]:
    """300 fictional volunteers; every tenth gives a phone number instead of a mail."""
    generator = random.Random(19)
    people = []
    for number in range(1, POOL + 1):
        first, last = generator.choice(FIRST_NAMES), generator.choice(LAST_NAMES)
        person = {"Prénom": first, "Nom": f"{last}-{number}", "Mail": "", "Téléphone": ""}
        if number % 10:
            person["Mail"] = f"{ascii_word(first)}.{ascii_word(last)}.{number}@example.org"
        else:
            person["Téléphone"] = f"06 12 34 {number // 100:02d} {number % 100:02d}"
        for feature, values in FEATURES.items():
            person[feature] = generator.choices(
                [value for value, *_ in values], [share for _, share, *_ in values]
            )[0]
        people.append(person)
    return people


def write_pool(path: Path, people: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(people[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(people)
    return path


@pytest.fixture(scope="module")
def coalition_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaffingServer]:
    with staffing_server(tmp_path_factory.mktemp("panel")) as server:
        result = server.app.test_cli_runner().invoke(args=["seed", "--demo-users", str(DEMO)])
        assert result.exit_code == 0, result.output
        yield server


def check(page: Any) -> None:
    page.wait_for_load_state("load")
    assert serious_violations(page) == [], page.url
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def check_still(page: Any) -> None:
    """`check` on a page that reloads itself while a draw runs: loaded once more without its
    Refresh header, so that no reload cuts the axe check short."""

    def without_refresh(route: Any) -> None:
        response = route.fetch()
        headers = {k: v for k, v in response.headers.items() if k.lower() != "refresh"}
        route.fulfill(response=response, headers=headers)

    url = page.url
    page.route(url, without_refresh)
    try:
        page.reload()
        check(page)
    finally:
        page.unroute(url, without_refresh)
    page.reload()  # as it was, reloading itself


def composition(page: Any, caption: str) -> dict[tuple[str, str], tuple[int, int, int, str]]:
    """The quotas table: (feature, value) -> (min, max, pool, what the panel column says)."""
    table = page.get_by_role("table", name=caption)
    expect(table).to_be_visible()
    rows = {}
    for row in table.locator("tbody tr").all():
        feature, value, quota, pool, panel = row.locator("td").all_inner_texts()
        bounds = re.fullmatch(r"(\d+) à (\d+)", quota.strip())
        assert bounds, quota
        low, high = int(bounds[1]), int(bounds[2])
        rows[(feature.strip(), value.strip())] = (low, high, int(pool), panel.strip())
    return rows


def assert_drawn_within_quotas(
    rows: dict[tuple[str, str], tuple[int, int, int, str]], people: list[dict[str, str]]
) -> None:
    expected = {
        (feature, value): (low, high) for feature, values in FEATURES.items()
        for value, _share, low, high in values
    }  # fmt: skip
    assert {key: row[:2] for key, row in rows.items()} == expected
    for (feature, value), (low, high, pool, panel) in rows.items():
        assert pool == sum(1 for person in people if person[feature] == value), (feature, value)
        assert panel.isdigit(), f"{feature} = {value}: {panel!r} (out of its quota?)"
        assert low <= int(panel) <= high, (feature, value, panel)
    for feature in FEATURES:
        assert sum(int(row[3]) for (name, _), row in rows.items() if name == feature) == SIZE


def download(page: Any, link_name: str, path: Path) -> Path:
    with page.expect_download() as started:
        page.get_by_role("link", name=link_name).click()
    started.value.save_as(path)
    return path


def read_export(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as file:
        return list(csv.DictReader(file))


def run_worker(server: StaffingServer) -> subprocess.Popen[str]:
    """`flask --app wsgi send-mail`, once, on the server's database and SMTP server."""
    environment = {
        **os.environ,
        "DATABASE_URL": server.app.config["DATABASE_URL"],
        "SMTP_URL": server.mail.url,
        "BASE_URL": server.url,
        "SECRET_KEY": server.app.config["SECRET_KEY"],
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "send-mail"],
        cwd=PROJECT_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_panel_of_40_drawn_from_300_volunteers_is_on_public_record(
    coalition_server: StaffingServer,
    open_page: Callable[[dict[str, int]], Any],
    tmp_path: Path,
) -> None:
    server, base = coalition_server, coalition_server.url
    people = volunteers()
    desk = open_page(DESKTOP)
    log_in(desk, base, FACILITATOR)

    # the panel, its quotas, its pool
    desk.goto(f"{base}/c/{SLUG}/")
    desk.get_by_role("navigation").get_by_role("link", name="Panels", exact=True).click()
    check(desk)
    desk.get_by_role("link", name="Nouveau panel").click()
    check(desk)
    desk.get_by_label("Titre").fill(TITLE)
    desk.get_by_label("Nombre de membres à tirer au sort").fill(str(SIZE))
    desk.get_by_label("Liste complémentaire").fill(str(RESERVE))
    desk.get_by_role("button", name="Créer le panel").click()
    expect(desk.locator(".flashes")).to_contain_text("Panel créé")
    check(desk)
    manage = desk.url
    desk.get_by_label("Quotas", exact=True).fill(QUOTAS)
    desk.get_by_role("button", name="Enregistrer les quotas").click()
    expect(desk.locator(".flashes")).to_contain_text("Quotas enregistrés")
    check(desk)

    desk.get_by_role("link", name="Importer des volontaires (CSV)").click()
    check(desk)
    desk.get_by_label("Fichier CSV").set_input_files(write_pool(tmp_path / "vivier.csv", people))
    desk.get_by_role("button", name="Voir l'aperçu").click()
    preview = desk.get_by_role("table", name="Chaque ligne du fichier")
    expect(preview.locator("tbody tr")).to_have_count(POOL)
    expect(preview.get_by_role("cell", name=people[-1]["Nom"], exact=True)).to_be_visible()
    expect(desk.get_by_text("ajouter ces 300 volontaires au vivier")).to_be_visible()
    check(desk)
    desk.get_by_role("button", name="Ajouter au vivier").click()
    expect(desk.locator(".flashes")).to_contain_text("300 volontaires ajoutés au vivier")
    expect(desk.locator(".lead")).to_contain_text("300 volontaires dans le vivier")
    pool_table = desk.get_by_role("table", name="Les volontaires", exact=False)
    expect(pool_table.locator("tbody tr")).to_have_count(POOL)
    check(desk)

    # the seed, announced before the draw
    desk.get_by_label("Graine du tirage (facultatif)").fill(str(SEED))
    desk.get_by_role("button", name="Annoncer la graine").click()
    expect(desk.locator(".flashes")).to_contain_text("La graine est annoncée")
    expect(desk.get_by_text(f"Graine annoncée : {SEED}. Algorithme : maximin.")).to_be_visible()
    check(desk)

    # the draw: asked for here, run by the mail worker while the page shows where it is
    desk.get_by_role("button", name="Tirer au sort").click()
    progress = desk.locator(".draw-progress")
    expect(progress).to_contain_text("Tirage en cours (En attente)")
    expect(progress.locator("progress")).to_be_visible()
    check_still(desk)
    worker = run_worker(server)
    try:
        # the page reloads itself (its Refresh header) and follows the run
        expect(progress).to_contain_text("Tirage en cours (En cours)", timeout=60_000)
        _output, errors = worker.communicate(timeout=WORKER_SECONDS)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == 0, errors[-3000:]
    desk.goto(manage)
    expect(desk.get_by_text("Tiré au sort le")).to_be_visible()
    expect(desk.locator(".draw-progress")).to_have_count(0)
    assert_drawn_within_quotas(
        composition(desk, "Le quota, le vivier et le panel pour chaque valeur"), people
    )
    check(desk)
    pool_csv = download(
        desk, "Le vivier anonymisé, pour vérifier le tirage (CSV)", tmp_path / "pool.csv"
    )
    members = read_export(
        download(desk, "Les membres et leurs contacts (CSV)", tmp_path / "members.csv")
    )

    # the public record, for anyone
    visitor = open_page(DESKTOP)
    visitor.goto(f"{base}/c/{SLUG}/panels")
    check(visitor)
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    record = visitor.url
    published_seed = int(visitor.locator(".seed").inner_text())
    assert published_seed == SEED
    facts = visitor.locator("dl.facts")
    expect(facts).to_contain_text("Tiré au sort le")
    expect(facts).to_contain_text(
        f"maximin, bibliothèque sortition-algorithms {version('sortition-algorithms')}"
    )
    expect(facts).to_contain_text("Probabilité d'être tiré·e")
    rows = composition(
        visitor,
        "Pour chaque valeur : le quota du panel, le nombre de volontaires du vivier et de "
        "membres tirés au sort",
    )
    assert_drawn_within_quotas(rows, people)
    html = visitor.content()
    for person in people:
        for shown in (person["Nom"], person["Mail"], person["Téléphone"]):
            assert not shown or shown not in html, f"{shown} is on the public record"
    assert "@example.org" not in html
    check(visitor)
    quotas_csv = download(visitor, "Les quotas (CSV)", tmp_path / "quotas.csv")

    # anyone with the exports and the library draws the same panel and reserve again
    pool = read_export(pool_csv)
    assert Counter(row["result"] for row in pool) == {"panel": SIZE, "reserve": RESERVE, "": 255}
    exported = pool_csv.read_text()
    for person in people:
        assert person["Nom"] not in exported and (person["Mail"] or "@") not in exported
    arguments = ["--pool", str(pool_csv), "--quotas", str(quotas_csv), "--size", str(SIZE)]
    arguments += [
        "--reserve",
        str(RESERVE),
        "--seed",
        str(published_seed),
        "--algorithm",
        "maximin",
    ]
    verify = subprocess.run(  # noqa: S603 - our own script and files
        [sys.executable, str(VERIFY), *arguments],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        capture_output=True,
        text=True,
        timeout=WORKER_SECONDS,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr[-3000:]
    assert "Même panel : oui" in verify.stdout and "Même réserve : oui" in verify.stdout

    # those drawn are mailed, when they gave a mail; the reserve is not
    statuses = Counter(member["statut"] for member in members)
    assert statuses == {"Tiré·e au sort": SIZE, "Liste complémentaire": RESERVE}
    drawn = [member["mail"] for member in members if member["statut"] == "Tiré·e au sort"]
    mailed = [m for m in server.mail.messages if str(m["Subject"]) == SUBJECT]
    assert sorted(str(m["To"]) for m in mailed) == sorted(mail for mail in drawn if mail)
    assert 0 < len(mailed) < SIZE  # with this seed, some of those drawn gave only a phone
    address = str(mailed[0]["To"])
    assert "tiré·e au sort parmi 300 volontaires" in server.mail.text(mailed[0])
    link = server.mail.link(address, "/panels/")
    assert link == record, link

    phone = open_page(PHONE)
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(phone.locator(".seed")).to_have_text(str(SEED))
    expect(phone.get_by_role("table", name=re.compile("^Pour chaque valeur"))).to_be_visible()
    check(phone)
