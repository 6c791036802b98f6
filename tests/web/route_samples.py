"""Sample requests for every route of the app, built from the routes themselves
(:func:`healthgap.web.access.route_access`), so the sweeps of the web tests cover a route as
soon as it exists. A placeholder without a sample value gets ``x`` (the role and CSRF checks
come before any placeholder is read, so those sweeps hold for any value)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from healthgap.web.access import RouteAccess, route_access

#: Sample values of path placeholders, so allowed requests reach real pages.
SAMPLES = {
    "period": "2022-24",
    "fmt": "csv",
    "image": "svg",
    "chart": "waterfall",
    "table": "gap",
    "kind": "contributions",
    "sex": "male",
    "token": "not-a-token",
    "user_id": "1",
    "job_id": "no-such-job",
    "scenario_id": "999",
    "measure": "le",
    "intervention": "statins",
    "file_id": "1",
    "assessment_id": "1",
    "item_id": "known_needs",
    "action_id": "1",
    "framework_id": "hinst_cbo",
    "page": "activity",
    "key": "no-such-journey",
    "point": "x",
    "stage": "x",
    "item": "x",
    "name": "organisations",  # a table of the MECC activity page and of the directory
    "slug": "sweep-campaign",  # the sweep's app holds a campaign of this name
    "public_id": "no-such-pledge",
    "channel": "whatsapp",
    "run_id": "999",
}
#: Samples for one route where a placeholder means something else there.
ROUTE_SAMPLES = {
    "/pledges/{slug}/analysis/{name}.{fmt}": {"name": "pledges-by-theme"},
    "/data/template/{table}.csv": {"table": "deaths"},  # a table of the data model
    "/practice/cases/{slug}": {"slug": "ss-newham-mosque-quit"},  # a seeded case study
}
#: Static files: the route is a folder, the sample one file in it.
MOUNT_SAMPLES = {"/static": "/static/healthgap.css"}
PLACEHOLDER = re.compile(r"\{(\w+)(?::\w+)?\}")
ROLES = ("anonymous", "staff", "viewer", "analyst", "admin")
RANK = {"staff": -1, "viewer": 0, "analyst": 1, "admin": 2}


def all_routes() -> list[RouteAccess]:
    """Every route of an app built the way ``healthgap serve`` builds it (over an in-memory
    database, at collection time, so each route is a test case of its own)."""
    from healthgap.web import Settings, create_app

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), database_url="sqlite://", secret_key="s" * 40)
        app = create_app(settings)
        app.state.database.dispose()
    return route_access(app)


def placeholders(path: str) -> list[str]:
    return PLACEHOLDER.findall(path)


def sample_url(route: RouteAccess, area_code: str, values: dict[str, str] | None = None) -> str:
    """A concrete URL for ``route`` (``values`` override the samples)."""
    if route.path in MOUNT_SAMPLES:
        return MOUNT_SAMPLES[route.path]
    images = "{sex}.{fmt}" in route.path  # the explain charts are images
    chosen = {**SAMPLES, "area_code": area_code, **({"fmt": "svg"} if images else {})}
    chosen |= ROUTE_SAMPLES.get(route.path, {}) | (values or {})
    url = PLACEHOLDER.sub(lambda m: chosen.get(m.group(1), "x"), route.path)
    query = []
    if route.path.endswith(("/target", "/target-trajectory.{fmt}")):
        query.append("compare=quintiles")  # the faster comparator; the rules are the same
    if route.path.startswith(("/plan/chart-", "/plan/results-", "/plan/budget.")):
        query += [f"area_code={area_code}", "statins__volume=200"]  # needs a scenario
        query += ["budget=50000"] if route.path.startswith("/plan/budget.") else []
    return url + ("?" + "&".join(query) if query else "")
