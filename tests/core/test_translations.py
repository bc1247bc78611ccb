"""Every user-facing string of the code and templates has its English translation."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

PROJECT_DIR = Path(__file__).parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHODS = [
    ("coalition/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
]


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PROJECT_DIR),
        method_map=METHODS,
        keywords=KEYWORDS,
        directory_filter=lambda path: not Path(path).name.startswith("."),  # _macros too
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_the_english_catalogue_translates_every_string() -> None:
    with (PROJECT_DIR / "translations/en/LC_MESSAGES/messages.po").open("rb") as po:
        catalogue = read_po(po)
    translated = {
        message.id[0] if isinstance(message.id, tuple) else message.id
        for message in catalogue
        if message.id
        and (all(message.string) if isinstance(message.string, tuple) else message.string)
    }
    missing = source_messages() - translated
    assert not missing, f"run `make messages` and translate: {sorted(missing)}"
