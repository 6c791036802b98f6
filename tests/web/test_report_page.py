"""The report page: choose a template, build the report as a background job, preview it, and
download it in four formats (the same report the CLI writes)."""

from __future__ import annotations

import html
import io
import re
import time

import docx
import pptx
from web_helpers import csrf_from

from healthgap.analyses import WorkspaceSource, build_report
from healthgap.reports.report_document import report_of


def _built(viewer, demo_la: str, template: str = "board slide pack") -> tuple[str, str]:  # noqa: ANN001
    page = viewer.get(f"/report/{demo_la}")
    assert page.status_code == 200 and "Board slide pack" in page.text
    started = viewer.post(
        f"/report/{demo_la}/jobs",
        headers={"HX-Request": "true"},
        data={"csrf_token": csrf_from(page.text), "template": template},
    )
    assert started.status_code == 200, started.text
    job_id = re.search(r'hx-get="/report/jobs/([^"]+)"', started.text).group(1)
    deadline = time.monotonic() + 180
    while (answer := viewer.get(f"/report/jobs/{job_id}")).status_code == 200:
        assert time.monotonic() < deadline, answer.text
        time.sleep(0.3)
    assert answer.status_code == 286
    return job_id, answer.text


def test_build_preview_and_download_a_report(client_as, demo_la: str, demo_workspace) -> None:  # noqa: ANN001
    viewer = client_as("viewer")
    job_id, preview = _built(viewer, demo_la)
    assert 'data-testid="report-preview"' in preview and "What a plan could do" in preview
    assert "SYNTHETIC" in preview
    files = {
        fmt: viewer.get(f"/report/jobs/{job_id}/report.{fmt}")
        for fmt in ("html", "pdf", "docx", "pptx")
    }
    assert all(r.status_code == 200 for r in files.values())
    assert files["pdf"].content.startswith(b"%PDF")
    assert "attachment" in files["pdf"].headers["content-disposition"]
    headings = [
        p.text
        for p in docx.Document(io.BytesIO(files["docx"].content)).paragraphs
        if p.style.name == "Heading 1"
    ]
    assert "The gap over time and the target" in headings
    assert len(pptx.Presentation(io.BytesIO(files["pptx"].content)).slides) >= 4
    # The web's report says what the CLI's says (the same use case on the same data).
    cli = build_report(WorkspaceSource.open(demo_workspace), demo_la, template="board slide pack")
    web_html = html.unescape(files["html"].text)
    sentences = [s for section in report_of(cli).sections for s in section.sentences]
    assert sentences and [s for s in sentences if s not in web_html] == []


def test_bad_choices_are_refused_where_the_user_acted(client_as, demo_la: str) -> None:  # noqa: ANN001
    viewer = client_as("viewer")
    page = viewer.get(f"/report/{demo_la}")
    answer = viewer.post(
        f"/report/{demo_la}/jobs",
        headers={"HX-Request": "true"},
        data={"csrf_token": csrf_from(page.text), "template": "horoscope"},
    )
    assert answer.status_code == 400 and "govuk-error-summary" in answer.text
    assert "unknown_template" not in answer.text  # words, not rule keys
    assert viewer.get("/report/E99999999").status_code == 404
    assert viewer.get("/report/jobs/nothing/report.pdf").status_code == 404
