"""Build the postcode district centroids the pledge map draws from a table of postcode positions.

Reads one CSV with a row per postcode and its latitude/longitude, and writes
``src/healthgap/engage/data/postcode_districts.csv``: one row per postcode district (outward
code) with the mean position of its postcodes and how many postcodes that mean is over.

Two inputs are understood, by their column names:

- the ONS Postcode Directory (ONSPD) CSV, the official source (columns ``pcds``, ``lat``,
  ``long``; terminated postcodes, those with a ``doterm``, are left out);
- ``ukpostcodes.csv`` from the PyPI package ``postcodez`` 0.9 (columns ``postcode``,
  ``latitude``, ``longitude``), a copy of the ONSPD/Code-Point Open positions that can be
  fetched offline through PyPI: ``pip download --no-deps postcodez==0.9``.

Postcodes without a real position (empty, zero, or the 99.999999/0 placeholder the ONSPD
gives non-geographic and some new postcodes) are dropped, and so are districts that the
``uk-postcodes-parsing`` outcode list (ONSPD) does not hold, so that every district of the
table is one the pledge form accepts. Usage::

    python scripts/build_postcode_districts.py                        # postcodez from PyPI
    python scripts/build_postcode_districts.py ONSPD_FEB_2025_UK.csv  # the official file
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pandas as pd

from healthgap.engage.pledge_postcodes import known_districts

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "healthgap" / "engage" / "data" / "postcode_districts.csv"
POSTCODEZ = "postcodez==0.9"
POSTCODEZ_MEMBER = "postcodez-0.9/postcodez/ukpostcodes.csv"
#: The UK with its islands, generously: anything outside is a placeholder or an error.
UK_LATITUDE, UK_LONGITUDE = (49.8, 60.9), (-8.7, 1.8)
#: (postcode, latitude, longitude) column names of each understood input.
LAYOUTS = {
    "ONSPD": ("pcds", "lat", "long"),
    "postcodez": ("postcode", "latitude", "longitude"),
}


def fetch_postcodez(folder: Path) -> Path:
    """Download the postcodez sdist from PyPI (no install) and unpack its postcode CSV."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
         "--dest", str(folder), POSTCODEZ],
        check=True,
    )  # fmt: skip
    archive = next(folder.glob("postcodez-0.9*.tar.gz"))
    with tarfile.open(archive) as tar:
        tar.extract(POSTCODEZ_MEMBER, folder, filter="data")
    return folder / POSTCODEZ_MEMBER


def read_positions(path: Path) -> tuple[pd.DataFrame, str]:
    """``postcode``, ``latitude``, ``longitude`` of the live postcodes of ``path``, and the
    name of the layout it was read as."""
    header = set(pd.read_csv(path, nrows=0).columns)
    layout = next((name for name, cols in LAYOUTS.items() if set(cols) <= header), None)
    if layout is None:
        wanted = " or ".join(", ".join(c) for c in LAYOUTS.values())
        raise SystemExit(f"{path}: columns {wanted} not found in the header")
    columns = LAYOUTS[layout]
    extra = ["doterm"] if layout == "ONSPD" and "doterm" in header else []
    frame = pd.read_csv(path, usecols=[*columns, *extra], dtype={columns[0]: str})
    if extra:
        frame = frame[frame["doterm"].isna()]
    names = dict(zip(columns, ("postcode", "latitude", "longitude"), strict=True))
    frame = frame.rename(columns=names)
    return frame[["postcode", "latitude", "longitude"]], layout


def district_centroids(positions: pd.DataFrame) -> pd.DataFrame:
    """One row per known district: ``outcode``, mean ``latitude``/``longitude`` (4 dp, about
    10 m) and ``postcodes``, the number of positioned postcodes averaged."""
    latitude = pd.to_numeric(positions["latitude"], errors="coerce")
    longitude = pd.to_numeric(positions["longitude"], errors="coerce")
    placed = (
        latitude.between(*UK_LATITUDE)
        & longitude.between(*UK_LONGITUDE)
        & (latitude != 0)
        & (longitude != 0)  # the ONSPD placeholder is 99.999999, 0
    )
    outcode = positions["postcode"].str.upper().str.split().str[0]
    frame = pd.DataFrame({"outcode": outcode, "latitude": latitude, "longitude": longitude})
    frame = frame[placed & outcode.isin(known_districts())]
    table = frame.groupby("outcode").agg(
        latitude=("latitude", "mean"),
        longitude=("longitude", "mean"),
        postcodes=("latitude", "size"),
    )
    return table.round({"latitude": 4, "longitude": 4}).reset_index().sort_values("outcode")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "source", nargs="?", type=Path, help="ONSPD or ukpostcodes.csv (default: postcodez)"
    )
    parser.add_argument("--out", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        source = args.source or fetch_postcodez(Path(scratch))
        positions, layout = read_positions(source)
        table = district_centroids(positions)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False, lineterminator="\n")
    missing = len(known_districts()) - len(table)
    print(
        f"{args.out}: {len(table)} districts from {len(positions):,} postcodes ({layout}); "
        f"{missing} known districts have no positioned postcode"
    )


if __name__ == "__main__":
    main()
