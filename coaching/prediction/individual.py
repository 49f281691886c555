"""Individual layer: partial pooling of a runner's own level and distance-time exponent toward the population.

Level. Each effort j (distance D_j, time T_j) gives, through the population model, a normal prediction
m_j of the target's log time with variance s_j^2 (:meth:`PopulationModel.from_prior`). Every variance is
split into the part shared by all efforts, the noise of the target race itself (sigma_t^2 = sd0^2 / 2: a
same-distance prediction carries the noise of two races), and the part u_j^2 = s_j^2 - sigma_t^2 specific to
that prior. Efforts are inflated for age (``drift_var_per_week`` * weeks ago: fitness drifts) and for not
being races (``effort_var``). The combined prediction is the precision-weighted mean

    mu = sum_j m_j / u_j^2 / sum_j 1 / u_j^2,   var = sigma_t^2 + 1 / sum_j 1 / u_j^2.

With no effort the answer is the traits-only population model. With efforts, the pull of a runner's level
toward the population is already in model (1) (its coefficient on the prior's pace, fitted on data);
``use_traits_prior=True`` adds the traits-only model as one more "prior" with variance s_0^2 (off by default:
on Vickers cross-validation it double-counted that shrinkage, two-race marathon MSE 261 -> 282 min^2).

Exponent. A runner's own deviation from the population distance-time curve c(D) (fitted within runners on the
Vickers data) is the weighted least-squares slope

    delta = sum_j w_j (x_j - xbar)(rho_j - rhobar) / S_xx,   rho_j = log T_j - c(D_j), x_j = log D_j,

with recency weights w_j = 0.5 ** (weeks_ago / ``half_life_weeks``) and S_xx = sum_j w_j (x_j - xbar)^2. It is
shrunk toward zero (the population exponent) with the weight S_xx / (S_xx + k): k is the ratio of noise to
between-runner variance of the exponent, estimated from data by :func:`choose_slope_k` (empirical Bayes).
The prediction moves by shrink * delta * (x_target - x_anchor), x_anchor being where the efforts
pin the level.
This is the "their implied exponent is very informative" of two-race runners (Vickers & Vertosick 2016) and
the random-slope BLUP of a mixed model (Ross et al. 2019, BJSM 53, on individual response as random effects).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from coaching.prediction.population import (
    PopulationModel,
    RunnerTraits,
    VickersRow,
    interval_group,
    vickers_priors,
)
from coaching.prediction.riegel import RIEGEL_EXPONENT

#: variance of log fitness drift per week since the effort (0.007 sd per sqrt(week): ~3.6% after 6 months)
DEFAULT_DRIFT_VAR_PER_WEEK = 5e-5
#: extra log variance of an effort that was not a race (hard training run: not fully maximal)
DEFAULT_EFFORT_VAR = 0.03**2
DEFAULT_HALF_LIFE_WEEKS = 12.0


@dataclass(frozen=True, slots=True)
class Effort:
    """One effort: metres, seconds, weeks before the prediction date, and whether it was a race."""

    distance_m: float
    time_s: float
    weeks_ago: float = 0.0
    is_race: bool = True
    #: the runner's own rating of their fitness on the day (1 = as fit as ever, 2 = good shape, 3 = trained
    #: some, 4 = not well prepared; Vickers ``*_tr``); None = not asked
    fitness: int | None = None


@dataclass(frozen=True, slots=True)
class LogPrediction:
    """Prediction of log time (log-seconds) with its sd and how it was built.

    ``population_weight``: share of the traits-only model in the level; ``slope_shrink``: weight of the
    runner's own exponent (0 = population exponent); ``slope_delta``: own exponent minus the
    population curve's;
    ``effort_weights``: the share of each effort in the level, in input order.
    """

    mu: float
    sd: float
    n_efforts: int
    population_weight: float
    slope_delta: float
    slope_shrink: float
    slope_shift: float
    effort_weights: tuple[float, ...]

    @property
    def group(self) -> str:
        """Interval-calibration group (by number of efforts)."""
        return interval_group(self.n_efforts)


def _slope(
    model: PopulationModel, efforts: Sequence[Effort], half_life_weeks: float
) -> tuple[float, float, float]:
    """(delta, S_xx, weighted mean x) of the runner's own exponent deviation."""
    if len(efforts) < 2:
        return 0.0, 0.0, 0.0
    x = np.array([math.log(e.distance_m) for e in efforts])
    rho = np.array([math.log(e.time_s) - model.curve_log_time(e.distance_m) for e in efforts])
    w = np.array([0.5 ** (e.weeks_ago / half_life_weeks) for e in efforts])
    xbar = float(np.sum(w * x) / np.sum(w))
    sxx = float(np.sum(w * (x - xbar) ** 2))
    if sxx < 1e-9:
        return 0.0, 0.0, xbar
    rbar = float(np.sum(w * rho) / np.sum(w))
    delta = float(np.sum(w * (x - xbar) * (rho - rbar)) / sxx)
    return delta, sxx, xbar


def predict_log_time(
    model: PopulationModel,
    target_distance_m: float,
    efforts: Sequence[Effort],
    traits: RunnerTraits,
    *,
    slope_k: float | None = None,
    use_individual_slope: bool = True,
    use_traits_prior: bool = False,
    drift_var_per_week: float = DEFAULT_DRIFT_VAR_PER_WEEK,
    effort_var: float = DEFAULT_EFFORT_VAR,
    half_life_weeks: float = DEFAULT_HALF_LIFE_WEEKS,
) -> LogPrediction:
    """Partially pooled prediction of log time over ``target_distance_m`` metres (see module docstring).

    ``slope_k`` defaults to the model's; ``use_individual_slope=False`` gives the population-exponent answer;
    ``use_traits_prior=True`` also pools the level toward the traits-only model when there are efforts (off by
    default: model (1) already regresses a runner's level toward the population through its coefficient on the
    prior's pace, and adding the traits model double-counts that: on Vickers cross-validation it raised the
    two-race marathon MSE from 261 to 282 min^2). Without efforts the traits-only model is the answer.
    """
    cov = traits.covariates()
    k = model.slope_k if slope_k is None else slope_k
    ref = min(model.targets, key=lambda t: abs(math.log(t.distance_m / target_distance_m)))
    sigma_t2 = ref.sd0**2 / 2.0
    mus: list[float] = []
    inv: list[float] = []
    for e in efforts:
        m, s = model.from_prior(target_distance_m, e.distance_m, e.time_s, cov, e.fitness)
        u2 = max(s * s - sigma_t2, 1e-6) + drift_var_per_week * max(e.weeks_ago, 0.0)
        if not e.is_race:
            u2 += effort_var
        mus.append(m)
        inv.append(1.0 / u2)
    m0, s0 = model.from_traits(target_distance_m, cov)
    inv0 = 1.0 / max(s0 * s0 - sigma_t2, 1e-6) if (use_traits_prior or not efforts) else 0.0
    total = inv0 + sum(inv)
    mu = (inv0 * m0 + sum(w * m for w, m in zip(inv, mus, strict=True))) / total
    var = sigma_t2 + 1.0 / total
    if not efforts:
        var = s0 * s0
    delta, sxx, _ = _slope(model, efforts, half_life_weeks)
    shrink = sxx / (sxx + k) if (use_individual_slope and sxx > 0) else 0.0
    shift = 0.0
    if shrink > 0:
        x_anchor = sum(w * math.log(e.distance_m) for w, e in zip(inv, efforts, strict=True)) / sum(inv)
        share = sum(inv) / total
        shift = shrink * delta * (math.log(target_distance_m) - x_anchor) * share
        mu += shift
    eff_w = tuple(w / total for w in inv)
    return LogPrediction(
        mu=mu,
        sd=math.sqrt(var),
        n_efforts=len(efforts),
        population_weight=inv0 / total,
        slope_delta=delta,
        slope_shrink=shrink,
        slope_shift=shift,
        effort_weights=eff_w,
    )


def predict_own_log_time(
    target_distance_m: float,
    efforts: Sequence[Effort],
    half_life_weeks: float = DEFAULT_HALF_LIFE_WEEKS,
    min_sxx: float = 0.05,
) -> float | None:
    """Individual-only answer: the runner's own recency-weighted log-log line through their efforts.

    Slope is the runner's own when their efforts span enough distance (S_xx >= ``min_sxx``), else Riegel's
    1.06. No population information at all; None without efforts.
    """
    if not efforts:
        return None
    x = np.array([math.log(e.distance_m) for e in efforts])
    y = np.array([math.log(e.time_s) for e in efforts])
    w = np.array([0.5 ** (e.weeks_ago / half_life_weeks) for e in efforts])
    xbar = float(np.sum(w * x) / np.sum(w))
    ybar = float(np.sum(w * y) / np.sum(w))
    sxx = float(np.sum(w * (x - xbar) ** 2))
    b = float(np.sum(w * (x - xbar) * (y - ybar)) / sxx) if sxx >= min_sxx else RIEGEL_EXPONENT
    return ybar + b * (math.log(target_distance_m) - xbar)


def vickers_efforts(row: VickersRow, exclude: str | None = None) -> list[Effort]:
    """A Vickers runner's course-adjusted races (all but ``exclude``) as efforts, with their fitness rating."""
    return [Effort(d, t, fitness=f) for d, t, f in vickers_priors(row, exclude)]


def choose_slope_k(
    rows: Sequence[tuple[PopulationModel, VickersRow]],
    grid: Sequence[float] | None = None,
) -> float:
    """Empirical-Bayes prior strength k of the exponent, from out-of-fold Vickers marathon predictions.

    ``rows`` are (model fitted without the runner, Vickers row with a marathon). For runners with two or more
    other races, picks the k on a log grid minimising the squared log error of their marathon prediction.
    Returns a large k (population exponent) when no runner has two races.
    """
    from coaching.prediction.population import RACES, vickers_traits

    ks = list(grid) if grid is not None else [float(v) for v in np.geomspace(0.01, 100.0, 41)]
    cases: list[tuple[float, float, float]] = []  # (residual without slope, delta * lever, sxx)
    for model, row in rows:
        efforts = vickers_efforts(row, exclude="mf")
        if len(efforts) < 2:
            continue
        base = predict_log_time(model, RACES["mf"], efforts, vickers_traits(row), slope_k=1.0)
        if base.slope_shrink <= 0:
            continue
        # shift at k=1 is shrink(1) * delta * lever * share; recover delta * lever * share
        full = base.slope_shift / base.slope_shrink
        resid = math.log(float(row["mf_ti_adj"])) - (base.mu - base.slope_shift)
        sxx = base.slope_shrink / (1.0 - base.slope_shrink)  # shrink = sxx / (sxx + 1)
        cases.append((resid, full, sxx))
    if not cases:
        return 1e6
    best_k, best_sse = ks[0], math.inf
    for k in ks:
        sse = sum((r - s / (s + k) * f) ** 2 for r, f, s in cases)
        if sse < best_sse:
            best_k, best_sse = k, sse
    return best_k
