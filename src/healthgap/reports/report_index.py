"""The index of a run of reports: a page and a CSV listing each area's files, or why it
has none.

>>> import pandas as pd
>>> rows = pd.DataFrame({"area_code": ["E1"], "area_name": ["Leeds"], "status": ["written"],
...                      "message": ["Written."], "files": ["E1/E1-profile.html"]})
>>> "Leeds" in report_index_html(rows, title="Reports", synthetic=False)
True
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from healthgap.data.csv_export import write_safe_csv
from healthgap.reports.report_html import _ENVIRONMENT, _css  # one template environment and style
from healthgap.reports.tables import SYNTHETIC_NOTE

__all__ = ["INDEX_COLUMNS", "report_index_html", "write_report_index"]

#: The columns of the index CSV.
INDEX_COLUMNS = ("area_code", "area_name", "status", "message", "files")


def report_index_html(rows: pd.DataFrame, *, title: str, synthetic: bool) -> str:
    """The index page: one row per area with links to its files (relative paths) or the
    reason it has none."""
    failed = int((rows["status"] == "failed").sum())
    summary = f"{len(rows) - failed} of {len(rows)} reports are ready" + (
        f"; {failed} could not be built (the reason is given beside each)." if failed else "."
    )
    listed = [
        {
            "area_code": row["area_code"],
            "area_name": row["area_name"],
            "result": row["message"],
            "files": [f for f in str(row["files"]).split(";") if f],
        }
        for row in rows.to_dict("records")
    ]
    return _ENVIRONMENT.get_template("report_index.html").render(
        title=title,
        summary=summary,
        rows=listed,
        css=_css(),
        synthetic=synthetic,
        synthetic_note=SYNTHETIC_NOTE,
    )


def write_report_index(
    rows: pd.DataFrame, folder: Path, *, title: str, synthetic: bool
) -> list[Path]:
    """Write ``index.csv`` and ``index.html`` in ``folder``; returns their paths."""
    csv_path = write_safe_csv(rows[list(INDEX_COLUMNS)], folder / "index.csv")
    html_path = folder / "index.html"
    html_path.write_text(report_index_html(rows, title=title, synthetic=synthetic), "utf-8")
    return [csv_path, html_path]
