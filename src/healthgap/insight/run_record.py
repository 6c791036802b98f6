"""What a segmentation run needs to be repeated exactly: inputs hash, method, seed, versions.

A :class:`RunRecord` is plain data (``to_dict`` gives JSON-ready values), so it can be
stored with the segments and read back; :meth:`RunRecord.check_inputs` refuses to repeat a
run on inputs that differ from the ones recorded.

>>> import pandas as pd
>>> X = pd.DataFrame({"a": [1.0, 2.0]}, index=pd.Index(["E1", "E2"], name="area_code"))
>>> digest = inputs_hash(X, None)
>>> record = RunRecord(inputs_hash=digest, method="kmeans", seed=3, parameters={},
...                    versions={"healthgap": "0"}, n_areas=2, features=("a",), vintage="2021")
>>> RunRecord.from_dict(record.to_dict()) == record
True
>>> try:
...     record.check_inputs(X * 2, None)
... except InputError as err:
...     print(err.problems[0].rule)
inputs_changed
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np
import pandas as pd

from healthgap.errors import InputError

__all__ = ["RunRecord", "inputs_hash", "library_versions"]


def inputs_hash(X: pd.DataFrame, weights: pd.Series | np.ndarray | None) -> str:
    """SHA-256 of the area codes, indicator names and values (float64) and the weights."""
    digest = hashlib.sha256()
    digest.update(json.dumps([str(c) for c in X.columns]).encode())
    digest.update("\n".join(map(str, X.index)).encode())
    digest.update(np.ascontiguousarray(X.to_numpy(dtype=np.float64)).tobytes())
    if weights is not None:
        digest.update(b"weights")
        digest.update(np.ascontiguousarray(np.asarray(weights, dtype=np.float64)).tobytes())
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """Versions of the packages whose behaviour decides the segments."""
    out = {}
    for package in ("healthgap", "scikit-learn", "scipy", "numpy"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            out[package] = "unknown"
    return out


@dataclass(frozen=True)
class RunRecord:
    """How a segmentation was made: enough to make it again and to tell if inputs changed."""

    inputs_hash: str
    method: str
    seed: int
    parameters: dict[str, Any]
    versions: dict[str, str]
    n_areas: int
    features: tuple[str, ...]
    vintage: str | None = None
    sources: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (tuples become lists)."""
        out = asdict(self)
        out["features"] = list(self.features)
        out["sources"] = list(self.sources)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunRecord:
        values = dict(data)
        values["features"] = tuple(values.get("features", ()))
        values["sources"] = tuple(values.get("sources", ()))
        return cls(**values)

    def check_inputs(self, X: pd.DataFrame, weights: pd.Series | np.ndarray | None) -> None:
        """Raise ``InputError`` (rule ``inputs_changed``) unless ``X`` and ``weights`` hash
        to the recorded inputs."""
        if inputs_hash(X, weights) != self.inputs_hash:
            raise InputError(
                "the indicators or weights differ from the recorded run's "
                f"(hash {self.inputs_hash[:4]}...); the run cannot be repeated on them",
                rule="inputs_changed",
            )
