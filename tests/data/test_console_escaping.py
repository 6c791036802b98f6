"""Issue 10 item 6: user text in console output is printed as it is, never read as Rich markup.

Before: a count cell ``[/x]`` gave a MarkupError traceback, a sex cell ``[bold]M`` was
reported as "'M' is not a sex code", and a path with ``[/b]`` crashed ``import`` and ``info``.
"""

from __future__ import annotations

from pathlib import Path

from _data_files import deaths_lines, population_lines, write

from cli_runner import run_cli


def _replace(lines: list[str], row: int, old: str, new: str) -> list[str]:
    lines = list(lines)
    lines[row - 1] = lines[row - 1].replace(old, new)
    return lines


def test_a_count_cell_that_looks_like_a_closing_tag_is_reported_verbatim(tmp_path) -> None:
    bad = write(tmp_path / "d.csv", _replace(deaths_lines(), 4, ",all,5", ",all,[/x]"))
    result = run_cli("validate", str(bad))
    assert result.returncode == 2
    assert "'[/x]' is not a number" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "MarkupError" not in result.stderr


def test_a_sex_cell_with_markup_is_shown_whole(tmp_path) -> None:
    bad = write(tmp_path / "p.csv", _replace(population_lines(), 5, ",male,", ",[bold]M,"))
    result = run_cli("validate", str(bad))
    assert result.returncode == 2
    assert "'[bold]M' is not a sex code" in result.stderr


def test_paths_with_markup_work_in_validate_import_and_info(tmp_path) -> None:
    folder = tmp_path / "in[" / "b]"  # the path reads ".../in[/b]/..."
    folder.mkdir(parents=True)
    good = write(folder / "pop.csv", population_lines())
    ws = tmp_path / "ws[/b]x"
    ws.parent.mkdir(parents=True, exist_ok=True)

    result = run_cli("validate", str(good))
    assert result.returncode == 0, result.stderr
    result = run_cli("import", str(good), "--into", str(ws))
    assert result.returncode == 0, result.stderr
    assert f"into {ws}:" in result.stdout
    result = run_cli("info", str(ws))
    assert result.returncode == 0, result.stderr
    assert "ws[/b]x" in "".join(result.stdout.split())  # the title may wrap

    bad = write(folder / "bad.csv", _replace(population_lines(), 3, ",1000", ",[red]"))
    result = run_cli("import", str(bad), "--into", str(ws))
    assert result.returncode == 2
    assert str(bad) in result.stderr and "'[red]' is not a number" in result.stderr
    result = run_cli("info", str(Path(str(ws) + "[/i]")))  # a missing workspace named in markup
    assert result.returncode == 2 and "[/i]" in result.stderr
    assert "Traceback" not in result.stderr
