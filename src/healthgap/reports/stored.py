"""A result bundle kept in a folder, so another process (or a restarted one) can serve it.

:func:`save_bundle` writes every table as Parquet (full precision) and the rest of the
bundle (titles, published columns, rounding, metadata, provenance, charts, the
JSON-friendly part of the summary, warnings) as ``bundle.json``; :func:`load_bundle` reads
them back as a :class:`~healthgap.reports.bundle.ResultBundle`, which the report writer
then publishes as usual (disclosure control and the SYNTHETIC note at that point). The
folder is written under a temporary name and renamed, so it is whole or absent.

>>> import pandas as pd, tempfile, pathlib
>>> from healthgap.reports.bundle import Provenance, ResultBundle, Table
>>> bundle = ResultBundle("q", Provenance("ws", synthetic=True), summary={"n": 2, "x": object()},
...                       tables={"t": Table(pd.DataFrame({"v": [1.25]}), "t", decimals={"v": 1})})
>>> again = load_bundle(save_bundle(bundle, pathlib.Path(tempfile.mkdtemp()) / "r"))
>>> again.table("t")["v"].tolist(), again.published("t")["v"].tolist(), dict(again.summary)
([1.25], [1.2], {'n': 2})
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from healthgap.errors import StorageError
from healthgap.reports.bundle import Provenance, ResultBundle, Table

__all__ = ["load_bundle", "save_bundle"]

INDEX = "bundle.json"


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


def save_bundle(bundle: ResultBundle, folder: str | os.PathLike[str]) -> Path:
    """Write ``bundle`` into ``folder`` (replacing it); returns the folder."""
    target = Path(folder)
    staging = target.with_name(f"{target.name}.{os.getpid()}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    tables = {}
    for i, (name, table) in enumerate(bundle.tables.items()):
        file = f"table-{i}.parquet"
        table.frame.to_parquet(staging / file, index=False)
        tables[name] = {
            "file": file,
            "title": table.title,
            "metadata": dict(table.metadata),
            "columns": None if table.columns is None else list(table.columns),
            "decimals": dict(table.decimals),
            "fingertips": None if table.fingertips is None else dict(table.fingertips),
        }
    provenance = bundle.provenance
    index = {
        "question": bundle.question,
        "provenance": {
            "source": provenance.source,
            "hashes": dict(provenance.hashes),
            "methods": list(provenance.methods),
            "synthetic": provenance.synthetic,
            "software": provenance.software,
        },  # fmt: skip
        "tables": tables,
        "charts": dict(bundle.charts),
        "metadata": dict(bundle.metadata),
        "summary": {k: v for k, v in bundle.summary.items() if _jsonable(v)},
        "warnings": list(bundle.warnings),
    }
    (staging / INDEX).write_text(json.dumps(index, allow_nan=False), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def load_bundle(folder: str | os.PathLike[str]) -> ResultBundle:
    """The bundle :func:`save_bundle` wrote (a :class:`StorageError` if it is gone)."""
    source = Path(folder)
    try:
        index = json.loads((source / INDEX).read_text(encoding="utf-8"))
        tables = {
            name: Table(
                pd.read_parquet(source / info["file"]),
                info["title"],
                metadata=info["metadata"],
                columns=info["columns"],
                decimals=info["decimals"],
                fingertips=info["fingertips"],
            )
            for name, info in index["tables"].items()
        }
    except (OSError, ValueError, KeyError) as exc:
        raise StorageError(f"the stored result in {source} cannot be read: {exc}") from None
    p = index["provenance"]
    provenance = Provenance(p["source"], p["hashes"], tuple(p["methods"]), p["synthetic"],
                            p["software"])  # fmt: skip
    return ResultBundle(index["question"], provenance, tables, index["charts"],
                        index["metadata"], index["summary"], tuple(index["warnings"]))  # fmt: skip
