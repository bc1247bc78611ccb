"""The app as gunicorn serves it in the benchmarks, plus a trivial route to compare it with.

`/bench/trivial` is added to the same app, so that it goes through the same server, the same
middleware and the same before/after request hooks as the pages (the page cache's hook included)
and differs from them only by its view. BENCH_PAGE_CACHE=0 builds the app without the public's
page cache (coalition/web/page_cache.py), so that every page is rendered by its view.
"""

import os

from coalition import create_app
from coalition.access import require

config = {"PAGE_CACHE": False} if os.environ.get("BENCH_PAGE_CACHE") == "0" else None
app = create_app(config)


@app.get("/bench/trivial")
def trivial() -> str:
    require("site.view")  # anyone may read it; development mode wants every view to check
    return "ok"
