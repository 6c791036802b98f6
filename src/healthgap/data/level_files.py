"""The per-level tables kept on disk, read area by area.

A national workspace's tables summed to every level hold tens of millions of rows (about
450 MB in memory), while a report or a page of one area needs a few thousand of them. So
each table is kept as an Arrow IPC file of LZ4-compressed batches of :data:`BATCH_ROWS`
rows, sorted by area as :class:`~healthgap.data.levels.AreaRows` keeps it, with the row
range of every area beside it (``<name>.ranges.npy``). Opening one reads the schema, the
dictionaries and the ranges; a selection decompresses only the batches holding the chosen
areas' rows; the whole table is read only when a caller asks for all of it (the pooled
table of a period for the whole country). Rows, order, dtypes and index are those of the
table in memory, so callers get the same frames either way.

>>> import tempfile
>>> frame = pd.DataFrame({"area_code": pd.Categorical(["A", "A", "B"]),
...                       "person_years": np.array([1, 2, 3], dtype="int32")})
>>> path = Path(tempfile.mkdtemp()) / "population.arrow"
>>> write_level_file(frame, np.array([0, 2]), np.array([2, 3]), path)
>>> stored = LevelFile(path)
>>> stored.select_positions(np.array([2]))["person_years"].tolist(), len(stored.frame)
([3], 3)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc

__all__ = ["BATCH_ROWS", "FILE_SUFFIX", "LEVEL_FILE_FORMAT", "LevelFile", "write_level_file"]

#: Rows per compressed batch: small enough that one area's rows cost a batch or two to
#: read, large enough that the national table is a few hundred batches.
BATCH_ROWS = 65_536
FILE_SUFFIX = ".arrow"
#: Part of the prepared folder's name: a change of layout gets a new folder.
LEVEL_FILE_FORMAT = "arrow-ipc-lz4-1"
# Decompressed batches kept per file: the areas every report reads again (England, the
# region) stay at hand; at most about 50 MB per table.
_KEPT_BATCHES = 48


def _ranges_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.ranges.npy")


def write_level_file(frame: pd.DataFrame, start: np.ndarray, stop: np.ndarray, path: Path) -> None:
    """Write ``frame`` (sorted by area) to ``path`` and the row range of each area beside
    it (``start``/``stop`` indexed by the area's position in the area categories)."""
    table = pa.Table.from_pandas(frame, preserve_index=False).combine_chunks()
    # the batch length, read back to find a row's batch (every batch but the last is full)
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), b"healthgap.batch_rows": str(BATCH_ROWS).encode()}
    )
    options = pa.ipc.IpcWriteOptions(compression="lz4")
    with (
        pa.OSFile(str(path), "wb") as sink,
        pa.ipc.new_file(sink, table.schema, options=options) as writer,
    ):
        writer.write_table(table, max_chunksize=BATCH_ROWS)
    ranges = np.vstack([np.asarray(start, dtype=np.int64), np.asarray(stop, dtype=np.int64)])
    np.save(_ranges_path(path), ranges, allow_pickle=False)


class LevelFile:
    """One kept table, opened without reading its rows (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._reader = pa.ipc.open_file(pa.memory_map(str(path), "r"))
        ranges = np.load(_ranges_path(path), allow_pickle=False)
        self.start, self.stop = ranges[0], ranges[1]
        self.batches = self._reader.num_record_batches
        self.batch_rows = int((self._reader.schema.metadata or {})[b"healthgap.batch_rows"])
        self.rows = int(self.stop.max()) if len(self.stop) else 0
        # The empty frame and dtypes to_pandas gives (categories from the file's
        # dictionaries, converted once).
        empty = (
            pa.Table.from_batches([self._reader.get_batch(0).slice(0, 0)])
            if self.batches
            else self._reader.schema.empty_table()
        )
        self._empty = empty.to_pandas()
        self.dtypes = self._empty.dtypes
        self._kept: OrderedDict[int, dict[str, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()
        self._frame: pd.DataFrame | None = None

    @property
    def frame(self) -> pd.DataFrame:
        """The whole table (read once, on first use)."""
        with self._lock:
            if self._frame is None:
                self._frame = self._assemble(
                    [self._columns_of(self._reader.get_batch(i)) for i in range(self.batches)],
                    pd.RangeIndex(self.rows),
                )
            return self._frame

    def categories(self, column: str) -> pd.Index:
        """The categories of a dictionary column (e.g. the period labels)."""
        return self.dtypes[column].categories

    def empty(self) -> pd.DataFrame:
        """No rows, with the table's columns and dtypes."""
        return self._empty.iloc[0:0]

    def select_positions(self, positions: np.ndarray) -> pd.DataFrame:
        """The rows at ``positions`` (ascending within each area), indexed by position."""
        if self._frame is not None:
            return self._frame.iloc[positions]
        if not len(positions):
            return self.empty()
        needed = np.unique(positions // self.batch_rows)
        parts = [self._batch(int(i)) for i in needed]
        lengths = np.array([len(next(iter(p.values()))) for p in parts], dtype=np.int64)
        offsets = np.r_[0, np.cumsum(lengths)[:-1]]
        batch = positions // self.batch_rows
        local = offsets[np.searchsorted(needed, batch)] + positions - batch * self.batch_rows
        columns = {name: np.concatenate([p[name] for p in parts])[local] for name in parts[0]}
        return self._assemble([columns], pd.Index(positions))

    def _batch(self, index: int) -> dict[str, np.ndarray]:
        with self._lock:
            if index in self._kept:
                self._kept.move_to_end(index)
                return self._kept[index]
            columns = self._columns_of(self._reader.get_batch(index))
            self._kept[index] = columns
            if len(self._kept) > _KEPT_BATCHES:
                self._kept.popitem(last=False)
            return columns

    @staticmethod
    def _columns_of(batch: pa.RecordBatch) -> dict[str, np.ndarray]:
        """Each column as a NumPy array: dictionary columns as their integer codes."""
        out = {}
        for name, column in zip(batch.schema.names, batch.columns, strict=True):
            if pa.types.is_dictionary(column.type):
                out[name] = column.indices.fill_null(-1).to_numpy()
            else:
                out[name] = column.to_numpy(zero_copy_only=False)
        return out

    def _assemble(self, parts: list[dict[str, np.ndarray]], index: pd.Index) -> pd.DataFrame:
        if not parts:
            return self.empty()
        data = {}
        for name, dtype in self.dtypes.items():
            values = parts[0][name] if len(parts) == 1 else np.concatenate([p[name] for p in parts])
            if isinstance(dtype, pd.CategoricalDtype):
                data[name] = pd.Categorical.from_codes(values, dtype=dtype, validate=False)
            elif isinstance(dtype, np.dtype):
                data[name] = values.astype(dtype, copy=False)
            else:  # an extension dtype (e.g. pandas strings)
                data[name] = pd.array(values, dtype=dtype)
        return pd.DataFrame(data, index=index, copy=False)
