"""The public API of healthgap.assessment is explicit and documented, and the Python examples
in docs/assessment.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import healthgap.assessment as assessment

DOC = Path(__file__).resolve().parents[2] / "docs" / "assessment.md"


def test_every_public_name_exists_and_is_documented() -> None:
    missing = [n for n in assessment.__all__ if not hasattr(assessment, n)]
    assert not missing and len(set(assessment.__all__)) == len(assessment.__all__)
    undocumented = [
        n
        for n in assessment.__all__
        if callable(getattr(assessment, n)) and not getattr(assessment, n).__doc__
    ]
    assert not undocumented


@pytest.mark.parametrize("block", re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S))
def test_docs_python_examples_run(block: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(block, str(DOC), "exec"), {"__name__": "docs"})
    capsys.readouterr()
