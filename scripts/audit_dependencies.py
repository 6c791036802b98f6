"""Check the locked dependencies (``requirements.lock``) for known vulnerabilities.

Runs ``pip-audit -r requirements.lock --no-deps --disable-pip`` (PyPI's JSON API is the
vulnerability source), as ``scripts/test.sh`` does on every run. A vulnerability found fails
(exit 1) and names the package, its version, the advisory and the fixed versions. When the
index cannot be reached (offline, a flaky network) it prints a warning and passes (exit 0),
so the test command never fails for want of a network; any other failure of pip-audit fails.

An advisory that does not apply to healthgap may be ignored by adding its id, with the
reason, to ``IGNORED`` below.

Run: ``python scripts/audit_dependencies.py [LOCK]`` (default ``requirements.lock``; refresh
it with ``bash scripts/lock-dependencies.sh``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

LOCK = Path(__file__).resolve().parents[1] / "requirements.lock"
#: advisory id -> why it does not apply (reviewed; none at present)
IGNORED: dict[str, str] = {}
NETWORK_ERRORS = re.compile(
    r"ConnectionError|ConnectTimeout|ReadTimeout|Max retries exceeded|NameResolution|"
    r"Temporary failure in name resolution|Network is unreachable|timed out|"
    r"Failed to establish a new connection|SSLError|ProxyError|RemoteDisconnected",
    re.IGNORECASE,
)


def decide(returncode: int, stdout: str, stderr: str) -> tuple[int, str]:
    """The exit status and message for one pip-audit run.

    >>> decide(0, '{"dependencies": [{"name": "a", "version": "1", "vulns": []}]}', "")
    (0, 'pip-audit: 1 locked packages, no known vulnerabilities')
    >>> decide(1, "", "requests.exceptions.ConnectionError: Max retries exceeded")[0]
    0
    >>> decide(1, "", "pip_audit: unknown option")[0]
    1
    """
    try:
        report = json.loads(stdout) if stdout.strip() else None
    except json.JSONDecodeError:
        report = None
    if report is not None:
        packages = report.get("dependencies", [])
        found = [
            f"  {p['name']} {p['version']}: {v['id']} "
            f"(fixed in {', '.join(v['fix_versions']) or 'no release yet'})"
            for p in packages
            for v in p.get("vulns", [])
        ]
        if found:
            return 1, "pip-audit: known vulnerabilities in the locked dependencies:\n" + "\n".join(
                found
            )
        if returncode == 0:
            skipped = [p["name"] for p in packages if "skip_reason" in p]
            audited = len(packages) - len(skipped)
            if skipped:
                # An index without per-version data (some mirrors) audits nothing: say so
                # rather than report a clean bill of health.
                return 0, (
                    f"WARNING: pip-audit could not audit {len(skipped)} of {len(packages)} "
                    f"locked packages (the package index gave no data for their versions): "
                    f"{', '.join(skipped[:10])}{' ...' if len(skipped) > 10 else ''}; "
                    f"{audited} audited, no known vulnerabilities among them"
                )
            return 0, f"pip-audit: {audited} locked packages, no known vulnerabilities"
    if NETWORK_ERRORS.search(stderr):
        last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
        return 0, f"WARNING: pip-audit skipped, the package index could not be reached ({last})"
    return 1, f"pip-audit failed (exit {returncode}):\n{stderr.strip()}"


def main(argv: list[str]) -> int:
    lock = Path(argv[0]) if argv else LOCK
    command = [
        sys.executable, "-m", "pip_audit", "-r", str(lock), "--no-deps", "--disable-pip",
        "--format", "json", "--progress-spinner", "off", "--timeout", "30",
    ]  # fmt: skip
    for advisory in IGNORED:
        command += ["--ignore-vuln", advisory]
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    except subprocess.TimeoutExpired:
        print("WARNING: pip-audit skipped, the package index did not answer in 15 minutes")
        return 0
    status, message = decide(run.returncode, run.stdout, run.stderr)
    print(message)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
