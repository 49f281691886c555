"""Prediction intervals from real out-of-fold residuals, and their calibration check.

A prediction is a normal-looking statement about log time (mean mu, sd from the model), but real residuals are
heavier-tailed and the model's sd is only approximate. So the interval uses the empirical quantiles of the
*standardised* out-of-fold residuals z = (log T_obs - mu) / sd, separately per group (number of prior efforts:
"0", "1", "2", "3+"), collected by runner-grouped cross-validation on the training data
(:func:`coaching.prediction.population.fit_population_model`). The interval is then
exp(mu + q_lo sd) .. exp(mu + q_hi sd) seconds; for an 80% interval q_lo, q_hi are the 10% and 90% quantiles.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

#: z quantiles of a normal distribution for a central 80% interval (fallback when a group has no residuals)
NORMAL_80 = (-1.2815515655446004, 1.2815515655446004)
MIN_GROUP_SIZE = 30


def fit_z_quantiles(
    z: np.ndarray, groups: Sequence[str], level: float = 0.8
) -> dict[str, tuple[float, float]]:
    """Lower/upper empirical quantiles of standardised residuals ``z`` per group for a central ``level``.

    Groups with fewer than 30 residuals borrow the pooled quantiles of all groups with efforts (not "0").
    """
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    g = np.asarray(groups)
    out: dict[str, tuple[float, float]] = {}
    with_efforts = z[g != "0"] if np.any(g != "0") else z
    pooled = (float(np.quantile(with_efforts, lo_q)), float(np.quantile(with_efforts, hi_q)))
    for name in ("0", "1", "2", "3+"):
        zz = z[g == name]
        out[name] = (
            (float(np.quantile(zz, lo_q)), float(np.quantile(zz, hi_q)))
            if len(zz) >= MIN_GROUP_SIZE
            else pooled
        )
    return out


def interval_s(
    mu: float, sd: float, group: str, z_quantiles: Mapping[str, tuple[float, float]]
) -> tuple[float, float]:
    """(low_s, high_s) seconds of the calibrated interval around log-time prediction ``mu`` with ``sd``."""
    q_lo, q_hi = z_quantiles.get(group, NORMAL_80)
    q_lo, q_hi = min(q_lo, 0.0), max(q_hi, 0.0)  # the interval always contains the point prediction
    return math.exp(mu + q_lo * sd), math.exp(mu + q_hi * sd)


def coverage(
    observed: Sequence[float] | np.ndarray,
    low: Sequence[float] | np.ndarray,
    high: Sequence[float] | np.ndarray,
) -> float:
    """Share of ``observed`` inside [low, high] (all in the same unit)."""
    o, lo, hi = np.asarray(observed), np.asarray(low), np.asarray(high)
    if len(o) == 0:
        return math.nan
    return float(np.mean((o >= lo) & (o <= hi)))
