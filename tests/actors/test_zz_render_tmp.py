import io, re, sys
sys.path.insert(0, "/work/main")
from tests.actors.test_import_routes import *  # noqa
from tests.conftest import World

def test_render(facilitator, db, world):
    pages = {}
    pages["upload"] = facilitator.get(IMPORT)
    pages["refused"] = upload(facilitator, b"nom;famille;Famille;zz\r\nA;Usage;Offre;1\r\n")
    pages["errors"] = upload(facilitator, b"nom;famille;Levier 1\r\nActeur A;Offre;3\r\nB;Banque;2\r\nC;Usage;x\r\n")
    pages["ok"] = upload(facilitator, twenty_actors())
    for name, r in pages.items():
        open(f"/tmp/import_{name}.html", "w").write(r.get_data(as_text=True))
        print(name, r.status_code)
