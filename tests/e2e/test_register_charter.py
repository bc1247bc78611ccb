"""The register and the charter in the browser, as issue 20 says they are done: a member of
Métropole de Lyon records an AI use, a draft the public does not see; the facilitator publishes
it; the public finds it with the filter "Décisions individuelles : oui", opens it, downloads the
register as JSON and finds there every field the schema page documents, with its documented
type. Then the member signs the charter for Métropole de Lyon, the charter page lists it under
its family; a new version puts it under "À signer de nouveau" and its actor page says so.

The app runs on a server of its own (the demo seed and one account made with `flask
create-user` and `flask add-membership`), so that publishing charter versions changes no other
journey. The axe check on every page, no sideways scroll; the public steps on a desktop and on a
390 px phone. Whatever the seed holds of the register and the charter, the journey makes its own.
"""

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO, serious_violations
from tests.e2e.staffing_server import StaffingServer, staffing_server

SLUG = "ia-responsable"
FACILITATOR, DEMO_PASSWORD = "animation@example.org", "coalition-demo-2021"
MEMBER, MEMBER_NAME = "camille.lyon@example.org", "Camille Rivière"
MEMBER_PASSWORD = "confluence-rhone-saone-2026"  # a test account on a throwaway database
MEMBER_ROLE = "Cheffe du service de la donnée"
OWNER, FAMILY = "Métropole de Lyon", "Commande"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ENTRY = {
    "name": "Aide à l'instruction des demandes d'aide au logement étudiant",
    "purpose": "Pré-remplir le dossier et signaler les pièces manquantes à l'agent instructeur.",
    "human_oversight": "Un agent instructeur relit chaque dossier et décide seul de l'aide.",
    "data_used": "Formulaire de demande, avis d'imposition, attestation de scolarité.",
    "source_code_url": "https://code.example.org/metropole-lyon/aide-logement-etudiant",
}
CHARTER_TEXT = "1. **Rendre compte** de chaque algorithme public.\n2. Garder la main."
CHANGES = "Ajout d'un engagement : publier chaque année le bilan de chaque système."


@pytest.fixture(scope="module")
def coalition_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaffingServer]:
    with staffing_server(tmp_path_factory.mktemp("register")) as server:
        runner = server.app.test_cli_runner()
        for args in (
            ["seed", "--demo-users", str(DEMO)],
            ["create-user", MEMBER, "--name", MEMBER_NAME, "--password", MEMBER_PASSWORD],
            ["add-membership", MEMBER, SLUG, "--role", "member", "--actor", OWNER],
        ):
            result = runner.invoke(args=args)
            assert result.exit_code == 0, result.output
        yield server


def log_in(page: Any, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def check(page: Any) -> None:
    page.wait_for_load_state("load")
    assert serious_violations(page) == [], page.url
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


# -- the register -------------------------------------------------------------------------


def record_entry(member: Any, base: str) -> str:
    """The member declares the use from their organisation's page; the entry's address."""
    member.goto(f"{base}/c/{SLUG}/")
    member.get_by_role("navigation", name="Coalition").get_by_role(
        "link", name="Mon organisation"
    ).click()
    expect(member.get_by_role("heading", level=1)).to_contain_text(OWNER)
    check(member)
    member.get_by_role("link", name="Déclarer un usage d'IA ou un algorithme").click()
    expect(member.locator("#owner")).to_have_text(f"Organisation qui déclare cet usage : {OWNER}")
    member.get_by_label("Nom du système ou de l'usage").fill(ENTRY["name"])
    member.get_by_label("À quoi il sert").fill(ENTRY["purpose"])
    member.get_by_role("group", name="État").get_by_label("En service").check()
    member.get_by_label("Il intervient dans des décisions individuelles").check()
    member.get_by_label("Contrôle humain").fill(ENTRY["human_oversight"])
    member.get_by_label("Données utilisées").fill(ENTRY["data_used"])
    member.get_by_label("Il traite des données personnelles").check()
    member.get_by_label("Code source (adresse web, facultatif)").fill(ENTRY["source_code_url"])
    check(member)
    member.get_by_role("button", name="Enregistrer").click()
    expect(member.locator(".flashes")).to_contain_text("Fiche enregistrée")
    expect(member.get_by_role("heading", level=1)).to_have_text(ENTRY["name"])
    expect(member.locator(".notice")).to_contain_text("Brouillon")
    check(member)
    return str(member.url)


def schema_fields(page: Any) -> dict[str, tuple[str, bool, list[str]]]:
    """The schema page's fields: name -> (type as written, always given, codes listed)."""
    rows = page.eval_on_selector_all(
        "section[aria-labelledby=fields] tbody tr",
        """rows => rows.map(r => ({
          name: r.querySelector('th code').textContent.trim(),
          type: r.cells[3].childNodes[0].textContent.trim(),
          codes: [...r.cells[3].querySelectorAll('.codes code')].map(c => c.textContent.trim()),
        }))""",
    )
    fields = {}
    for row in rows:
        kind, always, _ = row["type"].partition(", toujours renseigné")
        fields[row["name"]] = (kind.strip(), bool(always), row["codes"])
    return fields


def has_documented_type(value: Any, kind: str, always: bool, codes: list[str]) -> bool:
    """The value as the schema page says it is written; null only where it may be absent."""
    if value is None:
        return not always
    if kind == "entier":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "texte":
        return isinstance(value, str)
    if kind == "code":
        return value in codes
    if kind.startswith("booléen"):
        return isinstance(value, bool)
    if kind.startswith("date et heure ISO 8601"):
        return isinstance(value, str) and datetime.fromisoformat(value).utcoffset() is not None
    if kind == "adresse web":
        given = isinstance(value, str) and re.match(r"https?://", value) is not None
        return given or (value == "" and not always)
    if kind.startswith("liste de noms"):
        return isinstance(value, list) and all(isinstance(name, str) for name in value)
    raise AssertionError(f"the schema page names a type this test does not know: {kind!r}")


def public_finds_the_entry(visitor: Any, base: str, entry_url: str, json_path: Path) -> None:
    """Logged out: the register, filtered on individual decisions, the entry, the JSON."""
    visitor.goto(f"{base}/c/{SLUG}/")
    visitor.get_by_role("navigation", name="Coalition").get_by_role(
        "link", name="Registre", exact=True
    ).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(
        "Registre des algorithmes et de l'IA"
    )
    check(visitor)
    filters = visitor.get_by_role("form", name="Filtrer le registre")
    filters.get_by_label("Décisions individuelles").select_option(label="Oui")
    filters.get_by_role("button", name="Filtrer").click()
    expect(visitor).to_have_url(re.compile(r"[?&]decisions=yes(&|$)"))
    expect(filters.get_by_label("Décisions individuelles")).to_have_value("yes")
    cards = visitor.locator("main ul.cards > li")
    expect(cards.first).to_be_visible()
    for card in cards.all():  # every entry the filter keeps takes part in individual decisions
        expect(card.locator(".badge", has_text="Décisions individuelles")).to_have_count(1)
    check(visitor)
    card = cards.filter(has=visitor.get_by_role("link", name=ENTRY["name"], exact=True))
    expect(card).to_contain_text(OWNER)
    expect(card).to_contain_text("En service")
    card.get_by_role("link", name=ENTRY["name"], exact=True).click()
    assert visitor.url == entry_url
    facts = visitor.locator("dl.facts")
    expect(facts).to_contain_text(OWNER)
    expect(facts.get_by_role("link", name=ENTRY["source_code_url"])).to_be_visible()
    expect(visitor.get_by_text(ENTRY["human_oversight"])).to_be_visible()
    expect(visitor.get_by_text("Brouillon")).to_have_count(0)
    check(visitor)

    # the schema page, then the JSON through the register's own link
    visitor.go_back()
    visitor.get_by_role("link", name="Description des champs").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Le registre en données ouvertes")
    check(visitor)
    fields = schema_fields(visitor)
    assert {"name", "individual_decisions", "source_code_url"} <= set(fields), fields
    with visitor.expect_download() as started:
        visitor.get_by_role("link", name="Le registre en JSON").click()
    started.value.save_as(json_path)
    document = json.loads(json_path.read_text(encoding="utf-8"))
    [record] = [e for e in document["entries"] if e["name"] == ENTRY["name"]]
    assert set(record) == set(fields), set(record) ^ set(fields)
    wrong = {
        name: (record[name], kind)
        for name, (kind, always, codes) in fields.items()
        if not has_documented_type(record[name], kind, always, codes)
    }
    assert wrong == {}, wrong
    assert record["url"] == entry_url
    assert record["owner"] == OWNER and record["owner_family"] == "procurement"
    assert record["status"] == "in_use" and record["status"] in fields["status"][2]
    assert record["individual_decisions"] is True and record["personal_data"] is True
    for name in ("purpose", "human_oversight", "data_used", "source_code_url"):
        assert record[name] == ENTRY[name], name
    assert record["published_at"] is not None


def test_an_ai_use_recorded_by_a_member_is_published_and_found_by_the_public(
    coalition_server: StaffingServer,
    open_page: Callable[[dict[str, int]], Any],
    tmp_path: Path,
) -> None:
    base = coalition_server.url
    member = open_page(DESKTOP)
    log_in(member, base, MEMBER, MEMBER_PASSWORD)
    entry_url = record_entry(member, base)

    # a draft: neither in the public list nor at its address
    stranger = open_page(DESKTOP)
    stranger.goto(f"{base}/c/{SLUG}/register")
    expect(stranger.get_by_role("heading", level=1)).to_be_visible()
    expect(stranger.get_by_role("link", name=ENTRY["name"])).to_have_count(0)
    assert stranger.goto(entry_url).status == 404

    facilitator = open_page(DESKTOP)
    log_in(facilitator, base, FACILITATOR, DEMO_PASSWORD)
    facilitator.goto(f"{base}/c/{SLUG}/register")
    drafts = facilitator.get_by_role("region", name="Fiches en attente de publication")
    drafts.get_by_role("link", name=ENTRY["name"], exact=True).click()
    check(facilitator)
    facilitator.get_by_role("button", name="Publier la fiche").click()
    expect(facilitator.locator(".flashes")).to_contain_text("Fiche publiée")
    expect(facilitator.get_by_role("button", name="Retirer du registre public")).to_be_visible()
    check(facilitator)
    facilitator.get_by_role("link", name="Historique des versions").click()
    expect(facilitator.get_by_role("heading", level=1)).to_be_visible()
    check(facilitator)

    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        public_finds_the_entry(open_page(viewport), base, entry_url, tmp_path / f"{name}.json")


# -- the charter --------------------------------------------------------------------------


def publish_version(facilitator: Any, base: str, text: str) -> int:
    """The facilitator publishes the next version of the charter; its number."""
    facilitator.goto(f"{base}/c/{SLUG}/charter")
    facilitator.get_by_role(
        "link", name=re.compile("^(Écrire la première version|Publier une nouvelle version)$")
    ).click()
    heading = facilitator.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Publier la version \d+ de la charte$"))
    number = int(re.findall(r"\d+", heading.inner_text())[0])
    check(facilitator)
    facilitator.get_by_label("Titre").fill("Charte pour des algorithmes et des IA responsables")
    facilitator.get_by_label("Texte de la charte").fill(text)
    facilitator.get_by_label("Ce que cette version change").fill(CHANGES)
    facilitator.get_by_role("button", name="Publier").click()
    expect(facilitator.locator(".flashes")).to_have_text(f"Version {number} de la charte publiée.")
    expect(facilitator.locator(".lead")).to_contain_text(f"Version {number}, publiée le")
    check(facilitator)
    return number


def public_sees_a_signature_to_renew(visitor: Any, base: str, signed: int, current: int) -> None:
    """The charter page asks the actor to sign again; so does the actor's page."""
    visitor.goto(f"{base}/c/{SLUG}/charter")
    expect(
        visitor.get_by_role("heading", level=2, name=f"Ce qui a changé depuis la version {signed}")
    ).to_be_visible()
    expect(visitor.get_by_text(CHANGES)).to_be_visible()
    signatories = visitor.get_by_role("region", name=f"Les signataires de la version {current}")
    expect(signatories.get_by_role("link", name=OWNER, exact=True)).to_have_count(0)
    again = visitor.get_by_role("region", name="À signer de nouveau")
    row = again.get_by_role("listitem").filter(
        has=visitor.get_by_role("link", name=OWNER, exact=True)
    )
    expect(row.locator(".badge")).to_have_text(f"v{signed} signée · à signer de nouveau")
    check(visitor)
    row.get_by_role("link", name=OWNER, exact=True).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(OWNER)
    expect(visitor.locator(".charter-badge")).to_have_text(
        f"Charte v{signed} signée · v{current} à signer de nouveau"
    )
    check(visitor)


def test_an_actor_signs_the_charter_and_is_asked_to_sign_its_new_version(
    coalition_server: StaffingServer, open_page: Callable[[dict[str, int]], Any]
) -> None:
    base = coalition_server.url
    facilitator = open_page(DESKTOP)
    log_in(facilitator, base, FACILITATOR, DEMO_PASSWORD)
    signed = publish_version(facilitator, base, CHARTER_TEXT)

    member = open_page(DESKTOP)
    log_in(member, base, MEMBER, MEMBER_PASSWORD)
    member.goto(f"{base}/c/{SLUG}/")
    member.get_by_role("navigation", name="Coalition").get_by_role(
        "link", name="Charte", exact=True
    ).click()
    signing = member.get_by_role("region", name=f"Signer au nom de {OWNER}")
    expect(signing).to_contain_text(f"la version {signed} de la charte")
    expect(signing.get_by_label("Votre nom")).to_have_value(MEMBER_NAME)
    signing.get_by_label("Votre fonction").fill(MEMBER_ROLE)
    check(member)
    signing.get_by_role("button", name=f"Signer au nom de {OWNER}").click()
    expect(member.locator(".flashes")).to_have_text(f"Vous avez signé la charte au nom de {OWNER}.")
    check(member)

    visitor = open_page(DESKTOP)
    visitor.goto(f"{base}/c/{SLUG}/charter")
    signatories = visitor.get_by_role("region", name=f"Les signataires de la version {signed}")
    family = signatories.get_by_role("region", name=re.compile(rf"^{FAMILY} \(\d+\)$"))
    line = family.get_by_role("listitem").filter(
        has=visitor.get_by_role("link", name=OWNER, exact=True)
    )
    expect(line).to_contain_text(f"signée par {MEMBER_NAME} ({MEMBER_ROLE})")
    again = visitor.get_by_role("region", name="À signer de nouveau")
    expect(again.get_by_role("link", name=OWNER, exact=True)).to_have_count(0)
    check(visitor)

    # a new version: the actor's signature is of the previous one, asked again
    current = publish_version(facilitator, base, CHARTER_TEXT + "\n3. Publier un bilan annuel.")
    assert current == signed + 1
    for viewport in (DESKTOP, PHONE):
        public_sees_a_signature_to_renew(open_page(viewport), base, signed, current)

    # the member is offered the new version to sign
    member.reload()
    expect(member.get_by_role("region", name=f"Signer au nom de {OWNER}")).to_contain_text(
        f"la version {current} de la charte"
    )
