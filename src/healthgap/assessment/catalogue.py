"""The installed frameworks: shipped packs plus a user folder, all checked together.

A user adds a framework, or a new version of one (corrected wording, say), by placing a pack
in their packs folder with :func:`install_pack`; no release of healthgap is needed. Every
version stays installed side by side, so an assessment opens with the version it was made
with (and the store keeps a copy of that version's content besides).

Installing is all or nothing: the new pack is checked on its own and against everything
already installed (a second pack with the same framework id and version is refused, and a
tool must name a framework that exists); with any problem nothing is written.

>>> catalogue = shipped_catalogue()
>>> sorted(catalogue.framework_ids())[:3]
['hinst_cbo', 'mecc_quality_markers', 'nsmc_benchmarks']
>>> catalogue.get("pit").tools[0].framework
'pit_tool_a'
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

import pandas as pd
import yaml

from healthgap.assessment.model import FrameworkVersion
from healthgap.assessment.packs import load_pack, parse_pack_text
from healthgap.errors import InputError, Problem

__all__ = [
    "Catalogue",
    "export_pack",
    "install_pack",
    "load_catalogue",
    "shipped_catalogue",
    "version_sort_key",
]


def version_sort_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order of version labels: ``1.10`` after ``1.9``, numbers before words.

    >>> sorted(["1.10", "1.9", "2", "1.9b"], key=version_sort_key)
    ['1.9', '1.9b', '1.10', '2']
    """
    parts = re.findall(r"\d+|[A-Za-z]+", version)
    return tuple((0, int(p)) if p.isdigit() else (1, p.lower()) for p in parts)


@dataclass(frozen=True)
class Catalogue:
    """Installed framework versions, keyed by ``(framework_id, version)``."""

    versions: Mapping[tuple[str, str], FrameworkVersion] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def framework_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(fid for fid, _ in self.versions))

    def versions_of(self, framework_id: str) -> tuple[str, ...]:
        """Installed versions of a framework, oldest first."""
        found = [v for fid, v in self.versions if fid == framework_id]
        return tuple(sorted(found, key=version_sort_key))

    def get(self, framework_id: str, version: str | None = None) -> FrameworkVersion:
        """A version (default: the latest) of a framework; a clear error when not installed."""
        versions = self.versions_of(framework_id)
        if not versions:
            raise InputError(
                f"no framework {framework_id!r} is installed "
                f"(installed: {', '.join(self.framework_ids())})",
                rule="unknown_framework",
            )
        wanted = versions[-1] if version is None else str(version)
        if (framework_id, wanted) not in self.versions:
            raise InputError(
                f"framework {framework_id!r} has no version {wanted!r} installed "
                f"(versions: {', '.join(versions)})",
                rule="unknown_version",
            )
        return self.versions[(framework_id, wanted)]

    def table(self) -> pd.DataFrame:
        """One row per installed version: what ``healthgap assess list`` shows."""
        rows = []
        for (fid, version), fw in sorted(
            self.versions.items(), key=lambda kv: (kv[0][0], version_sort_key(kv[0][1]))
        ):
            rows.append(
                {
                    "framework_id": fid,
                    "version": version,
                    "title": fw.title.text,
                    "items": len(fw.top_items()),
                    "sub_questions": len(fw.items) - len(fw.top_items()),
                    "scale": fw.scale.id,
                    "modes": ", ".join(m.id for m in fw.modes),
                    "source_evidence": fw.source.evidence,
                    "reconstructed_items": len(fw.reconstructed_items()),
                    "latest": version == self.versions_of(fid)[-1],
                    "origin": fw.origin,
                }
            )
        return pd.DataFrame(rows)

    def with_versions(self, added: Iterable[FrameworkVersion]) -> Catalogue:
        """A new catalogue with ``added`` installed; all refused when any has a problem."""
        merged = dict(self.versions)
        problems: list[Problem] = []
        fresh = list(added)
        for fw in fresh:
            if fw.key in merged:
                problems.append(
                    Problem(
                        _name(fw),
                        _line_of_version(fw),
                        "framework.version",
                        "duplicate_version",
                        f"{fw.framework_id!r} version {fw.version!r} is already installed "
                        f"(from {merged[fw.key].origin}); give the new wording a new "
                        "version",
                    )
                )
            else:
                merged[fw.key] = fw
        ids = {fid for fid, _ in merged}
        for fw in fresh:
            for i, tool in enumerate(fw.tools):
                if tool.framework not in ids:
                    problems.append(
                        Problem(
                            _name(fw),
                            None,
                            f"tools[{i}].framework",
                            "broken_link",
                            f"tool {tool.id} names framework {tool.framework!r}, which is "
                            "not installed",
                        )
                    )
        if problems:
            raise InputError(problems)
        return Catalogue(MappingProxyType(merged))


def _name(fw: FrameworkVersion) -> str:
    return Path(fw.origin).name if fw.origin != "shipped" else f"{fw.framework_id}.yaml"


def _line_of_version(fw: FrameworkVersion) -> int | None:
    """Line of ``version:`` in the pack file the version was read from, if any."""
    path = Path(fw.origin)
    if fw.origin == "shipped" or not path.is_file():
        return None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if re.match(r"^\s+version\s*:", line):
            return number
    return None


def _read_all(paths: Iterable[Path]) -> list[FrameworkVersion]:
    """Every pack in ``paths``, with the problems of all of them in one error."""
    versions, problems = [], []
    for path in paths:
        try:
            versions.append(load_pack(path))
        except InputError as err:
            problems.extend(err.problems)
    if problems:
        raise InputError(problems)
    return versions


@lru_cache(maxsize=1)
def shipped_catalogue() -> Catalogue:
    """The packs shipped in ``healthgap/assessment/content`` (read once per process)."""
    folder = resources.files("healthgap.assessment").joinpath("content")
    versions = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            version = parse_pack_text(entry.read_text(encoding="utf-8"), entry.name)
            versions.append(version)
    return Catalogue().with_versions(versions)


def load_catalogue(user_folder: str | os.PathLike[str] | None = None) -> Catalogue:
    """The shipped packs plus every ``*.yaml`` pack in ``user_folder`` (if given).

    A problem in any user pack raises one :class:`InputError` listing every problem.
    """
    catalogue = shipped_catalogue()
    if user_folder is None or not Path(user_folder).is_dir():
        return catalogue
    return catalogue.with_versions(_read_all(sorted(Path(user_folder).glob("*.yaml"))))


def install_pack(path: str | os.PathLike[str], user_folder: str | os.PathLike[str]) -> Path:
    """Check the pack at ``path`` against the installed ones and copy it into
    ``user_folder`` as ``<framework>-<version>.yaml``; returns the new file's path.

    Nothing is written when the pack has any problem.
    """
    source = Path(path)
    version = load_pack(source)
    load_catalogue(user_folder).with_versions([version])  # raises on any problem
    folder = Path(user_folder)
    folder.mkdir(parents=True, exist_ok=True)
    safe_version = re.sub(r"[^A-Za-z0-9._-]", "_", version.version)
    target = folder / f"{version.framework_id}-{safe_version}.yaml"
    if target.exists():
        raise InputError(f"{target.name} already exists in {folder}", rule="duplicate_version")
    text = source.read_text(encoding="utf-8")
    # write beside the target, then rename: a reader never sees half a pack
    handle, temp = tempfile.mkstemp(dir=folder, suffix=".part")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temp, target)
    return target


def export_pack(version: FrameworkVersion) -> str:
    """The YAML text of an installed version (to edit into a new version and install).

    >>> text = export_pack(shipped_catalogue().get("nsmc_benchmarks"))
    >>> parse_pack_text(text, "copy.yaml").key == ("nsmc_benchmarks", "1.0")
    True
    """
    return yaml.safe_dump(dict(version.content), sort_keys=False, allow_unicode=True, width=92)
