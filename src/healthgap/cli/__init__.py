"""The ``healthgap`` command line: a thin layer that parses, calls a use case and writes it.

Each domain registers its commands from its own module (``data``, ``measure``, ``profile``,
``explain``, ``plan``, ``demo``, ``web``); every command calls one function of
:mod:`healthgap.analyses` and writes the result bundle with :mod:`healthgap.cli.present`.
A user error (:class:`healthgap.errors.HealthgapError`) is printed as a table of problems and
exits with status 2; anything else is a bug: a short message says so and where the details
were logged, and the exit status is 1. No traceback ever reaches the terminal.

Both consoles print text as it is (``markup=False``): file names, paths and cells from user
files may hold square brackets, which Rich would otherwise read as markup (crashing on
``[/x]``, swallowing ``[bold]``). Styles are given with :func:`styled` instead.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import tempfile
import traceback
import uuid
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from healthgap.errors import HealthgapError, HealthgapWarning, InputError

__all__ = [
    "BUG_EXIT",
    "app",
    "console",
    "err_console",
    "log_bug",
    "main",
    "print_problems",
    "styled",
]

BUG_EXIT = 1  # user errors exit with 2 (as click's usage errors do), bugs with 1
log = logging.getLogger("healthgap.cli")

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


def _log_folder() -> Path:
    """``$HEALTHGAP_LOG_DIR``, else ``~/.cache/healthgap/logs``, else the temporary folder."""
    configured = os.environ.get("HEALTHGAP_LOG_DIR")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    for folder in ([Path(configured)] if configured else []) + [cache / "healthgap" / "logs"]:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if os.access(folder, os.W_OK):
                return folder
        except OSError:
            continue
    return Path(tempfile.gettempdir())


def log_bug(error: BaseException, argv: list[str]) -> tuple[str, Path | None]:
    """Write the traceback of an unexpected error to a log file; its reference and path."""
    reference = uuid.uuid4().hex[:8]
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    details = "".join(traceback.format_exception(error))
    try:
        path = _log_folder() / f"healthgap-error-{stamp}-{reference}.log"
        path.write_text(f"healthgap {' '.join(argv)}\n\n{details}", encoding="utf-8")
    except OSError:
        log.error("unexpected error %s\n%s", reference, details)
        return reference, None
    return reference, path


@contextmanager
def _warnings_as_lines() -> Iterator[None]:
    """A healthgap warning no use case collected is still one readable line, not Python's
    warning format naming a source file."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", HealthgapWarning)
        try:
            yield
        finally:
            for item in caught:
                if issubclass(item.category, HealthgapWarning):
                    label = f"warning ({item.category.__name__}):"
                    err_console.print(styled((label, "yellow"), f" {item.message}"))
                else:
                    warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)


#: The modules that register each command (or group of commands), in the order they have
#: always been imported (which orders ``--help``). Running one command imports only its own
#: modules: importing every command's use cases takes about a second, which a fresh
#: ``healthgap report`` would pay for nothing. ``version`` (below) is always registered, so
#: ``app`` stays a group of commands even when one other is registered. Checked by
#: tests/test_lazy_imports.py.
_COMMAND_MODULES = {
    "validate": ("data",),
    "import": ("data",),
    "info": ("data",),
    "demo": ("demo",),
    "measure": ("measure",),
    "profile": ("profile",),
    "explain": ("explain",),
    "explain-classify": ("explain",),
    "explain-target": ("explain",),
    "plan": ("plan",),
    "plan-grid": ("grid",),
    "plan-voi": ("voi",),
    "segment": ("segment",),
    "survey": ("insight",),
    "equity-audit": ("insight",),
    "serve": ("web",),
    "user": ("web",),
    "assess": ("assess", "assess_workshop"),
    "practice": ("practice",),
    "mecc": ("mecc",),
    "journey": ("journey", "journey_notes"),
    "pledges": ("pledges",),
    "report": ("report",),
}


def _register_commands(args: Sequence[str] = ()) -> None:
    """Register the command that ``args`` run, or every command (for help, for no command
    or an unknown one, and when ``args`` is empty)."""
    # By name, so that the domain modules stay independent of each other.
    if args and args[0] in _COMMAND_MODULES:
        modules: Iterable[str] = _COMMAND_MODULES[args[0]]
    else:
        modules = dict.fromkeys(name for names in _COMMAND_MODULES.values() for name in names)
    for module in modules:
        try:
            importlib.import_module(f"healthgap.cli.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"healthgap.cli.{module}":
                raise


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``healthgap`` console script.

    Typer runs in standalone mode, so usage errors (a bad option value) get its usual
    short message and exit status 2; healthgap's own errors are caught here, and so is
    anything unexpected, which is logged and reported as a bug without a traceback.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        with _warnings_as_lines():
            _register_commands(args)
            app(args=args, standalone_mode=True)
    except HealthgapError as error:
        print_problems(error)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("aborted")
        sys.exit(130)
    except Exception as error:  # noqa: BLE001 - the last guard: a bug, reported without traceback
        reference, path = log_bug(error, args)
        where = f"the details are in {path}" if path else "the details went to the log"
        err_console.print(
            styled(
                ("healthgap hit a bug", "bold red"),
                f" ({type(error).__name__}, reference {reference}); {where}. Please report it "
                "with that file. Nothing was written for this command after the error.",
            ),
            soft_wrap=True,
        )
        sys.exit(BUG_EXIT)


@app.command()
def version() -> None:
    """Print the healthgap version."""
    from importlib.metadata import version as package_version

    console.print(f"healthgap {package_version('healthgap')}")
