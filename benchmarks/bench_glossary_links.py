"""Benchmark: the cost of glossary links on a page (``web/glossary_links.py``).

Run: ``python benchmarks/bench_glossary_links.py`` (builds the small SYNTHETIC demo in a
temporary folder). Serves it in-process (FastAPI's TestClient, a fresh SQLite database) as an
analyst, fetches pages of every area and times the glossary rewrite of each page's HTML alone
(median of 20 runs, CPU time; the machine is shared, so wall time would mislead).
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from healthgap.analyses import glossary_terms
from healthgap.data.workspace import open_workspace
from healthgap.datasets import build_demo_workspace
from healthgap.store import create_user
from healthgap.web import Settings, create_app
from healthgap.web.glossary_links import link_glossary_terms

PASSWORD = "correct horse battery staple"
PAGES = ["/area/{la}", "/explain/{la}", "/plan", "/equity", "/stages", "/segments", "/journeys",
         "/data", "/practice/glossary"]  # fmt: skip


def main() -> int:
    folder = Path(tempfile.mkdtemp())
    workspace = folder / "demo"
    build_demo_workspace(workspace, "small")
    app = create_app(
        Settings(
            data_dir=folder, secret_key="b" * 40, workspace=workspace, prepare_in_background=False
        )  # fmt: skip
    )
    with app.state.database.unit_of_work() as session:
        create_user(session, username="analyst", password=PASSWORD, role="analyst")
    glossary = glossary_terms()
    # Pages as rendered without links, to time the rewrite on what base.html hands it.
    app.state.templates.env.filters["glossary_links"] = lambda fragment, *_a, **_k: fragment
    with TestClient(app) as client:
        page = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        client.post("/login", data={"username": "analyst", "password": PASSWORD,
                                    "csrf_token": token})  # fmt: skip
        areas = open_workspace(workspace).read("areas")
        la = str(areas.loc[areas["level"] == "la", "area_code"].iloc[0])
        print(f"{'page':24s} {'KiB':>6s} {'links':>6s} {'CPU ms (median)':>16s}")
        for url in (p.format(la=la) for p in PAGES):
            html = client.get(url).text
            main_block = html[html.index("<main") : html.index("</main>")]
            times = []
            for _ in range(20):
                cpu = time.process_time()
                linked = link_glossary_terms(main_block, glossary)
                times.append(time.process_time() - cpu)
            links = linked.count('class="govuk-link hg-term"')
            print(f"{url[:24]:24s} {len(main_block) / 1024:6.1f} {links:6d} "
                  f"{statistics.median(times) * 1000:16.2f}")  # fmt: skip
    app.state.database.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
