"""Import a licensed segmentation lookup (postcode, OA or LSOA -> segment), never shipped.

Commercial classifications (Mosaic, Acorn and their public-sector editions) are licensed
to the user's organisation: healthgap reads the user's own copy, checks it, records its
version and a hash of its content, and uses its segments exactly like those of an open
segmentation (profiles, stages of change, equity audit). No lookup is included in
healthgap, and nothing here writes one anywhere.

>>> import pandas as pd
>>> frame = pd.DataFrame({"postcode": ["sw1a 1aa", "M1 1AE"], "segment_code": ["A01", "B02"],
...                       "segment_name": ["Group A type 1", "Group B type 2"]})
>>> lookup = segment_lookup(frame, key_type="postcode", version="2024.1", classification="X")
>>> lookup.assign(pd.Series(["SW1A1AA", "m1 1ae"])).tolist()
['A01', 'B02']
"""

from __future__ import annotations

import hashlib
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from healthgap.data.file_problems import FileProblems
from healthgap.data.readers import ROW, read_table_file
from healthgap.errors import InputError, Problem, SuppressionWarning

__all__ = [
    "KEY_TYPES",
    "SegmentLookup",
    "normalise_postcode",
    "read_segment_lookup",
    "segment_lookup",
]

#: What a lookup may be keyed by, with the form its keys must take.
KEY_TYPES: dict[str, re.Pattern[str]] = {
    "postcode": re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$"),
    "oa": re.compile(r"^[EWSN]00\d{6}$"),
    "lsoa": re.compile(r"^[EW]01\d{6}$"),
}
_DEFAULT_KEY_COLUMNS = {"postcode": "postcode", "oa": "oa_code", "lsoa": "lsoa_code"}


def normalise_postcode(values: pd.Series) -> pd.Series:
    """Upper case with one space before the inward code: ``"sw1a1aa"`` -> ``"SW1A 1AA"``.

    >>> normalise_postcode(pd.Series([" sw1a1aa ", "M1  1AE"])).tolist()
    ['SW1A 1AA', 'M1 1AE']
    """
    packed = values.astype(str).str.upper().str.replace(r"\s+", "", regex=True)
    return packed.str.replace(r"^(.+)(\d[A-Z]{2})$", r"\1 \2", regex=True)


@dataclass(frozen=True)
class SegmentLookup:
    """A checked lookup: ``table`` has ``key``, ``segment_code``, ``segment_name``."""

    key_type: str
    version: str
    classification: str
    source: str
    table: pd.DataFrame
    content_hash: str

    def _keys(self, keys: pd.Series) -> pd.Series:
        if self.key_type == "postcode":
            return normalise_postcode(keys)
        return keys.astype(str).str.strip().str.upper()

    def assign(self, keys: pd.Series, *, unmatched: str = "error", name: str = "data") -> pd.Series:
        """The segment code of each key (postcodes in any spacing or case).

        ``unmatched="error"`` raises ``InputError`` (rule ``unmatched_code``, one problem per
        row) for keys not in the lookup; ``"missing"`` leaves them empty with a
        :class:`~healthgap.errors.SuppressionWarning`.
        """
        wanted = self._keys(keys)
        codes = self.table.set_index("key")["segment_code"]
        found = wanted.map(codes)
        lost = found.isna()
        if lost.any() and unmatched == "error":
            positions = np.flatnonzero(lost.to_numpy())[:1000]
            raise InputError(
                [
                    Problem(
                        name,
                        int(p) + 2,
                        None,
                        "unmatched_code",
                        f"{keys.iloc[p]} is not in the {self.classification} lookup "
                        f"(version {self.version})",
                    )
                    for p in positions
                ]
            )
        if lost.any():
            warnings.warn(
                f"{int(lost.sum())} keys are not in the lookup and have no segment",
                SuppressionWarning,
                stacklevel=2,
            )
        return found.rename("segment")

    def labels(self) -> pd.Series:
        """Segment of every area (OA or LSOA lookups), indexed by code: use it wherever a
        segmentation's ``labels_`` is used."""
        if self.key_type == "postcode":
            raise InputError(
                "a postcode lookup has no area labels; assign postcodes with .assign()",
                rule="wrong_key_type",
            )
        return self.table.set_index("key")["segment_code"].rename("segment")

    def names(self) -> pd.DataFrame:
        """``segment``, ``name`` of every segment (the classification's own names)."""
        out = self.table.drop_duplicates("segment_code")[["segment_code", "segment_name"]]
        out = out.rename(columns={"segment_code": "segment", "segment_name": "name"})
        return out.sort_values("segment").reset_index(drop=True).assign(edited=False)

    def record(self) -> dict[str, str]:
        """What to store with results made from this lookup."""
        return {
            "classification": self.classification,
            "version": self.version,
            "key_type": self.key_type,
            "source": self.source,
            "content_hash": self.content_hash,
        }


def segment_lookup(
    frame: pd.DataFrame,
    *,
    key_type: str,
    version: str,
    classification: str,
    key_column: str | None = None,
    segment_column: str = "segment_code",
    name_column: str | None = "segment_name",
    source: str = "lookup",
) -> SegmentLookup:
    """Check a lookup frame and return it as a :class:`SegmentLookup`.

    Raises
    ------
    InputError
        ``bad_key_type``, ``missing_version``, ``missing_column``, ``missing_value``,
        ``bad_key`` (not a postcode / OA / LSOA code), ``conflicting_segment`` (a key given
        two segments), ``inconsistent_name`` (a segment code with two names).
    """
    found = FileProblems(source)
    if key_type not in KEY_TYPES:
        found.add(None, None, "bad_key_type", f"key_type must be one of {', '.join(KEY_TYPES)}")
        found.raise_if_any()
    if not str(version or "").strip():
        found.add(
            None,
            None,
            "missing_version",
            "give the lookup's version (e.g. the supplier's release), so results can "
            "say which one they used",
        )
    key = key_column or _DEFAULT_KEY_COLUMNS[key_type]
    absent = [c for c in [key, segment_column, *([name_column] if name_column else [])]
              if c not in frame.columns]  # fmt: skip
    for column in absent:
        found.add(None, column, "missing_column", f"column {column!r} is missing")
    if absent:
        found.raise_if_any()

    rows = (
        frame[ROW].astype(int)
        if ROW in frame.columns
        else pd.Series(np.arange(len(frame)) + 2, index=frame.index)
    )
    raw_key = frame[key].astype(str).str.strip()
    keys = normalise_postcode(raw_key) if key_type == "postcode" else raw_key.str.upper()
    segment = frame[segment_column].astype(str).str.strip()
    names = frame[name_column].astype(str).str.strip() if name_column else segment
    found.add_rows(rows, raw_key.eq(""), key, "missing_value", "is empty")
    found.add_rows(rows, segment.eq(""), segment_column, "missing_value", "is empty")
    bad = raw_key.ne("") & ~keys.str.match(KEY_TYPES[key_type])
    found.add_rows(rows, bad, key, "bad_key", "'" + raw_key + f"' is not a {key_type} code")
    pairs = pd.DataFrame({"key": keys, "segment": segment})
    conflict = pairs.duplicated("key", keep="first") & ~pairs.duplicated(keep="first")
    found.add_rows(
        rows,
        conflict,
        segment_column,
        "conflicting_segment",
        keys + " is given another segment on an earlier row",
    )
    coded = pd.DataFrame({"segment": segment, "name": names})
    renamed = coded.duplicated("segment", keep="first") & ~coded.duplicated(keep="first")
    found.add_rows(
        rows,
        renamed,
        name_column or segment_column,
        "inconsistent_name",
        "segment " + segment + " has another name on an earlier row",
    )
    found.raise_if_any()

    table = (
        pd.DataFrame(
            {"key": keys.to_numpy(), "segment_code": segment.to_numpy(), "segment_name": names}
        )
        .drop_duplicates("key")
        .reset_index(drop=True)
    )
    digest = hashlib.sha256(pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes())
    return SegmentLookup(
        key_type=key_type,
        version=str(version).strip(),
        classification=classification,
        source=source,
        table=table,
        content_hash=digest.hexdigest(),
    )


def read_segment_lookup(
    path: str | Path,
    *,
    key_type: str,
    version: str,
    classification: str,
    key_column: str | None = None,
    segment_column: str = "segment_code",
    name_column: str | None = "segment_name",
    sheet: str | int | None = None,
) -> SegmentLookup:
    """Read a licensed lookup file (CSV, Excel, Parquet) and check it (see
    :func:`segment_lookup`); problems name the file's spreadsheet rows."""
    frame = read_table_file(path, sheet=sheet)
    return segment_lookup(
        frame,
        key_type=key_type,
        version=version,
        classification=classification,
        key_column=key_column,
        segment_column=segment_column,
        name_column=name_column,
        source=Path(path).name,
    )
