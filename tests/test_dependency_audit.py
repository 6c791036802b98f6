"""``scripts/audit_dependencies.py``: a known vulnerability fails the test command, an
unreachable package index only warns, and any other pip-audit failure fails."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "audit_dependencies.py"


@pytest.fixture(scope="module")
def audit():  # noqa: ANN201
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _report(*vulns: dict) -> str:
    return json.dumps(
        {"dependencies": [{"name": "jinja2", "version": "2.10", "vulns": list(vulns)}]}
    )


def test_a_clean_report_passes(audit) -> None:  # noqa: ANN001
    status, message = audit.decide(0, _report(), "")
    assert status == 0 and "no known vulnerabilities" in message


def test_a_vulnerability_fails_and_is_named(audit) -> None:  # noqa: ANN001
    vuln = {"id": "GHSA-462w-v97r-4m45", "fix_versions": ["2.11.3"], "description": "x"}
    status, message = audit.decide(1, _report(vuln), "")
    assert status == 1
    assert "jinja2 2.10: GHSA-462w-v97r-4m45 (fixed in 2.11.3)" in message


@pytest.mark.parametrize(
    "stderr",
    [
        "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='pypi.org'): "
        "Max retries exceeded",
        "urllib3.exceptions.NameResolutionError: Temporary failure in name resolution",
        "ReadTimeout: the read operation timed out",
    ],
)
def test_an_unreachable_index_warns_and_passes(audit, stderr: str) -> None:  # noqa: ANN001
    status, message = audit.decide(1, "", stderr)
    assert status == 0 and message.startswith("WARNING: pip-audit skipped")


def test_any_other_failure_fails(audit) -> None:  # noqa: ANN001
    status, message = audit.decide(2, "", "pip-audit: error: unrecognized arguments: --bogus")
    assert status == 1 and "unrecognized arguments" in message


def test_the_lock_pins_every_package(audit) -> None:  # noqa: ANN001
    lines = [
        line
        for line in audit.LOCK.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(lines) > 50
    assert all("==" in line for line in lines), [x for x in lines if "==" not in x]
    names = {line.split("==")[0].lower() for line in lines}
    assert {"fastapi", "uvicorn", "sqlalchemy", "pandas", "pip_audit", "locust"} <= names


def test_packages_the_index_cannot_audit_are_not_called_clean(audit) -> None:  # noqa: ANN001
    report = json.dumps(
        {
            "dependencies": [
                {"name": "jinja2", "skip_reason": "Dependency not found on PyPI"},
                {"name": "numpy", "version": "2.0", "vulns": []},
            ]
        }
    )
    status, message = audit.decide(0, report, "")
    assert status == 0
    assert message.startswith("WARNING: pip-audit could not audit 1 of 2")
    assert "1 audited" in message
