"""docs/journeys.md: its Python example runs, and the public API it names exists."""

from __future__ import annotations

import re
from pathlib import Path

import healthgap.journeys as journeys

DOC = Path(__file__).resolve().parents[2] / "docs" / "journeys.md"


def test_python_example_runs(capsys) -> None:  # noqa: ANN001 - pytest fixture
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), {"__name__": "docs"})
    assert "mean_emotion_as_is" in capsys.readouterr().out


def test_named_core_functions_exist() -> None:
    text = DOC.read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z_]+)\(", text))
    core = {n for n in named if n in journeys.__all__}
    assert {"funnel_table", "compare_journeys", "build_feedback_summary", "read_journey"} <= core
    assert set(journeys.__all__) == {n for n in journeys.__all__ if hasattr(journeys, n)}
