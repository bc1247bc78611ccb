"""Every page the crawl of the demo coalition reaches, as an administrator and as the public, is
valid HTML for the Nu checker (vnu.jar, installed by `.ci/run` with Java in `.tools/`)."""

import json
import subprocess
from pathlib import Path

from flask.testing import FlaskClient

from tests.core.crawl import Site
from tests.core.test_html_valid import VNU, needs_vnu


@needs_vnu
def test_every_page_is_valid_html(client: FlaskClient, site: Site, tmp_path: Path) -> None:
    files: dict[str, str] = {}
    for endpoint, urls in sorted(site.pages.items()):
        for n, url in enumerate(urls):
            response = client.get(url)
            if response.status_code == 200 and response.mimetype == "text/html":
                path = tmp_path / f"{endpoint}-{n}.html"
                path.write_text(response.get_data(as_text=True))
                files[str(path)] = url
    assert len(files) > 80  # the crawl went through the site
    result = subprocess.run(  # noqa: S603 - our own files, a fixed command
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = sorted(
        {f"{files.get(m['url'].removeprefix('file:'), m['url'])}: {m['message']}" for m in messages}
    )
    assert not errors, "\n".join(errors)
