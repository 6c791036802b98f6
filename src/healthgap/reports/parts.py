"""Results written chunk by chunk, so a long run keeps what it finished and memory stays bounded.

A :class:`PartStore` is a folder of Parquet parts, one per chunk and table
(``parts/<table>-000042.parquet``), each written to a temporary name and renamed, so a
part is either whole or absent when a run is interrupted. Its ``manifest.json`` holds
the run's fingerprint (the grid, the workspace's hashes, the seed): a rerun of the same
run skips the chunks already done (:meth:`PartStore.done`); a different run (or
``fresh=True``) starts afresh.

:meth:`PartStore.combine` streams the parts, in chunk order, into one Parquet file and
one CSV file, a fixed batch of parts in memory at a time, applying disclosure control and the
SYNTHETIC note to every part as the report writer does for every table.

>>> import pandas as pd, tempfile
>>> store = PartStore(tempfile.mkdtemp(), fingerprint="run 1")
>>> store.write(1, {"t": pd.DataFrame({"x": [2.0]})})
>>> store.write(0, {"t": pd.DataFrame({"x": [1.0]})})
>>> sorted(store.done("t")), PartStore(store.folder, fingerprint="run 1").done("t")
([0, 1], {0, 1})
>>> paths = store.combine("t", 2, synthetic=False)
>>> paths[1].read_text().splitlines()
['x', '1.0', '2.0']
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from healthgap.data.csv_export import neutralise_formulas
from healthgap.disclosure import DisclosurePolicy
from healthgap.errors import InputError
from healthgap.reports.tables import SYNTHETIC_NOTE

__all__ = ["PartStore"]

MANIFEST = "manifest.json"
#: Parts combined together (one frame, one row group): few calls, bounded memory.
BATCH = 32


class PartStore:
    """Chunk results of one run, kept in ``folder`` (see the module docstring)."""

    def __init__(
        self, folder: str | os.PathLike[str], *, fingerprint: str, fresh: bool = False
    ) -> None:
        self.folder = Path(folder)
        self.parts = self.folder / "parts"
        manifest = self.folder / MANIFEST
        previous = None
        if manifest.is_file():
            try:
                previous = json.loads(manifest.read_text(encoding="utf-8")).get("fingerprint")
            except (OSError, json.JSONDecodeError):
                previous = None
        self.resumed = previous == fingerprint and not fresh
        if not self.resumed:  # another run's parts would mix two runs: start afresh
            shutil.rmtree(self.parts, ignore_errors=True)
        self.parts.mkdir(parents=True, exist_ok=True)
        manifest.write_text(json.dumps({"fingerprint": fingerprint}), encoding="utf-8")

    def _path(self, table: str, index: int) -> Path:
        return self.parts / f"{table}-{index:06d}.parquet"

    def done(self, table: str) -> set[int]:
        """Indexes of the chunks whose ``table`` part is written."""
        prefix = f"{table}-"
        return {
            int(p.stem[len(prefix) :])
            for p in self.parts.glob(f"{prefix}*.parquet")
            if p.stem[len(prefix) :].isdigit()
        }

    def write(self, index: int, tables: Mapping[str, pd.DataFrame]) -> None:
        """Keep chunk ``index``'s tables; the first table named is written last, so when it
        is present the chunk is complete."""
        for name in [*list(tables)[1:], next(iter(tables))]:
            target = self._path(name, index)
            staging = target.with_suffix(f".{os.getpid()}.partial")
            tables[name].to_parquet(staging, index=False)
            os.replace(staging, target)

    def combine(
        self,
        table: str,
        chunks: int,
        *,
        synthetic: bool,
        policy: DisclosurePolicy | None = None,
        out: Path | None = None,
        csv: bool = True,
        batch: int = BATCH,
    ) -> list[Path]:
        """Stream the parts of ``table`` (chunks ``0 .. chunks-1``, all present) into
        ``<out>.parquet`` (and ``<out>.csv``); default ``out`` is ``folder/table``.

        Parts are read ``batch`` at a time (memory: ``batch`` parts, whatever the number
        of chunks) and each batch is controlled, written and neutralised as one frame.
        """
        missing = sorted(set(range(chunks)) - self.done(table))
        if missing:
            raise InputError(
                f"{len(missing)} chunks of {table} are not finished (first {missing[0]}); "
                "run the grid again to finish them",
                rule="unfinished_run",
            )
        stem = self.folder / table if out is None else out
        parquet_path, csv_path = stem.with_suffix(".parquet"), stem.with_suffix(".csv")
        writer, schema = None, None
        try:
            with open(csv_path, "w", encoding="utf-8", newline="") if csv else _Nothing() as text:
                for first in range(0, chunks, batch):
                    frame = pd.concat(
                        [pd.read_parquet(self._path(table, index))
                         for index in range(first, min(first + batch, chunks))],
                        ignore_index=True,
                    )  # fmt: skip
                    if policy is not None:
                        frame, _notes = policy.apply(frame)
                    if synthetic:
                        frame = frame.assign(data_note=SYNTHETIC_NOTE)
                    part = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
                    if writer is None:
                        schema = part.schema
                        writer = pq.ParquetWriter(parquet_path, schema)
                    writer.write_table(part)
                    if csv:
                        neutralise_formulas(frame).to_csv(
                            text, index=False, header=first == 0, lineterminator="\n"
                        )
        finally:
            if writer is not None:
                writer.close()
        return [parquet_path, csv_path] if csv else [parquet_path]


class _Nothing:
    """A stand-in for the CSV file when none is written."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *_exc: object) -> None:
        return None
