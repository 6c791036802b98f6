"""The worked example of docs/insight.md runs as written (the real-data block when
../shared is present)."""

from __future__ import annotations

import re

import pytest
from tests.conftest import REPO, SHARED


def test_the_worked_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (REPO / "docs" / "insight.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 6
    monkeypatch.setenv("HEALTHGAP_SHARED", str(SHARED))
    namespace: dict[str, object] = {"__name__": "insight_docs"}
    for block in blocks:
        if "read_imd_domains" in block and not (SHARED / "data" / "imd").is_dir():
            continue  # the real-data block needs ../shared
        exec(compile(block, "docs/insight.md", "exec"), namespace)
    audit = namespace["audit"]
    assert set(audit.findings()["grouping"]) >= {"deprivation_quintile", "ethnic_group"}
