"""Reading a spreadsheet of actors, without an app or a database."""

import csv
import io
from random import Random

import pytest

from coalition.actors.import_csv import (
    MAX_BYTES,
    FileRefused,
    Sealed,
    column_letter,
    decode,
    guess_separator,
    seal,
    spreadsheet_csv,
    unseal,
)
from coalition.actors.import_plan import ExistingActor, Outcome, plan
from coalition.actors.importing import (
    MAX_ROWS,
    LeverRef,
    Sheet,
    Vocabulary,
    capacity,
    lever_header,
    parse,
    template_rows,
)
from coalition.actors.models import ActorKind, Family
from coalition.actors.routes_import import CONFIRM_BODY_LIMIT

TRAINING, PURCHASE = LeverRef(1, "Formation"), LeverRef(2, "Achat public")
OLD = LeverRef(3, "Vieux", is_retired=True)
VOCABULARY = Vocabulary.of(
    [TRAINING, PURCHASE, OLD],
    {
        Family.research: ["Recherche et experts", "Research and experts"],
        Family.use: ["Usage", "Use"],
        Family.supply: ["Offre", "Supply"],
        Family.procurement: ["Commande", "Procurement"],
    },
    {ActorKind.association: ["Association"], ActorKind.lab: ["Laboratoire, fablab ou tiers-lieu"]},
)


def read(data: bytes) -> Sheet:
    text, encoding = decode(data)
    return parse(text, VOCABULARY, encoding=encoding)


def refusal(data: bytes) -> FileRefused:
    with pytest.raises(FileRefused) as refused:
        read(data)
    return refused.value


def problems(sheet: Sheet) -> list[tuple[int, str, str]]:
    return [(p.row, p.letter, str(p.message)) for row in sheet.rows for p in row.problems]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("separator", [";", ",", "\t"])
@pytest.mark.parametrize("line_end", ["\r\n", "\n"])
def test_utf8_with_or_without_bom_any_separator_and_line_end(
    bom: bytes, separator: str, line_end: str
) -> None:
    lines = [["Nom", "Famille", "Territoire"], ["Fablab é", "usage", "Die"], ["Lab", "offre", ""]]
    text = line_end.join(separator.join(cells) for cells in lines) + line_end
    sheet = read(bom + text.encode())
    assert [c.field for c in sheet.columns] == ["name", "family", "territory"]
    assert [(r.number, r.name, r.values) for r in sheet.rows] == [
        (2, "Fablab é", {"family": Family.use, "territory": "Die"}),
        (3, "Lab", {"family": Family.supply}),
    ]
    assert sheet.separator == separator


def test_quoted_fields_keep_separators_quotes_and_line_breaks() -> None:
    data = (
        'nom;territoire;site web\r\n"Fablab; ""Le Lieu""";"Die\r\n(Drôme)";https://a.fr\r\n'
        '"Atelier, coop";Crest;\r\n'
    ).encode()
    sheet = read(data)
    assert [(r.number, r.name, r.values) for r in sheet.rows] == [
        (2, 'Fablab; "Le Lieu"', {"territory": "Die (Drôme)", "website": "https://a.fr"}),
        (3, "Atelier, coop", {"territory": "Crest"}),  # a record over two lines is one row
    ]
    assert sheet.separator == ";"


def test_a_separator_inside_quotes_of_the_header_is_not_counted() -> None:
    assert guess_separator('"a;b;c",d\r\n1,2') == ","
    assert guess_separator("nom\r\nx") == ";"


def test_blank_rows_and_trailing_empty_columns_are_skipped_but_rows_keep_their_number() -> None:
    sheet = read(b"nom;famille;;\r\n;;;\r\nA;usage;;\r\n\r\nB;offre;;\r\n")
    assert [(r.number, r.name) for r in sheet.rows] == [(3, "A"), (5, "B")]


def test_headers_and_labels_in_french_or_english_any_case_or_accent() -> None:
    data = (
        "NAME;Family;KIND;Territory;WebSite;levier : FORMATION;achat PUBLIC\r\n"
        "A;Research and experts;laboratoire, fablab ou tiers lieu;Die;https://a.fr;forte;1\r\n"
        "B;RECHERCHE ET EXPERTS;association;;;2 – moyenne;\r\n"
        "C;procurement;Lab;;;Faible;3\r\n"
    ).encode()
    sheet = read(data)
    assert problems(sheet) == []
    assert [(r.values.get("family"), r.values.get("kind"), r.capacities) for r in sheet.rows] == [
        (Family.research, ActorKind.lab, {1: 3, 2: 1}),
        (Family.research, ActorKind.association, {1: 2}),
        (Family.procurement, ActorKind.lab, {1: 1, 2: 3}),
    ]


@pytest.mark.parametrize(
    ("cell", "value"),
    [("1", 1), ("2", 2), ("3", 3), ("3,0", 3), ("faible", 1), ("Moyenne", 2), ("FORTE", 3),
     ("strong", 3), ("1 – faible", 1), ("0", None), ("4", None), ("2 – forte", None),
     ("beaucoup", None), ("1,5", None)],
)  # fmt: skip
def test_capacities(cell: str, value: int | None) -> None:
    assert capacity(cell) == value


def test_windows_1252_from_excel_is_read_and_said() -> None:
    sheet = read("nom;famille\r\nÉcole d'été;Usage\r\n".encode("cp1252"))
    assert sheet.encoding == "windows-1252"
    assert sheet.rows[0].name == "École d'été"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "vide"),
        (b"\xef\xbb\xbf\r\n\r\n", "vide"),
        (b"PK\x03\x04\x14\x00\x06\x00", "classeur"),  # .xlsx or .ods
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "classeur"),  # .xls
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "pas un CSV"),
        ("nom\r\n".encode("utf-16"), "UTF-16"),
        (b"nom;famille\r\nA\x07;usage\r\n", "pas un CSV"),
        (b"nom;famille\r\n", "que l'en-tête"),
        (b"x;y\r\n1;2\r\n", "pas un en-tête"),
        (b";;\r\nA;usage;\r\n", "vide"),
    ],
)
def test_files_that_are_not_a_sheet_of_actors_are_refused(data: bytes, message: str) -> None:
    assert message in str(refusal(data))


def test_too_many_rows_are_refused() -> None:
    rows = "".join(f"Acteur {n};usage\r\n" for n in range(MAX_ROWS + 1))
    assert "plus de 2\u202f000 acteurs" in str(refusal(("nom;famille\r\n" + rows).encode()))
    rows = "".join(f"Acteur {n};usage\r\n" for n in range(MAX_ROWS))
    assert len(read(("nom;famille\r\n" + rows).encode()).rows) == MAX_ROWS


def test_header_problems_name_row_1_and_the_column() -> None:
    refused = refusal(
        b"nom;famille;Formation;nom;levier : formation;Couleur;levier : Inconnu;;x\r\n"
        b"A;usage;;;;;;valeur;\r\n"
    )
    assert [(p.row, p.letter, p.header, str(p.message)[:30]) for p in refused.problems] == [
        (1, "D", "nom", "Cette colonne répète la colonn"),
        (1, "E", "levier : formation", "Cette colonne répète la colonn"),
        (1, "F", "Couleur", "Colonne inconnue : les colonne"),
        (1, "G", "levier : Inconnu", "Le levier « Inconnu » n'existe"),
        (1, "H", "", "Cette colonne n'a pas d'en-têt"),
        (1, "I", "x", "Colonne inconnue : les colonne"),
    ]
    refused = refusal(b"famille;Formation\r\nusage;2\r\n")
    assert [str(p.message) for p in refused.problems] == ["La colonne « nom » manque."]


def test_row_problems_name_row_and_column() -> None:
    sheet = read(
        "nom;famille;type;site web;Formation;Vieux\r\n"
        "A;Banque;;;;\r\n"
        "B;usage;Café;www.b.fr;9;\r\n"
        ";usage;;;;\r\n"
        "D;usage;;;;2\r\n"
        "E;usage;;;;;en trop\r\n".encode()
    )
    assert [(row, letter, message[:28]) for row, letter, message in problems(sheet)] == [
        (2, "B", "La famille « Banque » n'exis"),
        (3, "C", "Le type « Café » n'existe pa"),
        (3, "D", "L'adresse du site doit comme"),
        (3, "E", "Capacité « 9 » inconnue : 1,"),
        (4, "", "Le nom est obligatoire."),
        (5, "F", "Le levier « Vieux » est reti"),  # a retired lever chosen
        (6, "G", "Cette case est hors des colo"),
    ]


def test_a_quote_that_kept_a_formula_inert_is_taken_off() -> None:
    sheet = read(b"nom;famille\r\n'=Acteur;usage\r\n")
    assert sheet.rows[0].name == "=Acteur"


EXISTING = {
    "A": ExistingActor(10, "A", Family.use, ActorKind.other, "Die", None, {1: 2}),
    "B": ExistingActor(11, "B", Family.supply, ActorKind.lab, "", "https://b.fr", {}),
}


def test_plan_new_updated_unchanged_and_errors() -> None:
    sheet = read(
        b"nom;famille;territoire;Formation;Achat public\r\n"
        b"A;usage;;2;\r\n"  # blank cells change nothing
        b"B;commande;Crest;3;1\r\n"
        b"C;offre;;;2\r\n"
        b"D;;;;\r\n"  # a new actor needs a family
        b"c;usage;;;\r\n"  # the same name twice
    )
    found = plan(sheet, EXISTING)
    assert [(e.row, e.name, e.outcome) for e in found.entries] == [
        (2, "A", Outcome.unchanged),
        (3, "B", Outcome.updated),
        (4, "C", Outcome.new),
        (5, "D", Outcome.error),
        (6, "c", Outcome.error),
    ]
    changes = {(c.field, c.before, c.after, c.lever_id) for c in found.entries[1].changes}
    assert changes == {
        ("family", Family.supply, Family.procurement, None),
        ("territory", "", "Crest", None),
        ("lever", None, 3, 1),
        ("lever", None, 1, 2),
    }
    assert str(found.entries[3].problems[0].message).startswith("La famille est obligatoire")
    assert found.entries[3].problems[0].letter == "B"
    assert str(found.entries[4].problems[0].message) == "Ce nom figure déjà à la ligne 4."
    assert found.has_errors and found.totals[Outcome.error] == 2
    assert found.lever_names == {1: "Formation", 2: "Achat public"}


def test_a_holding_left_blank_is_kept_and_a_changed_capacity_is_an_update() -> None:
    found = plan(read(b"nom;Formation\r\nA;\r\nB;faible\r\n"), EXISTING)
    assert [e.outcome for e in found.entries] == [Outcome.unchanged, Outcome.updated]
    assert not found.has_errors and found.has_changes


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


def test_the_template_reads_back_as_a_spreadsheet_and_through_the_import() -> None:
    levers = [TRAINING, OLD, LeverRef(4, "Territoire"), LeverRef(5, "=SOMME(A1)")]
    example = ["Exemple", "Usage", "Association", "Die", "https://exemple.org"]
    data = spreadsheet_csv(template_rows(levers, language="fr", example=example))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows == [
        ["nom", "famille", "type", "territoire", "site web", "Formation", "levier : Territoire",
         "'=SOMME(A1)"],
        ["Exemple", "Usage", "Association", "Die", "https://exemple.org", "2", "", ""],
    ]  # fmt: skip
    assert b"\r\n" in data
    vocabulary = Vocabulary.of(levers, {Family.use: ["Usage"]}, {})
    text, encoding = decode(data)
    sheet = parse(text, vocabulary, encoding=encoding)
    assert [c.lever.id for c in sheet.columns if c.lever] == [1, 4, 5]
    assert sheet.rows[0].capacities == {1: 2}
    assert lever_header("levier : x") == "levier : levier : x"


def test_a_sealed_text_comes_back_only_for_its_coalition_and_unaltered() -> None:
    token = seal("secret", 7, "nom\r\nA\r\n", "utf-8", shown="abc")
    assert unseal("secret", 7, token) == Sealed("nom\r\nA\r\n", "utf-8", "abc")
    for key, coalition, sealed in [
        ("secret", 8, token),
        ("other", 7, token),
        ("secret", 7, token[:-2] + "xx"),
    ]:
        with pytest.raises(FileRefused):
            unseal(key, coalition, sealed)
    with pytest.raises(FileRefused):
        unseal("secret", 7, token, max_age=-1)


def test_the_largest_file_sealed_fits_in_the_confirmation_body() -> None:
    random = Random(1)
    alphabet = [chr(c) for c in (*range(32, 127), *range(0xA0, 0x100))]  # accents: JSON escapes
    text = "".join(random.choice(alphabet) for _ in range(MAX_BYTES))
    assert len(seal("secret", 1, text, "windows-1252", shown="x" * 32)) < CONFIRM_BODY_LIMIT / 2
