r"""Expected value of perfect and partial perfect information from a probabilistic sample.

A decision picks an option :math:`u` from a set; its value under uncertain inputs
:math:`\theta` is :math:`\mathrm{NB}(u, \theta)`. From :math:`N` Monte Carlo draws
:math:`\theta_n` (a probabilistic sensitivity analysis):

.. math::

    \mathrm{EVPI} = \frac1N \sum_n \max_u \mathrm{NB}(u, \theta_n)
                  - \max_u \frac1N \sum_n \mathrm{NB}(u, \theta_n)

the most a decision maker should pay (here: in years of life or of gap) to learn every
input before deciding. For a group :math:`\varphi` of inputs, the expected value of
partial perfect information replaces :math:`\mathrm{NB}` by its conditional expectation
given :math:`\varphi`, estimated by regressing each option's value on the draws of
:math:`\varphi` alone (Strong, Oakley & Brennan 2014, the non-parametric regression
method; no nested simulation):

.. math::

    \mathrm{EVPPI}_\varphi \approx \frac1N \sum_n \max_u \hat g_u(\varphi_n)
        - \max_u \frac1N \sum_n \hat g_u(\varphi_n),
    \qquad \hat g_u = \widehat{E}[\mathrm{NB}(u, \theta) \mid \varphi]

The regression is a generalised additive model for one input (cubic regression splines
with the smoothing penalty chosen by generalised cross-validation: scikit-learn's
``SplineTransformer`` and ``RidgeCV``) and a Gaussian process for a group of inputs
(squared-exponential kernel with one length scale per input plus a noise term, its
hyperparameters by maximum likelihood: scikit-learn's ``GaussianProcessRegressor``),
the two metamodels Strong et al. recommend. ``decide`` says how the decision is taken:
the best column of a table of options by default; a budget allocation passes its own
(the best mix of units for each row of effects per unit; the value is linear in them).

The Monte Carlo standard error reported is that of the outer mean,
:math:`\mathrm{sd}_n(\max_u \hat g_u(\varphi_n) - \hat g_{u^*}(\varphi_n))/\sqrt N`
(regression error not included).

References
----------
Strong M, Oakley JE, Brennan A. Estimating multiparameter partial expected value of
perfect information from a probabilistic sensitivity analysis sample: a nonparametric
regression approach. Med Decis Making 2014;34(3):311-326.

Examples
--------
Two options, the second worth :math:`0.2 + X_1 + 0.8 X_2` with standard normal inputs:
learning :math:`X_1` is worth :math:`0.2\Phi(0.2) + \phi(0.2) - 0.2 \approx 0.311`.

>>> rng = np.random.default_rng(1)
>>> X = rng.normal(size=(4000, 2))
>>> values = np.column_stack([np.zeros(4000), 0.2 + X[:, 0] + 0.8 * X[:, 1]])
>>> round(evpi(values)[0], 2), round(evppi(values, X[:, :1])[0], 2)
(0.42, 0.31)
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from threadpoolctl import threadpool_limits

from healthgap.errors import InputError

__all__ = ["METAMODELS", "best_option", "evpi", "evppi", "fit_metamodel"]

Decide = Callable[[np.ndarray], np.ndarray]
METAMODELS = ("gam", "gp")
#: Draws a Gaussian process is trained on (its cost grows with their cube); it then
#: predicts every draw.
GP_MAX_DRAWS = 500


def best_option(values: np.ndarray) -> np.ndarray:
    """The default decision: all weight on the option of highest value (one-hot rows)."""
    return np.eye(values.shape[1])[np.argmax(values, axis=1)]


def _value_of(values: np.ndarray, decide: Decide) -> tuple[float, float]:
    """Mean over draws of the value of the best choice minus the value of the choice best
    on average, and the Monte Carlo standard error of that mean."""
    per_draw = (decide(values) * values).sum(axis=1)
    at_mean = decide(values.mean(axis=0)[None, :])[0]  # u*, chosen on expected values
    regret = per_draw - values @ at_mean
    return float(regret.mean()), float(regret.std(ddof=1) / np.sqrt(len(values)))


def evpi(values: np.ndarray, decide: Decide | None = None) -> tuple[float, float]:
    """Expected value of perfect information and its Monte Carlo standard error.

    ``values`` is (draw, option): each option's value in each draw; ``decide`` maps rows
    of values to the weights of the choice (default :func:`best_option`; a budget passes
    the best mix of units for each row of effects per unit).
    """
    return _value_of(_check(values), decide or best_option)


def fit_metamodel(inputs: np.ndarray, values: np.ndarray, method: str = "auto") -> np.ndarray:
    """Fitted :math:`E[\\text{values} \\mid \\text{inputs}]` at every draw, per column.

    ``method``: ``"gam"`` (one input), ``"gp"`` (any number), ``"auto"`` (gam for one
    input, gp for more). Inputs that never vary carry no information: the fit is the mean.
    """
    inputs = np.asarray(inputs, dtype=float)
    if inputs.ndim == 1:
        inputs = inputs[:, None]
    values = _check(values)
    if method not in (*METAMODELS, "auto"):
        raise InputError(f"metamodel {method!r}: use gam, gp or auto", rule="bad_metamodel")
    spread = inputs.std(axis=0)
    varying = spread > 0
    if not varying.any():
        return np.broadcast_to(values.mean(axis=0), values.shape).copy()
    X = (inputs[:, varying] - inputs[:, varying].mean(axis=0)) / spread[varying]
    chosen = ("gam" if X.shape[1] == 1 else "gp") if method == "auto" else method
    if chosen == "gam" and X.shape[1] > 1:
        raise InputError("the gam metamodel takes one input; use gp for a group",
                         rule="bad_metamodel")  # fmt: skip
    fit = _gam if chosen == "gam" else _gp
    # small dense algebra: threads cost more than they give (and oversubscribe workers)
    with threadpool_limits(limits=1):
        return np.column_stack([fit(X, values[:, j]) for j in range(values.shape[1])])


def _gam(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    from sklearn.linear_model import RidgeCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import SplineTransformer

    knots = int(min(12, max(4, len(y) // 50)))
    model = make_pipeline(
        SplineTransformer(n_knots=knots, degree=3, knots="quantile", extrapolation="linear"),
        RidgeCV(alphas=np.logspace(-6, 4, 41)),  # smoothing chosen by GCV (efficient LOO)
    )
    return model.fit(X, y).predict(X)


def _gp(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

    if np.ptp(y) == 0:
        return np.full(len(y), y[0])
    n = min(len(y), GP_MAX_DRAWS)
    kernel = ConstantKernel(1.0, (1e-9, 1e6)) * RBF(np.ones(X.shape[1]), (1e-2, 1e4)) + WhiteKernel(
        0.1, (1e-9, 1e2)
    )
    model = GaussianProcessRegressor(kernel, normalize_y=True, random_state=0)
    with warnings.catch_warnings():
        # an input with no effect pushes its length scale to the bound: that is the answer
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X[:n], y[:n])
    return model.predict(X)


def evppi(
    values: np.ndarray,
    inputs: np.ndarray,
    decide: Decide | None = None,
    method: str = "auto",
) -> tuple[float, float]:
    """Expected value of partial perfect information about ``inputs`` (draw, p) and its
    Monte Carlo standard error, by regression (see the module docstring)."""
    fitted = fit_metamodel(inputs, _check(values), method)
    found, se = _value_of(fitted, decide or best_option)
    return max(found, 0.0), se


def _check(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if values.ndim != 2 or len(values) < 10 or not np.isfinite(values).all():
        raise InputError(
            "value of information needs at least 10 draws of finite values (draw x option)",
            rule="bad_draws",
        )
    return values
