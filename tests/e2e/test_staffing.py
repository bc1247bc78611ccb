"""Starting and staffing a coalition from the browser, the mails coming through a real SMTP
server: the admin creates it and invites a facilitator; the facilitator joins, frames it,
imports 20 actors from a LibreOffice CSV and invites members; a member joins, edits their
levers, forgets the password and resets it; a second member is removed and their open session
loses access at its next click. Played at a desktop and at a 390px phone viewport; every page
gets the axe check, and on the phone none scrolls sideways."""

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import serious_violations
from tests.e2e.staffing_server import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    StaffingServer,
    staffing_server,
)

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
AXES = [
    ("Former et outiller", "Les agents et les élus comprennent ce que font les algorithmes."),
    ("Commander autrement", "La commande publique exige des systèmes explicables."),
]
LEVERS = [
    ("Formation des agents", "Modules de formation, webinaires, parcours."),
    ("Achats publics responsables", "Clauses et critères dans les marchés."),
    ("Médiation numérique", "Ateliers au plus près des habitants."),
]
MEMBER_ACTOR, LEAVING_ACTOR = "Médiathèque de Pessac", "Région Nouvelle-Aquitaine"
# name, family, kind, territory, website, capacity per lever (in the order of LEVERS)
ACTORS = [
    (MEMBER_ACTOR, "Usage", "Autre", "Pessac", "", ("", "", "2")),
    (LEAVING_ACTOR, "Commande", "Collectivité territoriale", "Nouvelle-Aquitaine",
     "https://www.nouvelle-aquitaine.fr", ("", "forte", "")),
    ("Université de Bordeaux", "Recherche et experts", "Université", "Bordeaux",
     "https://www.u-bordeaux.fr", ("3", "", "")),
    ("Les Petits Débrouillards ; antenne Gironde", "Usage", "Association", "Gironde", "",
     ("", "", "3")),
    ('Collectif "Données en commun"', "Offre", "Réseau ou pôle", "", "", ("1", "", "")),
    ("Fablab du Diois", "Usage", "Laboratoire, fablab ou tiers-lieu", "Die (Drôme)",
     "https://fablab-diois.example", ("", "", "moyenne")),
    ("Inria Bordeaux", "Recherche et experts", "Organisme de recherche", "Talence", "",
     ("2", "", "")),
    ("CNFPT Nouvelle-Aquitaine", "Commande", "Administration ou agence de l'État", "", "",
     ("3", "1", "")),
    ("Bordeaux Métropole", "Commande", "Collectivité territoriale", "Bordeaux", "",
     ("", "3", "")),
    ("Aquinum", "Offre", "Réseau ou pôle", "", "", ("", "", "")),
    ("Cap Sciences", "Usage", "Association", "Bordeaux", "", ("", "", "2")),
    ("École nationale de la magistrature", "Recherche et experts", "École", "Bordeaux", "",
     ("2", "", "")),
    ("Fondation Afnic", "Offre", "Fondation", "", "", ("", "", "1")),
    ("Le Node", "Usage", "Laboratoire, fablab ou tiers-lieu", "Bordeaux", "", ("", "", "")),
    ("Numérique en Commun[s] Gironde", "Usage", "Réseau ou pôle", "Gironde", "",
     ("1", "", "2")),
    ("Datactivist", "Offre", "Entreprise", "Marseille", "https://datactivist.example",
     ("2", "", "")),
    ("Département de la Gironde", "Commande", "Collectivité territoriale", "Gironde", "",
     ("", "2", "")),
    ("Emmaüs Connect Bordeaux", "Usage", "Association", "Bordeaux", "", ("", "", "3")),
    ("Préfecture de la Gironde", "Commande", "Administration ou agence de l'État", "", "",
     ("1", "2", "")),
    ("LaBRI", "Recherche et experts", "Organisme de recherche", "Talence", "", ("", "", "")),
]  # fmt: skip
# the innermost elements that reach past the screen's right edge, to say what to fix
TOO_WIDE = """width => [...document.body.querySelectorAll('*')]
  .filter(e => e.getBoundingClientRect().right > width
    && ![...e.children].some(c => c.getBoundingClientRect().right > width))
  .slice(0, 5)
  .map(e => `${e.tagName.toLowerCase()}.${e.className} `
    + `(${Math.round(e.getBoundingClientRect().right)}px): `
    + (e.textContent || '').trim().slice(0, 60))"""


@pytest.fixture(scope="module")
def staffing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaffingServer]:
    with staffing_server(tmp_path_factory.mktemp("staffing")) as server:
        yield server


def check(page: Any, *, fits: bool = True) -> None:
    """No serious accessibility violation; on a phone, nothing wider than the screen (`fits`:
    checked on the pages of this journey, not on the older ones it passes through)."""
    assert serious_violations(page) == [], page.url
    width = page.viewport_size["width"]
    if fits and width <= PHONE["width"]:
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, (
            f"{page.url} scrolls sideways: {scroll}px on a {width}px screen, past its edge: "
            f"{page.evaluate(TOO_WIDE, width)}"
        )


def flash(page: Any) -> str:
    return str(page.get_by_role("status").first.inner_text())


def log_in(page: Any, email: str, password: str) -> None:
    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    assert flash(page).startswith("Vous êtes connecté")


def join(page: Any, link: str, name: str, password: str) -> None:
    """Follow an invitation's link as a newcomer: name, password, and in."""
    page.goto(link)
    check(page)
    page.get_by_label("Votre nom").fill(name)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_label("Confirmez le mot de passe").fill(password)
    page.get_by_role("button", name="Créer mon compte et rejoindre la coalition").click()
    assert "Bienvenue dans" in flash(page) and name in flash(page)


def coalition_nav(page: Any, label: str) -> None:
    page.get_by_role("navigation", name="Coalition").get_by_role("link", name=label).click()


def libreoffice_csv(header: list[str]) -> bytes:
    """The 20 actors as LibreOffice Calc saves "Texte CSV" in UTF-8 with a BOM: `;` between
    cells, quotes only where a cell needs them, LF line ends (Linux)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    for name, family, kind, territory, website, capacities in ACTORS:
        writer.writerow([name, family, kind, territory, website, *capacities])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# -- the steps -------------------------------------------------------------------------------


def admin_creates_the_coalition(
    admin: Any, staffing: StaffingServer, slug: str, name: str, facilitator: str
) -> None:
    admin.goto(staffing.url + "/")
    log_in(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
    admin.get_by_role("link", name="Administration").click()
    assert admin.get_by_role("heading", level=1).inner_text() == "Les coalitions de l'installation"
    check(admin)
    new = admin.get_by_role("region", name="Nouvelle coalition")
    new.get_by_label("Adresse courte").fill(slug)
    new.get_by_label("Nom", exact=True).fill(name)
    new.get_by_label("Adresses des animateurs ou animatrices").fill(facilitator)
    new.get_by_role("button", name="Créer la coalition et inviter").click()
    assert f"Coalition « {name} » créée" in flash(admin)
    card = admin.get_by_role("listitem").filter(has=admin.get_by_role("heading", name=name))
    assert facilitator in card.inner_text()  # the invitation waits
    check(admin)
    admin.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Comptes"
    ).click()
    check(admin)


def facilitator_frames(page: Any) -> None:
    coalition_nav(page, "Cadrage")
    assert page.get_by_role("heading", level=1).inner_text() == "Cadrage de la coalition"
    check(page)
    for items, form_name, button, done in (
        (AXES, "Ajouter une approche", "Ajouter l'approche", "Approche ajoutée"),
        (LEVERS, "Ajouter un levier", "Ajouter le levier", "Levier ajouté"),
    ):
        for item_name, description in items:
            form = page.get_by_role("form", name=form_name)
            form.get_by_label("Nom").fill(item_name)
            form.get_by_label("Description").fill(description)
            form.get_by_role("button", name=button).click()
            assert done in flash(page)
    axes = page.get_by_role("region", name="Approches").get_by_role("list").first
    levers = page.get_by_role("region", name="Leviers").get_by_role("list").first
    assert [line.split("\n")[0] for line in axes.get_by_role("listitem").all_inner_texts()] == [
        name for name, _ in AXES
    ]
    assert [line.split("\n")[0] for line in levers.get_by_role("listitem").all_inner_texts()] == [
        name for name, _ in LEVERS
    ]
    check(page)


def facilitator_imports(page: Any, staffing: StaffingServer, slug: str) -> None:
    page.goto(f"{staffing.url}/c/{slug}/actors/import")  # no page links to it (see the report)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Importer des acteurs")
    check(page)
    href = page.get_by_role("link", name="Téléchargez le modèle").get_attribute("href")
    template = page.request.get(staffing.url + href)
    assert template.ok and template.body().startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(template.text().lstrip("\ufeff")), delimiter=";"))
    assert header == ["nom", "famille", "type", "territoire", "site web"] + [n for n, _ in LEVERS]
    data = libreoffice_csv(header)
    upload = {"name": "acteurs.csv", "mimeType": "text/csv", "buffer": data}

    page.get_by_label("Fichier CSV").set_input_files(upload)
    page.get_by_role("button", name="Voir l'aperçu").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Aperçu de l'import"
    totals = page.get_by_role("list", name="Totaux").inner_text()
    assert "20 nouveaux" in totals and "0 en erreur" in totals, totals
    rows = page.get_by_role("table", name="Chaque ligne du fichier")
    assert "Les Petits Débrouillards ; antenne Gironde" in rows.inner_text()
    assert 'Collectif "Données en commun"' in rows.inner_text()
    check(page)
    page.get_by_role("button", name="Confirmer l'import").click()
    assert "Acteurs ajoutés : 20" in flash(page)
    directory = page.locator("table.directory tbody th[scope=row]")
    assert directory.count() == 20
    check(page, fits=False)  # the directory's table is wider than a phone (see the report)

    page.goto(f"{staffing.url}/c/{slug}/actors/import")  # the same file again changes nothing
    page.get_by_label("Fichier CSV").set_input_files(upload)
    page.get_by_role("button", name="Voir l'aperçu").click()
    assert "20 inchangés" in page.get_by_role("list", name="Totaux").inner_text()
    assert page.get_by_role("button", name="Confirmer l'import").count() == 0


def facilitator_invites(page: Any, email: str, actor: str) -> None:
    page.get_by_label("Adresses e-mail").fill(email)
    page.get_by_role("radio", name="Membre").check()
    page.get_by_label("Acteur représenté").select_option(label=actor)
    page.get_by_role("button", name="Envoyer les invitations").click()
    assert "1 invitation envoyée" in flash(page)
    pending = page.get_by_role("table", name="Invitations en attente")
    assert pending.get_by_role("row").filter(has_text=email).filter(has_text=actor).count() == 1


def member_edits_a_lever(page: Any, lever: str, capacity: str, note: str) -> None:
    article = page.get_by_role("article", name=lever)
    article.get_by_label(capacity).check()
    article.get_by_label("Note").fill(note)
    article.get_by_role("button", name="Enregistrer").click()


# -- the journey -----------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_start_frame_and_staff_a_coalition(
    staffing: StaffingServer, open_page: Callable[[dict[str, int]], Any], viewport: dict[str, int]
) -> None:
    tag = "phone" if viewport is PHONE else "desktop"
    slug, name = f"coalition-test-{tag}", f"Coalition test ({tag})"
    facilitator, member, leaving = (
        f"{who}-{tag}@example.org" for who in ("animation", "membre", "depart")
    )
    password = "des-pins-et-des-dunes-33"

    admin = open_page(viewport)
    admin_creates_the_coalition(admin, staffing, slug, name, facilitator)

    # the facilitator follows the mail's link and sets a password
    animation = open_page(viewport)
    join(animation, staffing.link(facilitator, "/invitations/"), "Fatou Animatrice", password)
    assert animation.get_by_role("heading", level=1).inner_text() == name
    check(animation)
    facilitator_frames(animation)
    facilitator_imports(animation, staffing, slug)

    coalition_nav(animation, "Personnes")
    assert animation.get_by_role("heading", level=1).inner_text() == "Personnes"
    check(animation)
    facilitator_invites(animation, member, MEMBER_ACTOR)
    facilitator_invites(animation, leaving, LEAVING_ACTOR)
    check(animation)

    # the member accepts (a new account) and edits their levers
    first = open_page(viewport)
    join(first, staffing.link(member, "/invitations/"), "Marc Membre", password)
    first.get_by_role("link", name="Marc Membre : mon compte").click()
    assert first.get_by_role("heading", level=1).inner_text() == "Mon compte"
    check(first)
    first.go_back()
    coalition_nav(first, "Mon organisation")
    assert MEMBER_ACTOR in first.get_by_role("heading", level=1).inner_text()
    check(first)
    member_edits_a_lever(first, "Médiation numérique", "3 – forte", "Ateliers du samedi matin")
    assert "Levier mis à jour" in flash(first)
    first.get_by_role("link", name=MEMBER_ACTOR).first.click()
    held = first.get_by_role("table", name=f"Leviers détenus par {MEMBER_ACTOR}")
    assert "3 – forte" in held.inner_text()
    coalition_nav(first, "Mon organisation")  # the session stays open on this page

    # later, on another device, the member forgot the password and resets it
    device = open_page(viewport)
    device.goto(staffing.url + "/")
    device.get_by_role("link", name="Se connecter").click()
    device.get_by_role("link", name="Mot de passe oublié ?").click()
    assert device.get_by_role("heading", level=1).inner_text() == "Mot de passe oublié"
    check(device)
    device.get_by_label("Adresse e-mail").fill(member)
    device.get_by_role("button", name="Recevoir un lien").click()
    assert f"Si un compte actif utilise l'adresse {member}" in flash(device)
    device.goto(staffing.link(member, "/password/reset/"))
    assert device.get_by_role("heading", level=1).inner_text() == "Choisir un nouveau mot de passe"
    check(device)
    new_password = "les-cigognes-reviennent-en-mars"
    device.get_by_label("Nouveau mot de passe", exact=True).fill(new_password)
    device.get_by_label("Confirmez le nouveau mot de passe").fill(new_password)
    device.get_by_role("button", name="Enregistrer le mot de passe").click()
    assert "Votre mot de passe a été changé" in flash(device)
    log_in(device, member, new_password)
    # the session left open before the reset is over: its next click goes to the login page
    member_edits_a_lever(first, "Médiation numérique", "1 – faible", "Jamais enregistré")
    assert first.get_by_role("heading", level=1).inner_text() == "Connexion"

    # a second member joins, their session open on their organisation's page
    second = open_page(viewport)
    join(second, staffing.link(leaving, "/invitations/"), "Régis Départ", password)
    coalition_nav(second, "Mon organisation")
    assert LEAVING_ACTOR in second.get_by_role("heading", level=1).inner_text()

    # the facilitator removes them: their very next click is refused
    animation.reload()
    animation.get_by_role("link", name="Modifier : Régis Départ").click()
    assert animation.get_by_role("heading", level=1).inner_text() == "Régis Départ"
    check(animation)
    animation.get_by_role("button", name="Retirer Régis Départ de la coalition").click()
    assert "Régis Départ ne fait plus partie de la coalition" in flash(animation)
    people = animation.get_by_role("table", name="Les personnes de la coalition")
    assert "Régis Départ" not in people.inner_text() and "Marc Membre" in people.inner_text()
    member_edits_a_lever(second, "Achats publics responsables", "1 – faible", "Refusé")
    assert second.get_by_role("heading", level=1).inner_text() == "Accès refusé"
    check(second)
    second.goto(f"{staffing.url}/c/{slug}/")
    expect(second.get_by_role("link", name="Régis Départ : mon compte")).to_be_visible()
    nav = second.get_by_role("navigation", name="Coalition")
    assert nav.get_by_role("link", name="Mon organisation").count() == 0

    # the admin sees the coalition and its facilitator
    admin.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Coalitions"
    ).click()
    card = admin.get_by_role("listitem").filter(has=admin.get_by_role("heading", name=name))
    assert "Fatou Animatrice" in card.inner_text()
    admin.get_by_role("link", name="Comptes").click()
    admin.get_by_label("Nom ou adresse e-mail").fill(tag)
    admin.get_by_role("button", name="Chercher").click()
    assert "3 comptes" in flash(admin)
    check(admin)
