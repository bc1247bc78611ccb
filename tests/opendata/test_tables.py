"""CSV and JSON forms of the open datasets: pure functions, no app, no database."""

import csv
import io
import json

import pytest

from coalition.core.exports import csv_cell, neutralise, to_csv, to_json
from coalition.opendata.columns import DATASETS
from coalition.opendata.tables import TABLES


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+33 1 23 45 67 89", "'+33 1 23 45 67 89"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Acteur = partenaire", "Acteur = partenaire"),
        (" =1+1", " =1+1"),
        ("'déjà cité", "'déjà cité"),
        ("", ""),
        ("Éducation populaire", "Éducation populaire"),
    ],
)
def test_neutralise(value: str, expected: str) -> None:
    assert neutralise(value) == expected


def test_cells_of_each_type() -> None:
    assert csv_cell(None) == ""
    assert csv_cell(True) == "true"
    assert csv_cell(False) == "false"
    assert csv_cell(42) == "42"
    assert csv_cell("=1") == "'=1"


def test_csv_has_a_header_crlf_line_ends_and_minimal_quoting() -> None:
    rows = [
        {"id": 1, "name": 'Virgule, "guillemets"', "note": "ligne 1\nligne 2"},
        {"id": 2, "name": "Simple", "note": None},
    ]
    text = to_csv(["id", "name", "note"], rows)
    assert not text.startswith("\ufeff")
    assert text.startswith("id,name,note\r\n")
    assert "2,Simple,\r\n" in text
    assert '"Virgule, ""guillemets"""' in text
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["id", "name", "note"],
        ["1", 'Virgule, "guillemets"', "ligne 1\nligne 2"],
        ["2", "Simple", ""],
    ]


def test_csv_and_json_follow_the_header_order_and_json_is_not_neutralised() -> None:
    rows = [{"b": "=2", "a": 1, "c": None}]
    assert to_csv(["a", "b"], rows) == "a,b\r\n1,'=2\r\n"
    assert json.loads(to_json(["a", "b", "c"], rows)) == [{"a": 1, "b": "=2", "c": None}]
    assert list(json.loads(to_json(["c", "a"], rows))[0]) == ["c", "a"]


def test_every_dataset_has_its_table_and_distinct_column_names() -> None:
    assert list(TABLES) == list(DATASETS)
    for dataset in DATASETS.values():
        assert len(set(dataset.header)) == len(dataset.header), dataset.name
        for column in dataset.columns:
            assert str(column.meaning) and str(column.type), (dataset.name, column.name)
