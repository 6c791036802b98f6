"""A :class:`~healthgap.scenarios.baseline.Baseline` as files: Parquet and JSON only.

The cells are a Parquet table; the deaths and person-years arrays are Parquet tables of one
column (the array flattened in C order) with their shapes in ``baseline.json`` beside the
labels of the axes. Nothing is pickled: reading the files runs no code, whoever wrote them.

>>> import tempfile
>>> cells = pd.DataFrame({"cell": [0], "area_code": ["E1"], "quintile": [1]})
>>> base = Baseline.from_arrays(np.ones((1, 1, 1, 1)), np.full((1, 1, 1), 2.0), cells,
...                             sexes=["male"], causes=["all"], starts=[0])
>>> folder = Path(tempfile.mkdtemp())
>>> save_baseline(base, folder)
>>> float(load_baseline(folder).population.sum()), load_baseline(folder).sexes
(2.0, ('male',))
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from healthgap.scenarios.baseline import Baseline

__all__ = ["load_baseline", "save_baseline"]


def save_baseline(baseline: Baseline, folder: Path) -> None:
    """Write ``baseline`` into ``folder`` (which exists)."""
    baseline.cells.to_parquet(folder / "cells.parquet")
    for name in ("deaths", "population"):
        array = np.asarray(getattr(baseline, name), dtype=float)
        pd.DataFrame({name: array.ravel()}).to_parquet(folder / f"{name}.parquet")
    described = {
        "sexes": list(baseline.sexes),
        "starts": [int(s) for s in baseline.starts],
        "causes": list(baseline.causes),
        "years": int(baseline.years),
        "period": baseline.period,
        "cell_level": baseline.cell_level,
        "shapes": {n: list(getattr(baseline, n).shape) for n in ("deaths", "population")},
    }
    (folder / "baseline.json").write_text(json.dumps(described))


def load_baseline(folder: Path) -> Baseline:
    """The baseline :func:`save_baseline` wrote into ``folder``."""
    described = json.loads((folder / "baseline.json").read_text())
    arrays = {
        name: pd.read_parquet(folder / f"{name}.parquet")[name]
        .to_numpy(dtype=float)
        .reshape(described["shapes"][name])
        for name in ("deaths", "population")
    }
    return Baseline(
        cells=pd.read_parquet(folder / "cells.parquet"),
        sexes=tuple(str(s) for s in described["sexes"]),
        starts=tuple(int(s) for s in described["starts"]),
        causes=tuple(str(c) for c in described["causes"]),
        deaths=arrays["deaths"],
        population=arrays["population"],
        years=int(described["years"]),
        period=str(described["period"]),
        cell_level=str(described["cell_level"]),
    )
