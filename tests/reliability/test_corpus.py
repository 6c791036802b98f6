"""The standing reliability corpus: every malformed file gives exit 2 from ``healthgap
validate`` and ``healthgap import`` with named problems, no traceback, and leaves the
workspace byte-identical. ``docs/reliability.md`` reports the figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import Case, base_workspace_files, build_corpus

from cli_runner import run_cli
from healthgap.data import RULES, import_files
from healthgap.data.workspace_swap import MANIFEST

#: Rules that import cannot raise (other functions raise them, or the settings do).
NOT_IMPORT_RULES = {"no_parent", "missing_period", "missing_sex", "bad_setting"}
SEEN: dict[str, set[str]] = {}


def folder_digest(folder: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Case], Path]:
    root = tmp_path_factory.mktemp("corpus")
    cases = build_corpus(root / "files")
    workspace = import_files(base_workspace_files(root / "base"), into=root / "ws").path
    return cases, workspace


def case_names() -> list[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        return [case.name for case in build_corpus(Path(folder))]


NAMES = case_names()


def test_the_corpus_has_at_least_100_files(corpus) -> None:
    cases, _ = corpus
    files = {path for case in cases for path in case.files}
    assert len(files) >= 100 and len(cases) == len(NAMES)
    assert {case.reader for case in cases} == {"csv", "xlsx", "parquet"}


@pytest.mark.parametrize("name", NAMES)
def test_a_malformed_input_is_refused_cleanly(name: str, corpus, monkeypatch) -> None:
    cases, workspace = corpus
    case = next(c for c in cases if c.name == name)
    for key, value in case.env.items():
        monkeypatch.setenv(key, value)
    files = [str(path) for path in case.files]
    layout = ["--layout", case.layout] if case.layout else []
    before = folder_digest(workspace)
    checked = run_cli("validate", *files, *layout)
    imported = run_cli("import", *files, *layout, "--into", str(workspace))
    for result in (checked, imported):
        output = result.stdout + result.stderr
        assert result.returncode == 2, output
        assert "Traceback" not in output and "Exception" not in output, output
        found = {rule for rule in RULES if f" {rule} " in result.stderr}
        assert found & case.rules, f"expected one of {case.rules}, got {found}: {output}"
        if not case.layout:
            assert any(Path(f).name in result.stderr for f in files), "the file is named"
        SEEN.setdefault(name, set()).update(found)
    assert folder_digest(workspace) == before, "a refused import changed the workspace"
    assert (workspace / MANIFEST).is_file()


def test_every_import_rule_is_covered_by_the_corpus() -> None:
    if len(SEEN) < len(NAMES):
        pytest.skip("runs after the whole corpus (select the module, not one case)")
    covered = set().union(*SEEN.values())
    assert set(RULES) - NOT_IMPORT_RULES - covered == set()
