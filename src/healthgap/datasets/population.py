r"""Population (person-years) of every LSOA of the SYNTHETIC demo country by year, sex and band.

.. math::

    P_{tlsb} = \operatorname{round}\!\left(N_l\, \pi_s\, a_{lsb}\, e^{g_l (t - t_0)}\right),
    \qquad a_{lsb} \propto A_{sb}\, e^{\theta_l (x_b - 40) / 40}

where :math:`N_l` is the LSOA's size in the reference year :math:`t_0` (log-normal),
:math:`\pi_s` the sex share, :math:`A_{sb}` England's age shares, :math:`\theta_l` an age
tilt (deprived and urban LSOAs younger, rural ones older) and :math:`g_l` its growth rate.
Mid-year populations stand for the year's person-years, as in ONS life tables.

>>> import numpy as np
>>> from healthgap.datasets.geography import draw_geography
>>> rng = np.random.default_rng(1)
>>> geo = draw_geography(rng, n_lsoa=40, n_ward=10, las_per_region=(2, 3))
>>> draw_population(rng, geo).person_years(np.arange(2020, 2023)).shape
(3, 40, 2, 20)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from healthgap.datasets import parameters as par
from healthgap.datasets.geography import Geography

__all__ = ["PopulationModel", "draw_population"]


@dataclass(frozen=True)
class PopulationModel:
    """Unrounded LSOA populations: ``level`` (LSOA, sex, band) in the reference year, and
    each LSOA's annual ``growth`` rate."""

    level: np.ndarray
    growth: np.ndarray

    def scale(self, years: np.ndarray) -> np.ndarray:
        """Growth factor shaped (year, LSOA) relative to the reference year."""
        offset = np.asarray(years, float) - par.REFERENCE_YEAR
        return np.exp(self.growth[None, :] * offset[:, None])

    def person_years(self, years: np.ndarray, lsoas: np.ndarray | None = None) -> np.ndarray:
        """Integer person-years shaped (year, LSOA, sex, band), dtype int32, for all LSOAs
        or only the LSOA indices ``lsoas``."""
        pick = slice(None) if lsoas is None else lsoas
        scale = self.scale(years)[:, pick].astype(np.float32)
        level = self.level[pick].astype(np.float32)
        out = scale[:, :, None, None] * level[None]
        np.rint(out, out=out)
        return out.astype(np.int32)


def draw_population(rng: np.random.Generator, geo: Geography) -> PopulationModel:
    """Draw each LSOA's size, age-sex structure and growth."""
    n = geo.lsoa_code.size
    size = par.LSOA_MEAN_SIZE * rng.lognormal(-(par.LSOA_SIZE_SD**2) / 2, par.LSOA_SIZE_SD, n)
    tilt = (
        par.TILT_PER_RANK * (geo.rank_fraction - 0.5)
        + par.TILT_RURAL * geo.lsoa_rural
        + rng.normal(0.0, par.TILT_SD, n)
    )
    growth = rng.normal(par.GROWTH_MEAN, par.GROWTH_SD, n)
    # Shares of each sex-band within the LSOA: (LSOA, sex, band), summing to 1 over both.
    base = par.AGE_SHARE / par.AGE_SHARE.sum(axis=1, keepdims=True)
    shares = base[None] * np.exp(tilt[:, None, None] * (par.BAND_MID_AGES - 40.0) / 40.0)
    shares /= shares.sum(axis=2, keepdims=True)
    shares *= np.array([par.MALE_SHARE, 1.0 - par.MALE_SHARE])[None, :, None]
    return PopulationModel(level=size[:, None, None] * shares, growth=growth)
