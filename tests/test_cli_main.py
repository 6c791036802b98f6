"""The CLI's outer shell: usage errors and user errors never show a traceback."""

from __future__ import annotations

import subprocess
import sys


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from healthgap.cli import main; main()", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_bad_option_value_is_a_usage_error_without_traceback() -> None:
    result = _run("demo", "--seed", "not-a-number")
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    assert "seed" in result.stderr


def test_a_missing_workspace_is_a_one_line_error_without_traceback(tmp_path) -> None:
    result = _run("info", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr


def test_version_prints_the_package_version() -> None:
    result = _run("version")
    assert result.returncode == 0
    assert result.stdout.startswith("healthgap ")
