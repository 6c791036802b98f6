"""Write docs/cli.md from the CLI's own --help texts (run after changing a command).

    python scripts/gen_cli_docs.py          # rewrite docs/cli.md
    python scripts/gen_cli_docs.py --check  # exit 1 if docs/cli.md is out of date

tests/test_docs.py runs the check, so the reference cannot drift from the code.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

# Plain, fixed-width help text, whatever terminal this runs in (read when typer is imported).
os.environ["TYPER_USE_RICH"] = "0"
os.environ["COLUMNS"] = "100"

import typer.main  # noqa: E402

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"

HEADER = """# CLI reference

Generated from `healthgap --help` by `python scripts/gen_cli_docs.py`; do not edit by hand.
Every command exits 0 on success and 2 on a user error, printing a table of problems
(file, row, column, rule) instead of a traceback; a bug exits 1 with one line saying where
its details were logged.
"""


def _walk(command: Any, path: list[str], parent: Any = None) -> list[tuple[list[str], str]]:
    # Typer ships its own copy of click, so test for the shape of a group, not a class.
    ctx = command.context_class(command, info_name=path[-1], parent=parent, terminal_width=100)
    found = [(path, command.get_help(ctx))]
    for name in sorted(getattr(command, "commands", {})):
        found += _walk(command.commands[name], [*path, name], ctx)
    return found


def render() -> str:
    from healthgap.cli import _register_commands, app

    _register_commands()
    root = typer.main.get_command(app)
    parts = [HEADER]
    for path, help_text in _walk(root, ["healthgap"])[1:]:
        parts.append(f"\n## `{' '.join(path)}`\n\n```text\n{help_text.rstrip()}\n```\n")
    return "".join(parts)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print("docs/cli.md is out of date: run python scripts/gen_cli_docs.py")
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
