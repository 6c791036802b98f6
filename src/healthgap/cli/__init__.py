"""The ``healthgap`` command line: a thin layer that parses, calls the core and prints.

Each domain registers its commands from its own module (``data``, ``measure``,
``explain``, ``plan``). A user error (:class:`healthgap.errors.HealthgapError`) is
printed as a table of problems and exits with status 2, never with a traceback.

Both consoles print text as it is (``markup=False``): file names, paths and cells from user
files may hold square brackets, which Rich would otherwise read as markup (crashing on
``[/x]``, swallowing ``[bold]``). Styles are given with :func:`styled` instead.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from healthgap.errors import HealthgapError, InputError

__all__ = ["app", "console", "err_console", "main", "print_problems", "styled"]

app = typer.Typer(
    name="healthgap",
    help="Measure, explain and plan to close gaps in life expectancy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=False, markup=False)
err_console = Console(stderr=True, markup=False)


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line to print: plain strings are shown as they are, ``(text, style)`` pairs styled.

    >>> styled(("error:", "bold red"), " file [/b].csv").plain
    'error: file [/b].csv'
    """
    return Text.assemble(*parts)


def print_problems(error: HealthgapError) -> None:
    """Print a user error as a readable table (for InputError) or one line."""
    if isinstance(error, InputError):
        table = Table(title=f"{len(error.problems)} problem(s) found", show_lines=False)
        for column in ("file", "row", "column", "rule", "message"):
            table.add_column(column, overflow="fold")
        for p in error.problems[:500]:
            table.add_row(
                p.file, "" if p.row is None else str(p.row), p.column or "", p.rule, p.message
            )
        err_console.print(table)
        if len(error.problems) > 500:
            err_console.print(f"... and {len(error.problems) - 500} more problems")
    else:
        err_console.print(styled(("error:", "bold red"), f" {error}"))


def _register_commands() -> None:
    # Imported here so that `healthgap --help` lists every domain's commands while
    # the domain modules stay independent of each other.
    from healthgap.cli import data as _data  # noqa: F401

    for optional in ("demo", "measure", "explain", "plan", "web"):
        try:
            __import__(f"healthgap.cli.{optional}")
        except ModuleNotFoundError as exc:
            if exc.name != f"healthgap.cli.{optional}":
                raise


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``healthgap`` console script.

    Typer runs in standalone mode, so usage errors (a bad option value) get its usual
    short message and exit status 2; healthgap's own errors are caught here.
    """
    _register_commands()
    try:
        app(args=argv, standalone_mode=True)
    except HealthgapError as error:
        print_problems(error)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("aborted")
        sys.exit(130)


@app.command()
def version() -> None:
    """Print the healthgap version."""
    from importlib.metadata import version as package_version

    console.print(f"healthgap {package_version('healthgap')}")
