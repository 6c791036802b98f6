"""Run the healthgap CLI in-process (fast), with what a subprocess would give back."""

from __future__ import annotations

import contextlib
import io
import subprocess

from healthgap.cli import console, err_console, main


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Exit status, stdout and stderr of ``healthgap ARGS``, as from a subprocess."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    wide = contextlib.ExitStack()
    for rich_console in (console, err_console):  # wide enough that table rows never wrap
        wide.callback(setattr, rich_console, "width", rich_console.width)
        rich_console.width = 400
    with wide, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())
