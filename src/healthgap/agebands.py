"""Age bands: the standard set used throughout healthgap, and standard populations.

A *band set* is described by the sorted start ages of its bands; the last band is
open (e.g. 90+). Tidy tables carry the start age in the column ``age_start``;
labels are derived with :func:`band_label`.

>>> STANDARD_STARTS[:4], STANDARD_STARTS[-1], len(STANDARD_STARTS)
((0, 1, 5, 10), 90, 20)
>>> band_label(1, STANDARD_STARTS), band_label(90, STANDARD_STARTS)
('1-4', '90+')
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "ESP2013",
    "ESP2013_STARTS",
    "STANDARD_LABELS",
    "STANDARD_STARTS",
    "band_label",
    "band_labels",
    "band_widths",
    "esp2013",
]

#: The 20 standard bands of English life tables: 0, 1-4, 5-9, ..., 85-89, 90+.
STANDARD_STARTS: tuple[int, ...] = (0, 1, *range(5, 95, 5))


def band_widths(starts: Sequence[int]) -> np.ndarray:
    """Widths n_i of each band; the open last band gets ``inf``.

    >>> band_widths((0, 1, 5)).tolist()
    [1.0, 4.0, inf]
    """
    s = np.asarray(starts, dtype=float)
    return np.append(np.diff(s), np.inf)


def band_label(start: int, starts: Sequence[int]) -> str:
    """Label of the band starting at ``start`` within the band set ``starts``."""
    starts = list(starts)
    i = starts.index(int(start))
    if i == len(starts) - 1:
        return f"{start}+"
    end = starts[i + 1] - 1
    return f"{start}" if end == start else f"{start}-{end}"


def band_labels(starts: Sequence[int]) -> list[str]:
    """Labels of every band in the set, in order."""
    return [band_label(s, starts) for s in starts]


STANDARD_LABELS: tuple[str, ...] = tuple(band_labels(STANDARD_STARTS))

#: European Standard Population 2013 in 19 bands (0-4 combined, 90+ combined), per 100,000.
ESP2013_STARTS: tuple[int, ...] = (0, *range(5, 95, 5))
_ESP2013_WEIGHTS = (
    5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
    7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000,
)  # fmt: skip


def esp2013() -> pd.DataFrame:
    """European Standard Population 2013 as a tidy table keyed by ``age_start``.

    Bands 0 and 1-4 are combined (0-4: 5,000) and so are 90-94 and 95+ (90+: 1,000),
    as in PHEindicatormethods' ``esp2013``. Join it by ``age_start``, never by position.

    >>> esp = esp2013()
    >>> int(esp["standard_population"].sum()), esp.iloc[0].to_dict()
    (100000, {'age_start': 0, 'age_band': '0-4', 'standard_population': 5000.0})
    """
    return pd.DataFrame(
        {
            "age_start": list(ESP2013_STARTS),
            "age_band": band_labels(ESP2013_STARTS),
            "standard_population": np.asarray(_ESP2013_WEIGHTS, dtype=float),
        }
    )


ESP2013 = esp2013()
